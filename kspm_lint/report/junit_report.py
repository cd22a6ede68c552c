"""``--format junit``: JUnit XML for CI systems that show test reports (GitLab, Jenkins,
Azure Pipelines, CircleCI).

One ``testsuite``; one ``testcase`` per linted resource (``classname`` is the file,
``name`` the resource), or per file for findings outside any resource (a YAML syntax
error); one ``failure`` per finding at or above the failing severity. Findings below
it are listed in ``system-out`` so the report does not fail the build where the
command line would not. Built with ElementTree, so the XML is always well formed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from kspm_lint.findings import Finding
from kspm_lint.report import Report

# Characters XML 1.0 cannot carry, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _case_key(finding: Finding) -> tuple[str, str]:
    return (finding.file, str(finding.resource) if finding.resource else "")


def _describe(finding: Finding) -> str:
    where = f"{finding.file}:{finding.span.line}:{finding.span.column}"
    lines = [f"{where}: {finding.severity.label} {finding.rule}: {finding.message}"]
    if finding.resource is not None:
        lines.append(f"resource: {finding.resource}")
    if finding.container:
        lines.append(f"container: {finding.container}")
    return "\n".join(lines)


def render(report: Report) -> str:
    active = sorted(report.active, key=lambda f: (_case_key(f), f.sort_key))
    failing_ids = {id(f) for f in report.failing}
    cases: list[ET.Element] = []
    for (file, resource), group in groupby(active, key=_case_key):
        findings = list(group)
        case = ET.Element("testcase", {"classname": _clean(file), "name": _clean(resource or file),
                                       "file": _clean(file), "line": str(findings[0].span.line), "time": "0"})
        informational: list[str] = []
        for finding in findings:
            if id(finding) in failing_ids:
                failure = ET.SubElement(case, "failure", {
                    "type": finding.rule,
                    "message": _clean(f"{finding.severity.label}: {finding.message}"),
                })
                failure.text = _clean(_describe(finding))
            else:
                informational.append(_describe(finding))
        if informational:
            ET.SubElement(case, "system-out").text = _clean("\n".join(informational))
        cases.append(case)
    failures = sum(1 for case in cases for _ in case.iter("failure"))
    suite = ET.Element("testsuite", {
        "name": "kspm-lint",
        "tests": str(max(len(cases), 1)),
        "failures": str(failures),
        "errors": "0",
        "skipped": "0",
        "time": "0",
    })
    if not cases:  # a clean run is one passing test, not an empty suite some CI systems reject
        ET.SubElement(suite, "testcase", {"classname": "kspm-lint", "name": f"{report.files} file(s), "
                                          f"{report.resources} resource(s): no findings", "time": "0"})
    suite.extend(cases)
    properties = ET.Element("properties")
    for name, value in (("files", report.files), ("resources", report.resources),
                        ("suppressed", len(report.findings) - len(report.active)),
                        ("fail-on", report.fail_on.label)):
        ET.SubElement(properties, "property", {"name": name, "value": str(value)})
    suite.insert(0, properties)
    root = ET.Element("testsuites", {"name": "kspm-lint", "tests": suite.get("tests", "0"),
                                     "failures": str(failures), "errors": "0"})
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
