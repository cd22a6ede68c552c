"""``--format junit``: JUnit XML for CI systems that show test reports (GitLab, Jenkins,
Azure Pipelines, CircleCI).

One ``testsuite``. A ``testcase`` per resource and rule that found something
(``classname`` is the file, ``name`` is ``resource: rule``; a YAML syntax error has the
file as its resource), with exactly one ``failure`` listing that rule's findings when
they reach the failing severity; below it the case passes and lists them in
``system-out``, so the report fails the build exactly when the command line does. One
more passing case stands for the resources with no finding, so ``tests`` is never less
than ``failures``. Built with ElementTree, so the XML is always well formed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from kspm_lint.findings import Finding
from kspm_lint.report import RenderOptions, Report

# Characters XML 1.0 cannot carry, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _case_key(finding: Finding) -> tuple[str, str, str]:
    return (finding.file, str(finding.resource) if finding.resource else finding.file, finding.rule)


def _describe(finding: Finding) -> str:
    where = f"{finding.file}:{finding.span.line}:{finding.span.column}"
    text = f"{where}: {finding.severity.label} {finding.rule}: {finding.message}"
    return text + (f" [container: {finding.container}]" if finding.container else "")


def _case(file: str, resource: str, rule: str, findings: list[Finding], failing: set[int]) -> ET.Element:
    case = ET.Element("testcase", {"classname": _clean(file), "name": _clean(f"{resource}: {rule}"),
                                   "file": _clean(file), "line": str(findings[0].span.line), "time": "0"})
    text = _clean("\n".join(_describe(f) for f in findings))
    worst = max(findings, key=lambda f: f.severity)
    if any(id(f) in failing for f in findings):
        noun = "finding" if len(findings) == 1 else "findings"
        failure = ET.SubElement(case, "failure", {
            "type": rule,
            "message": _clean(f"{worst.severity.label}: {worst.message}"
                              + (f" (+{len(findings) - 1} more {noun})" if len(findings) > 1 else "")),
        })
        failure.text = text
    else:
        ET.SubElement(case, "system-out").text = text
    return case


def render(report: Report, options: RenderOptions) -> str:
    active = sorted(report.active, key=lambda f: (_case_key(f), f.sort_key))
    failing = {id(f) for f in report.failing}
    cases = [_case(file, resource, rule, list(group), failing)
             for (file, resource, rule), group in groupby(active, key=_case_key)]
    with_findings = {(f.file, str(f.resource)) for f in active if f.resource is not None}
    clean = max(report.resources - len(with_findings), 0)
    if clean or not cases:  # a clean run is one passing test, not an empty suite some CI systems reject
        cases.append(ET.Element("testcase", {
            "classname": "kspm-lint", "time": "0",
            "name": f"{clean} of {report.resources} resource(s) in {report.files} file(s): no findings"}))
    failures = sum(1 for case in cases if case.find("failure") is not None)
    suite = ET.Element("testsuite", {"name": "kspm-lint", "tests": str(len(cases)), "failures": str(failures),
                                     "errors": "0", "skipped": "0", "time": "0"})
    properties = ET.SubElement(suite, "properties")
    for name, value in (("files", report.files), ("resources", report.resources),
                        ("suppressed", len(report.findings) - len(report.active)),
                        ("fail-on", report.fail_on.label)):
        ET.SubElement(properties, "property", {"name": name, "value": str(value)})
    suite.extend(cases)
    root = ET.Element("testsuites", {"name": "kspm-lint", "tests": suite.get("tests", "0"),
                                     "failures": str(failures), "errors": "0"})
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
