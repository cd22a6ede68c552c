"""Property tests: generated manifests in generated formatting, fixed by the real engine.

For every example: the fixed file reads back without problems; only the paths the
fixes target changed in the data; every changed line of text lies inside a mapping or
list that a fix touched; a second run changes nothing; a re-lint of the fixable rules
reports nothing.
"""

from __future__ import annotations

import difflib
import io
import json
import os
import random
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from kspm_lint.fix.apply import FileFixes, apply_fixes
from kspm_lint.fix.splice import DocumentText
from kspm_lint.fix.style import Style
from kspm_lint.fix.text import LineIndex
from kspm_lint.parsing.loader import parse_text
from tests.fix.conftest import FIXABLE, cwd, lint_run

# -- manifests -------------------------------------------------------------------------

PROFILES = st.sampled_from([{"type": "RuntimeDefault"}, {"type": "Unconfined"},
                            {"type": "Localhost", "localhostProfile": "p.json"}])


def _optional(**fields) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({}, optional=fields)


container_security = _optional(
    privileged=st.booleans(), allowPrivilegeEscalation=st.booleans(), readOnlyRootFilesystem=st.booleans(),
    runAsNonRoot=st.booleans(), runAsUser=st.sampled_from([0, 1000]),
    procMount=st.sampled_from(["Default", "Unmasked"]),
    capabilities=_optional(
        drop=st.lists(st.sampled_from(["ALL", "NET_RAW"]), max_size=2, unique=True),
        add=st.lists(st.sampled_from(["NET_ADMIN", "NET_BIND_SERVICE", "CHOWN", "SYS_TIME"]), max_size=3,
                     unique=True)),
    seccompProfile=PROFILES, appArmorProfile=PROFILES,
)
pod_security = _optional(runAsNonRoot=st.booleans(), runAsUser=st.sampled_from([0, 1000]),
                         seccompProfile=PROFILES, fsGroup=st.just(2000))


@st.composite
def containers(draw) -> list[dict]:
    found = []
    for index in range(draw(st.integers(1, 3))):
        container = {"name": f"c{index}", "image": f"img{index}:1.0"}
        container.update(draw(_optional(
            ports=st.lists(st.fixed_dictionaries({"containerPort": st.sampled_from([80, 8080])},
                                                 optional={"hostPort": st.sampled_from([80, 8080])}),
                           min_size=1, max_size=2),
            env=st.just([{"name": "MODE", "value": "on"}]),
            volumeMounts=st.lists(st.fixed_dictionaries({"name": st.sampled_from(["data", "tmp"]),
                                                         "mountPath": st.sampled_from(["/data", "/tmp"])}),
                                  min_size=1, max_size=2, unique_by=lambda m: m["mountPath"]),
            securityContext=container_security,
        )))
        found.append(container)
    return found


@st.composite
def manifests(draw) -> dict:
    spec: dict[str, Any] = draw(_optional(
        hostNetwork=st.booleans(), hostPID=st.booleans(), automountServiceAccountToken=st.booleans(),
        securityContext=pod_security,
        volumes=st.just([{"name": "data", "emptyDir": {}}]),
    ))
    spec["containers"] = draw(containers())
    if draw(st.booleans()):
        spec["initContainers"] = [{"name": "init", "image": "init:1.0"}]
    annotations = draw(_optional(**{"container.apparmor.security.beta.kubernetes.io/c0":
                                    st.sampled_from(["unconfined", "runtime/default"])}))
    kind = draw(st.sampled_from(["Pod", "Deployment", "CronJob", "List"]))
    metadata = {"name": "m", **({"annotations": annotations} if annotations else {})}
    if kind in ("Pod", "List"):
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}
        return pod if kind == "Pod" else {"apiVersion": "v1", "kind": "List", "items": [pod]}
    template = {"metadata": metadata, "spec": spec}
    if kind == "Deployment":
        return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "m"},
                "spec": {"template": template}}
    return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "m"},
            "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": template}}}}


# -- formatting ------------------------------------------------------------------------

@st.composite
def layouts(draw) -> dict:
    return {
        "json": draw(st.booleans()) and draw(st.booleans()),  # about one in four
        "indent": draw(st.sampled_from([2, 4])),
        "flush_sequences": draw(st.booleans()),
        "flow": draw(st.sampled_from([0.0, 0.3, 0.7])),  # share of small mappings/lists in flow style
        "comments": draw(st.sampled_from([0.0, 0.3, 1.0])),  # share of keys with an end-of-line comment
        "seed": draw(st.integers(0, 1000)),
        "loose_lines": draw(st.sampled_from([0, 3, 10])),  # full-line comments and blank lines scattered
        "crlf": draw(st.booleans()),
        "final_newline": draw(st.booleans()),
        "leading_document": draw(st.booleans()),
    }


def _commented(value: Any, layout: dict, chance: random.Random) -> Any:
    """ruamel nodes with some mappings in flow style and end-of-line comments on some keys."""
    def choice(name: str) -> bool:
        return chance.random() < layout[name]

    if isinstance(value, dict):
        node = CommentedMap((k, _commented(v, layout, chance)) for k, v in value.items())
        leafy = all(not isinstance(v, (dict, list)) or not v for v in value.values())
        if leafy and value and choice("flow"):
            node.fa.set_flow_style()
        elif not node.fa.flow_style():
            for key in value:
                if choice("comments"):
                    node.yaml_add_eol_comment(f"note on {key}", key)
        return node
    if isinstance(value, list):
        node = CommentedSeq(_commented(v, layout, chance) for v in value)
        if all(not isinstance(v, (dict, list)) for v in value) and value and choice("flow"):
            node.fa.set_flow_style()
        return node
    return value


def _scatter(text: str, count: int, chance: random.Random) -> str:
    """Blank lines and comment lines at any indentation, anywhere: YAML ignores both."""
    lines = text.split("\n")
    for _ in range(count):
        at = chance.randrange(1, len(lines))
        loose = "" if chance.random() < 0.3 else " " * chance.randrange(0, 12) + "# loose comment"
        lines.insert(at, loose)
    return "\n".join(lines)


def render(manifest: dict, layout: dict) -> tuple[str, str]:
    """(file name, text)."""
    if layout["json"]:
        text = json.dumps(manifest, indent=layout["indent"]) + ("\n" if layout["final_newline"] else "")
        return "m.json", text
    yaml = YAML()
    step = layout["indent"]
    if layout["flush_sequences"]:
        yaml.indent(mapping=step, sequence=2, offset=0)
    else:
        yaml.indent(mapping=step, sequence=step + 2, offset=step)
    documents = [_commented(manifest, layout, random.Random(layout["seed"]))]
    if layout["leading_document"]:
        documents.insert(0, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "before"}})
    stream = io.StringIO()
    yaml.explicit_start = layout["leading_document"]
    yaml.dump_all(documents, stream)
    text = _scatter(stream.getvalue(), layout["loose_lines"], random.Random(layout["seed"]))
    if not layout["final_newline"]:
        text = text.rstrip("\n")
    if layout["crlf"]:
        text = text.replace("\n", "\r\n")
    return "m.yaml", text


# -- checks ----------------------------------------------------------------------------

def _changed_paths(old: Any, new: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in old.keys() | new.keys():
            if key not in old or key not in new:
                found.append((*path, key))
            else:
                found.extend(_changed_paths(old[key], new[key], (*path, key)))
        return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [p for i, (a, b) in enumerate(zip(old, new, strict=True)) for p in _changed_paths(a, b, (*path, i))]
    return [] if type(old) is type(new) and old == new else [path]


def _touched_lines(text: str, is_json: bool, ops: list) -> list[tuple[int, int]]:
    """Line ranges (0-based, inclusive) of the mappings and lists the ops edit."""
    parsed = parse_text(text, "m.json" if is_json else "m.yaml")
    index = LineIndex(text)
    ranges = []
    for number, op in ops:
        view = DocumentText(text, parsed.documents[number].root, Style(), is_json)
        steps = view.walk(op.path)
        holders = [steps[-2 if len(steps) == len(op.path) + 1 else -1]]
        if op.prune and len(steps) >= 3:
            holders.append(steps[-3])
        for step in holders:
            start = index.line_of(view.start(step.key if step.key is not None else step.node))
            end = index.line_of(view.content_end(step.node, step.key)) + 1
            while end < index.line_count and (index.line_text(end).strip() + "#").startswith("#"):
                end += 1  # the comment and blank lines that trail the block go with it
            ranges.append((start, end))
    return ranges


# KSPM_FIX_EXAMPLES=2000 for a deeper (random) search; the default keeps the suite fast and repeatable.
DEEP = int(os.environ.get("KSPM_FIX_EXAMPLES", "0"))


@settings(max_examples=DEEP or 40, deadline=None, derandomize=not DEEP,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(manifest=manifests(), layout=layouts())
def test_fixes_on_generated_manifests(manifest, layout, tmp_path_factory):
    directory: Path = tmp_path_factory.mktemp("property")
    name, text = render(manifest, layout)
    path = directory / name
    path.write_bytes(text.encode())
    with cwd(directory):
        run = lint_run([name], FIXABLE)
        parsed = run.parsed[0]
        assert parsed.text == text and not parsed.problems
        file = FileFixes(name, parsed)
        intended = [(f.document_index, op) for f in run.report.findings for op in file.ops(f)]
        outcome = apply_fixes(run, unsafe=True, write=True)

        unfixable = [reason for _, reason in outcome.failed]
        assert all("the API server rejects" in reason for reason in unfixable), unfixable
        assert bool(outcome.changed) == bool(outcome.fixed) == bool(len(intended) > len(unfixable))
        new_text = path.read_bytes().decode()
        reparsed = parse_text(new_text, name)
        assert not reparsed.problems

        targets = [op.path for _, op in intended]
        for old_doc, new_doc in zip(parsed.documents, reparsed.documents, strict=True):
            for changed in _changed_paths(old_doc.data, new_doc.data):
                assert any(t[:len(changed)] == changed or changed[:len(t)] == t for t in targets), changed

        ranges = _touched_lines(text, parsed.is_json, intended)
        old_lines = [line.rstrip("\r\n") for line in LineIndex(text).lines()]
        new_lines = [line.rstrip("\r\n") for line in LineIndex(new_text).lines()]
        matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        for tag, i1, i2, _, _ in matcher.get_opcodes():
            if tag != "equal":
                assert any(start <= i1 and i2 <= end + 1 for start, end in ranges), (tag, i1, i2, ranges)
        if "\r\n" in text:
            assert new_text.count("\n") == new_text.count("\r\n")
        assert new_text.endswith("\n") == text.endswith("\n")

        again = lint_run([name], FIXABLE)
        assert apply_fixes(again, unsafe=True, write=True).changed == {}
        left = [f for f in again.report.findings if not f.suppressed]
        assert len(left) == len(unfixable), [(f.rule, f.message) for f in left]
    os.remove(path)
