"""Inline comments, annotations and config ignores: suppress, keep, and report stale ones."""

from __future__ import annotations

from kspm_lint.config import Config
from tests.conftest import lint

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
{annotations}spec:
  hostNetwork: true{trailing}
  containers:
    - name: app
      image: nginx:1.25
      securityContext:
{above}        privileged: true
    - name: sidecar
      image: envoy:1.30
      securityContext:
        privileged: true
"""
SELECT = ["privileged-container", "host-namespaces", "unused-suppression"]


def run(tmp_path, text, **kwargs):
    path = tmp_path / "pod.yaml"
    path.write_text(text)
    return lint([path], select=SELECT, **kwargs).findings


def pod(annotations="", trailing="", above=""):
    return POD.format(annotations=annotations, trailing=trailing, above=above)


def summary(findings):
    return sorted((f.rule, f.span.line, f.suppressed) for f in findings)


def test_comment_on_line_above_suppresses_and_keeps_reason(tmp_path):
    text = pod(above="        # kspm-lint: disable=privileged-container needs raw sockets\n")
    findings = run(tmp_path, text)
    assert summary(findings) == [
        ("host-namespaces", 6, False),
        ("privileged-container", 12, True),
        ("privileged-container", 16, False),
    ]
    suppressed = next(f for f in findings if f.suppressed)
    assert suppressed.suppression_reason == "needs raw sockets"


def test_trailing_comment_suppresses_its_line(tmp_path):
    findings = run(tmp_path, pod(trailing="  # kspm-lint: disable=host-namespaces CNI pod"))
    assert ("host-namespaces", 6, True) in summary(findings)


def test_document_heading_comment_suppresses_whole_document(tmp_path):
    text = "# kspm-lint: disable=privileged-container,host-namespaces\n" + pod()
    assert all(f.suppressed for f in run(tmp_path, text))


def test_disable_file(tmp_path):
    text = pod() + "# kspm-lint: disable-file=privileged-container\n"
    findings = run(tmp_path, text)
    assert [f.suppressed for f in findings if f.rule == "privileged-container"] == [True, True]
    assert [f.suppressed for f in findings if f.rule == "host-namespaces"] == [False]


def test_annotation_for_object_and_for_one_container(tmp_path):
    annotations = ("  annotations:\n    kspm-lint.io/ignore: host-namespaces\n"
                   "    kspm-lint.io/ignore.sidecar: privileged-container\n")
    findings = run(tmp_path, pod(annotations=annotations))
    assert summary(findings) == [
        ("host-namespaces", 9, True),
        ("privileged-container", 14, False),
        ("privileged-container", 18, True),
    ]


def test_pod_template_annotation_suppresses_controller(tmp_path):
    text = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    metadata:
      annotations:
        kspm-lint.io/ignore: "privileged-container"
    spec:
      containers:
        - name: app
          image: a:1
          securityContext: {privileged: true}
"""
    findings = run(tmp_path, text)
    assert [(f.rule, f.suppressed) for f in findings] == [("privileged-container", True)]


def test_unused_suppression_is_reported_where_written(tmp_path):
    text = pod(above="        # kspm-lint: disable=host-namespaces wrong line\n")
    findings = run(tmp_path, text)
    unused = [f for f in findings if f.rule == "unused-suppression"]
    assert [(f.span.line, f.span.column) for f in unused] == [(11, 9)]
    assert "host-namespaces" in unused[0].message


def test_unknown_rule_in_suppression_is_reported(tmp_path):
    findings = run(tmp_path, pod(trailing="  # kspm-lint: disable=no-such-rule"))
    assert any(f.rule == "unused-suppression" and "unknown rule" in f.message for f in findings)


def test_no_inline_suppressions_ignores_comments_and_annotations(tmp_path):
    text = pod(annotations="  annotations:\n    kspm-lint.io/ignore: host-namespaces\n",
               above="        # kspm-lint: disable=privileged-container\n")
    findings = run(tmp_path, text, inline_suppressions=False)
    assert not any(f.suppressed for f in findings)
    assert not any(f.rule == "unused-suppression" for f in findings)


def test_config_ignores_by_kind_namespace_name_container_glob(tmp_path):
    config = Config(ignores=[{"rules": ["privileged-container"], "kind": "Pod", "name": "w*",
                              "container": "side*", "reason": "vendor chart"}])
    path = tmp_path / "pod.yaml"
    path.write_text(pod())
    findings = lint([path], select=SELECT, config=config).findings
    assert summary(findings) == [
        ("host-namespaces", 6, False),
        ("privileged-container", 11, False),
        ("privileged-container", 15, True),
    ]
    assert next(f for f in findings if f.suppressed).suppression_reason == "vendor chart"


def test_comment_text_inside_a_string_suppresses_nothing(tmp_path):
    text = pod() + (
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: scripts}\ndata:\n"
        "  run.sh: |\n    # kspm-lint: disable-file=all\n    echo hi\n"
        "  note: \"see # kspm-lint: disable-file=all\"\n"
    )
    findings = run(tmp_path, text)
    assert not any(f.suppressed for f in findings)
    assert not any(f.rule == "unused-suppression" for f in findings)


def test_spaces_after_commas_in_rule_list(tmp_path):
    text = pod(trailing="  # kspm-lint: disable=privileged-container, host-namespaces CNI pod")
    findings = run(tmp_path, text)
    hidden = [f for f in findings if f.rule == "host-namespaces"]
    assert [(f.suppressed, f.suppression_reason) for f in hidden] == [(True, "CNI pod")]



def test_stale_config_ignore_reported_at_its_config_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from kspm_lint.cli import main

    (tmp_path / ".kspm-lint.yaml").write_text(
        "ignores:\n  - rules: [privileged-container]\n    name: web\n"
        "  - rules: [host-namespaces]\n    name: nothing-like-this\n")
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "pod.yaml").write_text(pod())
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["-q", "--no-color", "--select", ",".join(SELECT), "deploy"])
    assert ".kspm-lint.yaml:4:1: low      unused-suppression: config ignore of 'host-namespaces'" in result.output
    assert "config ignore of 'privileged-container'" not in result.output
    # linting single files (pre-commit) cannot judge repository-wide ignores
    result = CliRunner().invoke(main, ["-q", "--select", ",".join(SELECT), "deploy/pod.yaml"])
    assert "unused-suppression" not in result.output
