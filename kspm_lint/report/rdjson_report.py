"""``--format rdjson``: reviewdog's Diagnostic Format (``DiagnosticResult`` JSON).

This is how fixes reach a reviewer: code scanning ignores SARIF ``fixes``, but
``reviewdog -f=rdjson -reporter=github-pr-review`` turns each ``suggestions`` entry
into a one-click suggested change. reviewdog counts columns in UTF-8 bytes while
findings count characters, so columns are converted against the file's text.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from kspm_lint.findings import Finding, Severity
from kspm_lint.report import RenderOptions, Report
from kspm_lint.report.locations import HOMEPAGE, rule_url

SEVERITY = {
    Severity.CRITICAL: "ERROR",
    Severity.HIGH: "ERROR",
    Severity.MEDIUM: "WARNING",
    Severity.LOW: "INFO",
    Severity.INFO: "INFO",
}


@lru_cache(maxsize=64)
def _file_lines(path: str) -> tuple[str, ...] | None:
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            return tuple(stream.read().splitlines())
    except (OSError, UnicodeDecodeError):
        return None


def byte_column(path: str, line: int, column: int) -> int:
    """1-based character column -> 1-based UTF-8 byte column on that line of ``path``."""
    lines = _file_lines(path)
    if lines is None or not 1 <= line <= len(lines) or column <= 1:
        return column
    text = lines[line - 1]
    prefix = text[: column - 1]
    return len(prefix.encode("utf-8")) + 1 + max(0, column - 1 - len(prefix))


def _position(path: str, line: int, column: int) -> dict[str, int]:
    return {"line": line, "column": byte_column(path, line, column)}


def _range(path: str, line: int, column: int, end_line: int, end_column: int) -> dict[str, Any]:
    return {"start": _position(path, line, column), "end": _position(path, end_line, end_column)}


def _suggestions(finding: Finding) -> list[dict[str, Any]]:
    fix = finding.fix
    edits = getattr(fix, "edits", None) if fix is not None else None
    if not edits or not getattr(fix, "applicable", True):
        return []
    ordered = sorted(edits, key=lambda e: (e.line, e.column, e.end_line, e.end_column))
    return [{"range": _range(finding.file, e.line, e.column, e.end_line, e.end_column), "text": e.text}
            for e in ordered]


def diagnostic(finding: Finding, references: dict[str, list[str]]) -> dict[str, Any]:
    span = finding.span
    message = finding.message
    if finding.resource is not None:
        message += f" [{finding.resource}]"
    item: dict[str, Any] = {
        "message": message,
        "location": {
            "path": finding.file,  # as reviewdog expects: relative to the directory it runs in
            "range": _range(finding.file, span.line, span.column,
                            *max((span.end_line, span.end_column), (span.line, span.column))),
        },
        "severity": SEVERITY[finding.severity],
        "code": {"value": finding.rule, "url": rule_url(finding.rule, references.get(finding.rule))},
    }
    suggestions = _suggestions(finding)
    if suggestions:
        item["suggestions"] = suggestions
    return item


def render(report: Report, options: RenderOptions) -> str:
    # Only fields of reviewdog's proto: it parses with protojson, which rejects unknown ones.
    references = {rule.id: rule.references for rule in report.rules}
    document = {
        "source": {"name": "kspm-lint", "url": HOMEPAGE},
        "severity": "ERROR" if report.failing else ("WARNING" if report.active else "INFO"),
        "diagnostics": [diagnostic(f, references) for f in sorted(report.active, key=lambda f: f.sort_key)],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
