"""Render one value set of one chart with the real engine and map it back to the source.

Three renders, one engine call: the chart as it is with the value set (what is linted),
a marked copy with the same values (which template line wrote each rendered line; see
``markers``), and the chart with probe values (which values key a string came from; see
``sentinels``). Values keys are also traced by comparing rendered data with the values
the templates name (``origin``).
"""

from __future__ import annotations

import copy
import os
import tempfile
import time
from dataclasses import dataclass, field

from kspm_lint.helm.engines import NO_ENGINE, RenderJob, choose_engine, run_jobs
from kspm_lint.helm.errors import error_location, template_file
from kspm_lint.helm.markers import TEMPLATE_SUFFIXES, LineMarks, make_marked_copy, strip_marks
from kspm_lint.helm.options import HelmOptions, HelmProblem
from kspm_lint.helm.origin import HelmOrigin
from kspm_lint.helm.paths import display_path
from kspm_lint.helm.sentinels import deciding_paths, make_probe
from kspm_lint.helm.sourcemap import SourceMap, TemplateBlock, values_prefix
from kspm_lint.helm.values import ValuesError, ValuesIndex, load_layers, read_chart_yaml
from kspm_lint.location import Span
from kspm_lint.origin import Location
from kspm_lint.parsing.document import ParsedFile
from kspm_lint.parsing.loader import parse_bytes, parse_file
from kspm_lint.resources import Resource, resources_of

RENDER_FAILED = "render-failed"
CLUSTER_SCOPED = frozenset({
    "APIService", "CSIDriver", "CSINode", "CertificateSigningRequest", "ClusterIssuer",
    "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "IngressClass",
    "MutatingWebhookConfiguration", "Namespace", "Node", "PersistentVolume",
    "PodSecurityPolicy", "PriorityClass", "RuntimeClass", "StorageClass",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration", "VolumeAttachment",
})


@dataclass
class HelmRender:
    """One value set of one chart, rendered. ``parsed`` is the rendered stream (a
    ``# Source:`` header before each template's output, as ``helm template`` prints it),
    parsed with kspm-lint's own parser; ``objects`` pairs each object with its origin;
    ``suppression_files`` are the files whose ``# kspm-lint: disable=`` comments may
    apply to findings mapped into them (templates, helpers, values files)."""

    chart: str
    value_set: str
    engine: str | None
    parsed: ParsedFile | None = None
    objects: list[tuple[Resource, HelmOrigin]] = field(default_factory=list)
    problems: list[HelmProblem] = field(default_factory=list)
    suppression_files: list[str] = field(default_factory=list)
    unmarked_templates: list[str] = field(default_factory=list)  # markers unusable: line 1 fallbacks
    render_seconds: float = 0.0
    total_seconds: float = 0.0


def value_set_label(options: HelmOptions) -> str:
    """``values.yaml`` (the chart's defaults), or the values files given, joined by ``+``."""
    names = [os.path.basename(path) for path in options.values_files]
    if options.set_values:
        names.append("--set " + ",".join(options.set_values))
    return "+".join(names) or "values.yaml"


def render_chart(chart_dir: str, options: HelmOptions | None = None) -> HelmRender:
    """Render ``chart_dir`` with one value set; never raises for a bad chart or values."""
    options = options or HelmOptions()
    started = time.perf_counter()
    chart_dir = os.path.abspath(chart_dir)
    shown = display_path(chart_dir)
    chart_yaml = os.path.join(chart_dir, "Chart.yaml")
    result = HelmRender(shown, value_set_label(options), choose_engine(options.engine))
    result.suppression_files = _source_files(chart_dir, options)
    try:
        _render_into(result, chart_dir, options)
    except ValuesError as exc:
        where = exc.location
        if where.file == "--set":  # no file to point at: the chart
            where = Location(display_path(chart_yaml), Span.point(1), "the --set value is given on the command line")
        result.problems.append(HelmProblem(RENDER_FAILED, str(exc), where))
    except OSError as exc:
        where = Location(display_path(chart_yaml), Span.point(1))
        result.problems.append(HelmProblem(RENDER_FAILED, f"cannot render {shown}: {exc}", where))
    result.total_seconds = time.perf_counter() - started
    return result


def _render_into(result: HelmRender, chart_dir: str, options: HelmOptions) -> None:
    chart_yaml = display_path(os.path.join(chart_dir, "Chart.yaml"))
    if not os.path.isfile(os.path.join(chart_dir, "Chart.yaml")):
        raise ValuesError(f"{result.chart} has no Chart.yaml", Location(chart_yaml, Span.point(1)))
    index = ValuesIndex(load_layers(chart_dir, options.values_files, options.set_values))
    if result.engine is None:
        result.problems.append(HelmProblem(RENDER_FAILED, NO_ENGINE, Location(chart_yaml, Span.point(1))))
        return
    missing = _missing_dependencies(chart_dir)
    if missing:
        result.problems += missing
        return
    values = index.user_values()
    with tempfile.TemporaryDirectory(prefix="kspm-helm-", dir=_scratch_base()) as scratch:
        marked = make_marked_copy(chart_dir, scratch)
        probe = make_probe(index.effective, deciding_paths(_template_texts(chart_dir, marked.files)), values)
        plain, with_marks, probed = run_jobs(result.engine, [
            RenderJob(chart_dir, values), RenderJob(marked.chart_dir, values, marked=True),
            RenderJob(chart_dir, probe.values),
        ], options)
    result.render_seconds = plain.seconds
    if plain.error is not None:
        message = f"helm template failed ({result.engine}): {plain.error}"
        result.problems.append(HelmProblem(RENDER_FAILED, message, error_location(chart_dir, plain.error)))
        return
    manifests = {name: text for name, text in plain.manifests.items() if _is_manifest(name, text)}
    source_map = SourceMap(chart_dir, marked.files)
    stream: list[str] = []
    line = 1
    for name in sorted(manifests):
        text = _ended(manifests[name])
        stream.append(f"---\n# Source: {name}\n{text}")
        marks = _verbatim_marks(name, marked.files, text)
        if marks is None and with_marks.error is None and name in with_marks.manifests:
            marks = strip_marks(with_marks.manifests[name], manifests[name])
        path = template_file(chart_dir, name)
        file = display_path(path) if path else None
        if marks is None and file is not None:
            result.unmarked_templates.append(file)
        source_map.blocks.append(TemplateBlock(name, file, values_prefix(name), line + 2,
                                               text.count("\n"), marks))
        line += 2 + text.count("\n")
    rendered_name = f"{result.chart} (rendered with {result.value_set})"
    parsed = parse_bytes("".join(stream).encode("utf-8"), rendered_name)
    result.parsed = parsed
    for problem in parsed.problems:
        where = _problem_location(source_map, problem.span.line) or Location(chart_yaml, Span.point(1))
        result.problems.append(HelmProblem(problem.rule, f"rendered output: {problem.message}", where))
    resources, _ = resources_of(parsed)
    probed_objects = _probed_objects(probed.manifests, source_map) if probed.error is None else {}
    for resource in resources:
        key = _object_key(resource, source_map, parsed)
        resource = _with_release_namespace(resource, options.namespace)
        origin = HelmOrigin(resource, source_map, index, rendered_name)
        twin = probed_objects.get(key) if key is not None else None
        if twin is not None and twin.kind == resource.kind:
            origin.probe, origin.probe_data = probe, twin.data
        result.objects.append((resource, origin))
    if not resources and not parsed.problems:
        message = (f"{result.chart} renders no Kubernetes objects with {result.value_set}: "
                   "every template is empty or switched off by these values")
        result.problems.append(HelmProblem(RENDER_FAILED, message, Location(chart_yaml, Span.point(1))))


def _scratch_base() -> str | None:
    """Memory-backed scratch space when the machine has it: the marked copy is written
    and removed on every render, and a slow disk costs more than the render itself."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def _verbatim_marks(name: str, files: tuple[str, ...], text: str) -> list[LineMarks] | None:
    """A CRD file is printed as it is written: rendered line N is its line N."""
    relative = name.partition("/")[2]
    if "crds/" not in relative or relative not in files:
        return None
    index = files.index(relative)
    return [LineMarks(((index, number),), True) for number in range(1, text.count("\n") + 2)]


def _ended(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _template_texts(chart_dir: str, files: tuple[str, ...]) -> list[tuple[tuple, str]]:
    texts = []
    for relative in files:
        try:
            with open(os.path.join(chart_dir, *relative.split("/")), encoding="utf-8") as handle:
                texts.append((values_prefix(relative), handle.read()))
        except (OSError, UnicodeDecodeError):
            continue
    return texts


def _object_key(resource: Resource, source_map: SourceMap, parsed: ParsedFile) -> tuple | None:
    """(template name, document number inside that template's output, path in document)."""
    block = source_map.block_at(resource.document.start_line)
    if block is None:
        return None
    ordinal = sum(1 for document in parsed.documents[:resource.document.index]
                  if source_map.block_at(document.start_line) is block)
    return block.name, ordinal, resource.base


def _probed_objects(manifests: dict[str, str], plain_map: SourceMap) -> dict[tuple, Resource]:
    """The probe render's objects by the same key as the plain render's."""
    blocks = []
    stream = []
    line = 1
    for name in sorted(n for n, t in manifests.items() if _is_manifest(n, t)):
        text = _ended(manifests[name])
        stream.append(f"---\n# Source: {name}\n{text}")
        blocks.append(TemplateBlock(name, None, (), line + 2, text.count("\n"), None))
        line += 2 + text.count("\n")
    probe_map = SourceMap(plain_map.chart_dir, plain_map.files, blocks)
    parsed = parse_bytes("".join(stream).encode("utf-8"), "probe")
    found = {}
    for resource in resources_of(parsed)[0]:
        key = _object_key(resource, probe_map, parsed)
        if key is not None:
            found[key] = resource
    return found


def _is_manifest(name: str, text: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return base != "NOTES.txt" and not base.startswith("_") and text.strip() != ""


def _problem_location(source_map: SourceMap, line: int) -> Location | None:
    source = source_map.line_source(line)
    if source is not None:
        return Location(source.file, Span.point(source.line))
    block = source_map.block_at(line)
    if block is not None and block.file is not None:
        return Location(block.file, Span.point(1), "no exact template line is known")
    return None


def _with_release_namespace(resource: Resource, namespace: str | None) -> Resource:
    """The object as the cluster sees it: namespaced objects without a namespace get
    the release namespace (the document's text is not changed)."""
    if not namespace or resource.namespace or resource.kind in CLUSTER_SCOPED:
        return resource
    data = copy.copy(resource.data)
    metadata = dict(data["metadata"]) if isinstance(data.get("metadata"), dict) else {}
    metadata["namespace"] = namespace
    data["metadata"] = metadata
    return Resource(resource.file, resource.document, resource.base, data)


def _missing_dependencies(chart_dir: str) -> list[HelmProblem]:
    """Dependencies Chart.yaml declares that charts/ lacks. The binary refuses such a
    chart; helm-python-sdk renders it without a word, the dependency's objects silently
    absent (or nothing at all). Both engines must give the same answer: a problem."""
    meta = read_chart_yaml(chart_dir)
    declared = meta.get("dependencies") or []
    if not isinstance(declared, list) or not declared:
        return []
    present = _present_charts(chart_dir)
    chart_yaml = os.path.join(chart_dir, "Chart.yaml")
    parsed = parse_file(chart_yaml, display_path(chart_yaml))
    problems = []
    for number, dep in enumerate(declared):
        if not isinstance(dep, dict) or not dep.get("name"):
            continue
        name = str(dep["name"])
        if name in present:
            continue
        span = parsed.documents[0].locate(("dependencies", number, "name")) if parsed.documents else Span.point(1)
        repository = f" from {dep['repository']}" if dep.get("repository") else ""
        message = (f"dependency chart '{name}'{repository} is missing from charts/: the chart "
                   "renders nothing without it; run helm dependency build (kspm-lint never "
                   "fetches charts)")
        problems.append(HelmProblem(RENDER_FAILED, message, Location(display_path(chart_yaml), span)))
    return problems


def _present_charts(chart_dir: str) -> set[str]:
    charts = os.path.join(chart_dir, "charts")
    names: set[str] = set()
    if not os.path.isdir(charts):
        return names
    for entry in os.listdir(charts):
        path = os.path.join(charts, entry)
        if os.path.isdir(path):
            name = read_chart_yaml(path).get("name")
            names.add(str(name) if name else entry)
        elif entry.endswith(".tgz"):
            names.add(entry[:-4].rsplit("-", 1)[0])
    return names


def _source_files(chart_dir: str, options: HelmOptions) -> list[str]:
    files: list[str] = []
    for root, dirs, names in os.walk(chart_dir):
        dirs[:] = sorted(d for d in dirs if d != ".git")
        parts = os.path.relpath(root, chart_dir).split(os.sep)
        for name in sorted(names):
            if (("templates" in parts or parts[-1] == "crds") and name.endswith(TEMPLATE_SUFFIXES)) or (
                name == "values.yaml" and (parts == ["."] or parts[-2:-1] == ["charts"])
            ):
                files.append(display_path(os.path.join(root, name)))
    files += [display_path(path) for path in options.values_files]
    return list(dict.fromkeys(files))
