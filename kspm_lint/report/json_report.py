"""``--format json``: the stable machine interface (documented in the README).

Keys are only ever added, never renamed or removed.
"""

from __future__ import annotations

import json
from typing import Any

from kspm_lint import __version__
from kspm_lint.findings import Finding
from kspm_lint.location import format_path
from kspm_lint.report import Report

SCHEMA_VERSION = 1


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.label,
        "message": finding.message,
        "file": finding.file,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "resource": finding.resource.as_dict() if finding.resource else None,
        "container": finding.container,
        "path": format_path(finding.path),
        "suppressed": finding.suppressed,
        "suppression_reason": finding.suppression_reason,
        # null, or {"safety", "description", "applicable", "reason", "ops", "edits"}: the
        # automatic fix (kspm_lint.fix.model.Fix.as_dict); ops are the patch as data, edits
        # the 1-based, end-exclusive text replacements of the original file for this fix alone.
        "fix": finding.fix.as_dict() if finding.fix is not None else None,
    }


def render(report: Report) -> str:
    document = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "kspm-lint", "version": __version__},
        "findings": [finding_dict(f) for f in report.findings],
        "summary": {
            "files": report.files,
            "resources": report.resources,
            "findings": len(report.active),
            "suppressed": len(report.findings) - len(report.active),
            "by_severity": report.counts(),
            "fail_on": report.fail_on.label,
            "failed": bool(report.failing),
        },
    }
    return json.dumps(document, indent=2) + "\n"
