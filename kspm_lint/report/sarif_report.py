"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Built with sarif-om's object model and serialised by a small walker below: sarif-om's
classes are attrs classes whose fields record the schema's camelCase name in their
metadata, but the package ships no serializer. Exactly one run per log (code scanning
rejects several runs of one tool and category), results capped at code scanning's
per-run maximum, fingerprints that survive unrelated edits.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import attr
import sarif_om as om

from kspm_lint import __version__
from kspm_lint.engine.catalog import Rule
from kspm_lint.findings import Finding, Severity
from kspm_lint.identity import fingerprints as identity_fingerprints
from kspm_lint.location import Span, format_path
from kspm_lint.report import RenderOptions, Report
from kspm_lint.report.json_report import _CHUNK, dumps, encode_at
from kspm_lint.report.locations import (
    HOMEPAGE,
    SARIF_LEVEL,
    SECURITY_SEVERITY,
    by_severity,
    file_uri,
    repo_relative,
    repo_root,
    rule_url,
)

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "kspmLintFindingIdentity/v1"
MAX_RESULTS = 25_000  # code scanning rejects a run with more results
MAX_TAGS = 10  # code scanning keeps only the first 10 tags of a rule


# --- serialisation -----------------------------------------------------------------

# sarif-om 1.0.4 names suppression.status "state": the schema (additionalProperties:
# false) would reject it, so it is renamed here.
_RENAMES = {(om.Suppression, "state"): "status"}


def to_json_data(value: Any) -> Any:
    """sarif-om objects to plain JSON data with the schema's property names.

    Fields left at sarif-om's placeholder defaults (``None``, the ``-1`` "unset"
    numbers, the factory-made lists) are dropped; explicit values are kept.
    """
    kind = type(value)
    if kind in _PLAIN:
        return value
    plan = _PLANS.get(kind)
    if plan is None and attr.has(kind):
        plan = _plan(kind)
    if plan is not None:
        out: dict[str, Any] = {}
        for field_name, name, placeholder in plan:
            item = getattr(value, field_name)
            if item is None or (placeholder is not _NO_PLACEHOLDER and item == placeholder):
                continue
            out[name] = to_json_data(item)
        return out
    if isinstance(value, dict):
        return {str(k): to_json_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_data(v) for v in value]
    return value


_NO_PLACEHOLDER = object()
_PLAIN = frozenset({str, int, float, bool, type(None)})
_PLANS: dict[type, list[tuple[str, str, Any]]] = {}


def _plan(cls: type) -> list[tuple[str, str, Any]]:
    """Per sarif-om class, once: (attribute, JSON name, its placeholder value or none)."""
    plan = []
    for field in attr.fields(cls):
        name = _RENAMES.get((cls, field.name), field.metadata.get("schema_property_name", field.name))
        default: Any = field.default
        if isinstance(default, attr.Factory):  # type: ignore[arg-type]
            placeholder = default.factory()  # sarif-om's factories make the same value every time
        elif isinstance(default, (int, float)) and not isinstance(default, bool) and default < 0:
            placeholder = default
        else:
            placeholder = _NO_PLACEHOLDER
        plan.append((field.name, name, placeholder))
    _PLANS[cls] = plan
    return plan


# --- rules -------------------------------------------------------------------------


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _is_code(paragraph: str) -> bool:
    lines = paragraph.splitlines()
    if any(line[:1] in (" ", "\t") for line in lines):
        return True
    return len(lines) > 1 and re.match(r"^[A-Za-z0-9_.-]+:(\s|$)", lines[0]) is not None


def remediation_markdown(text: str) -> str:
    """Rule remediation text to markdown: prose paragraphs joined, YAML kept fenced."""
    blocks: list[str] = []
    for paragraph in text.strip().split("\n\n"):
        if _is_code(paragraph):
            blocks.append("```yaml\n" + paragraph.rstrip() + "\n```")
        else:
            blocks.append(_one_line(paragraph))
    return "\n\n".join(blocks)


def _framework_tags(rule: Rule) -> list[str]:
    tags: list[str] = []
    if rule.pss_level:
        tags.append(f"pss-{rule.pss_level}")
    for cis in _as_list(rule.frameworks.get("cis")):
        tags.append(f"cis-{cis}")
    for technique in _as_list(rule.frameworks.get("mitre")):
        tags.append(f"mitre-{str(technique).split()[0]}")
    return tags


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _help(rule: Rule) -> om.MultiformatMessageString:
    references = "\n".join(f"- {ref}" for ref in rule.references)
    markdown = [f"**{rule.title}** ({rule.severity.label})", "", _one_line(rule.description), "",
                "## Remediation", "", remediation_markdown(rule.remediation)]
    text = [rule.title, "", _one_line(rule.description), "", "Remediation:", rule.remediation.strip()]
    if rule.fix and rule.fix.get("safety") in ("safe", "unsafe"):
        how = "kspm-lint --fix" if rule.fix["safety"] == "safe" else "kspm-lint --fix --unsafe-fixes"
        markdown += ["", "## Automatic fix", "", f"`{how}`: {_one_line(str(rule.fix.get('description', '')))}"]
        text += ["", f"Automatic fix ({how}): {_one_line(str(rule.fix.get('description', '')))}"]
    if references:
        markdown += ["", "## References", "", references]
        text += ["", "References:", references]
    return om.MultiformatMessageString(text="\n".join(text), markdown="\n".join(markdown))


def rule_descriptor(rule: Rule) -> om.ReportingDescriptor:
    tags = ["security", "kubernetes", rule.category, *_framework_tags(rule)]
    properties: dict[str, Any] = {
        "tags": list(dict.fromkeys(tags))[:MAX_TAGS],
        "security-severity": SECURITY_SEVERITY[rule.severity],
        "precision": "high",
        "severity": rule.severity.label,
        "category": rule.category,
    }
    if rule.frameworks:
        properties["frameworks"] = rule.frameworks
    if rule.equivalents:
        properties["equivalents"] = rule.equivalents
    if rule.fix_safety in ("safe", "unsafe"):
        properties["fix"] = rule.fix_safety
    return om.ReportingDescriptor(
        id=rule.id,
        name=_pascal(rule.id),
        short_description=om.MultiformatMessageString(text=rule.title),
        full_description=om.MultiformatMessageString(text=_one_line(rule.description)[:1024]),
        help=_help(rule),
        help_uri=rule_url(rule.id, rule.references),
        default_configuration=om.ReportingConfiguration(level=SARIF_LEVEL[rule.severity]),
        properties=properties,
    )


def _unknown_descriptor(rule_id: str, severity: Severity) -> om.ReportingDescriptor:
    """A finding whose rule is not in the run's rule list still needs a rules[] entry."""
    return om.ReportingDescriptor(
        id=rule_id,
        name=_pascal(rule_id),
        short_description=om.MultiformatMessageString(text=rule_id),
        full_description=om.MultiformatMessageString(text=f"kspm-lint rule {rule_id}"),
        help=om.MultiformatMessageString(text=f"See kspm-lint --explain {rule_id}"),
        help_uri=rule_url(rule_id),
        default_configuration=om.ReportingConfiguration(level=SARIF_LEVEL[severity]),
        properties={"tags": ["security", "kubernetes"], "security-severity": SECURITY_SEVERITY[severity]},
    )


# --- results -----------------------------------------------------------------------


def _region(span: Span, explicit_end: bool = False) -> om.Region:
    """SARIF regions are 1-based with an exclusive end column, like Span.

    A result region that ends at column 1 of a later line is reported as ending on the
    line before (so viewers do not highlight a line that is not part of it).
    """
    line, column = span.line, span.column
    end_line, end_column = max((span.end_line, span.end_column), (line, column))
    if not explicit_end and end_column == 1 and end_line > line:
        return om.Region(start_line=line, start_column=column, end_line=end_line - 1)
    return om.Region(start_line=line, start_column=column, end_line=end_line, end_column=end_column)


_path_text = lru_cache(maxsize=16384)(format_path)  # the same few paths recur in every file
_LABELS = {severity: severity.label for severity in Severity}
_relatives: dict[str, str | None] | None = None  # repo_relative per file, while ``render`` runs


def _relative(file: str) -> str | None:
    """``repo_relative``, asked once per file while a log is rendered (it resolves links)."""
    known = _relatives
    if known is None:
        return repo_relative(file)
    if file not in known:
        known[file] = repo_relative(file)
    return known[file]


def _artifact(file: str) -> om.ArtifactLocation:
    relative = _relative(file)
    if relative is not None:
        return om.ArtifactLocation(uri=_uri_path(relative), uri_base_id=SRCROOT)
    if file in ("<stdin>", "-"):
        return om.ArtifactLocation(uri="stdin")
    return om.ArtifactLocation(uri=file_uri(file))


def _uri_path(relative: str) -> str:
    from urllib.parse import quote

    return quote(relative)


def _location(finding: Finding) -> om.Location:
    logical = None
    if finding.resource is not None:
        qualified = str(finding.resource)
        if finding.container:
            qualified += f"/{finding.container}"
        logical = [om.LogicalLocation(name=finding.resource.name, fully_qualified_name=qualified,
                                      kind="resource")]
    return om.Location(
        physical_location=om.PhysicalLocation(artifact_location=_artifact(finding.file),
                                              region=_region(finding.span)),
        logical_locations=logical,
    )


def _related(finding: Finding) -> list[om.Location] | None:
    """Other places a finding involves (possibly in other objects and files)."""
    if not finding.related:
        return None
    return [
        om.Location(
            id=number,
            physical_location=om.PhysicalLocation(artifact_location=_artifact(place.file),
                                                  region=_region(place.span)),
            message=om.Message(text=place.message) if place.message else None,
        )
        for number, place in enumerate(finding.related, start=1)
    ]


def _shown_file(file: str) -> str:
    return _relative(file) or file


def fingerprints(findings: list[Finding]) -> list[dict[str, str]]:
    """Per finding: its identity fingerprint (``kspm_lint.identity``), also as
    ``primaryLocationLineHash``, the one key code scanning reads (upload-sarif only
    computes its line-content hash when absent)."""
    return [{FINGERPRINT_KEY: value, "primaryLocationLineHash": value}
            for value in identity_fingerprints(findings, _shown_file)]


def _suppression(finding: Finding) -> om.Suppression:
    record = finding.suppression
    kind = "external" if record is not None and record.origin in ("config", "baseline") else "inSource"
    return om.Suppression(kind=kind, state="accepted", justification=finding.suppression_reason or None)


def _fixes(finding: Finding) -> list[om.Fix] | None:
    fix = finding.fix
    edits = getattr(fix, "edits", None) if fix is not None else None
    if not edits or not getattr(fix, "applicable", True):
        return None
    replacements = [
        om.Replacement(
            deleted_region=_region(Span(e.line, e.column, e.end_line, e.end_column), explicit_end=True),
            inserted_content=om.ArtifactContent(text=e.text),
        )
        for e in sorted(edits, key=lambda e: (e.line, e.column, e.end_line, e.end_column))
    ]
    description = str(getattr(fix, "description", "") or f"Fix {finding.rule}")
    if getattr(fix, "safety", "safe") == "unsafe":
        description += " (unsafe: may change runtime behaviour; review before applying)"
    return [om.Fix(description=om.Message(text=description),
                   artifact_changes=[om.ArtifactChange(artifact_location=_artifact(finding.file),
                                                       replacements=replacements)])]


def _result(finding: Finding, rule_index: int, fingerprint: dict[str, str]) -> om.Result:
    properties: dict[str, Any] = {"severity": _LABELS[finding.severity]}
    if finding.resource is not None:
        properties["resource"] = finding.resource.as_dict()
    if finding.container:
        properties["container"] = finding.container
    if finding.path:
        properties["path"] = _path_text(finding.path)
    risk = finding.risk
    if risk is not None:
        properties["risk-score"] = risk.score
        if risk.reasons:
            properties["risk-reasons"] = list(risk.reasons)
            if risk.score > float(SECURITY_SEVERITY[finding.severity]):
                # The workload's context (exposed, privileged, ...) raises this result above its rule.
                properties["security-severity"] = f"{risk.score:.1f}"
    return om.Result(
        rule_id=finding.rule,
        rule_index=rule_index,
        level=SARIF_LEVEL[finding.severity],
        kind="fail",
        message=om.Message(text=finding.message),
        locations=[_location(finding)],
        related_locations=_related(finding),
        partial_fingerprints=fingerprint,
        suppressions=[_suppression(finding)] if finding.suppressed else None,
        fixes=_fixes(finding),
        properties=properties,
    )


# --- the log -----------------------------------------------------------------------


def _descriptors(report: Report) -> tuple[list[om.ReportingDescriptor], dict[str, int]]:
    rules = sorted(report.rules, key=lambda r: r.id)
    descriptors = [rule_descriptor(r) for r in rules]
    index = {r.id: i for i, r in enumerate(rules)}
    for finding in sorted(report.findings, key=lambda f: f.rule):
        if finding.rule not in index:
            index[finding.rule] = len(descriptors)
            descriptors.append(_unknown_descriptor(finding.rule, finding.severity))
    return descriptors, index


def category_id(category: str | None) -> str | None:
    """code scanning reads ``automationDetails.id`` as ``category/run-id``: an id
    without a slash would be all run-id and no category, so one is appended."""
    if not category:
        return None
    return category if category.endswith("/") else category + "/"


def build_log(report: Report, options: RenderOptions | None = None) -> om.SarifLog:
    log, results = _log_and_results(report, options.sarif_category if options else None)
    log.runs[0].results = [_result(f, i, fp) for f, i, fp in results]
    return log


def _log_and_results(report: Report, category: str | None = None) -> tuple[
        om.SarifLog, list[tuple[Finding, int, dict[str, str]]]]:
    """The log without its results, and what each result is made of (finding, rule
    index, fingerprints), in order: ``render`` makes one result at a time."""
    descriptors, index = _descriptors(report)
    findings = sorted(report.findings, key=lambda f: f.sort_key)
    pairs = list(zip(findings, fingerprints(findings), strict=True))
    notifications = None
    if len(findings) > MAX_RESULTS:
        kept = {id(f) for f in by_severity(findings)[:MAX_RESULTS]}
        notifications = [om.Notification(
            level="warning",
            message=om.Message(text=f"{len(findings)} results; only the {MAX_RESULTS} most severe are included "
                                    "(GitHub code scanning rejects more per run)"),
        )]
        pairs = [(f, fp) for f, fp in pairs if id(f) in kept]
    results = [(f, index[f.rule], fp) for f, fp in pairs]
    driver = om.ToolComponent(
        name="kspm-lint",
        version=__version__,
        semantic_version=__version__,
        information_uri=HOMEPAGE,
        rules=descriptors,
    )
    automation_id = category_id(category)
    run = om.Run(
        tool=om.Tool(driver=driver),
        results=[],
        column_kind="unicodeCodePoints",
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(uri=file_uri(repo_root(), directory=True))},
        automation_details=om.RunAutomationDetails(id=automation_id) if automation_id else None,
        invocations=[om.Invocation(execution_successful=True, tool_execution_notifications=notifications)],
        properties={"summary": {"files": report.files, "resources": report.resources,
                                "findings": len(report.active),
                                "suppressed": len(report.findings) - len(report.active),
                                "failOn": report.fail_on.label, "failed": bool(report.failing)}},
    )
    return om.SarifLog(version="2.1.0", schema_uri=SCHEMA_URI, runs=[run]), results


def render(report: Report, options: RenderOptions) -> str:
    global _relatives
    _relatives = {}
    try:
        log, results = _log_and_results(report, options.sarif_category)
        if not results:
            return dumps(to_json_data(log), ensure_ascii=False) + "\n"
        # The results, most of the log, are made and encoded one at a time (each dropped
        # as soon as it is text) around the rest of the log, encoded whole.
        log.runs[0].results = [_RESULTS]
        head, tail = dumps(to_json_data(log), ensure_ascii=False).split(dumps(_RESULTS))
        inner = "\n        "  # results are items of the list at log.runs[0].results
        chunks, parts, size = [head], [], 0
        separator = ""
        for finding, rule_index, fingerprint in results:
            text = encode_at(to_json_data(_result(finding, rule_index, fingerprint)), inner, ensure_ascii=False)
            parts.append(separator)
            parts.append(text)
            separator = "," + inner
            size += len(text)
            if size > _CHUNK:  # see json_report.render
                chunks.append("".join(parts))
                parts, size = [], 0
        chunks.append("".join(parts))
        chunks.append(tail)
        chunks.append("\n")
        return "".join(chunks)
    finally:
        _relatives = None


_RESULTS = "kspm-lint results placeholder \u0000"
