"""``--format github``: GitHub Actions workflow-command annotations, plus the job summary.

GitHub shows only the first few annotations of each kind per step, so annotations come
most severe first, and when ``GITHUB_STEP_SUMMARY`` is set the full table of findings is
appended there (capped below GitHub's 1 MiB per-step summary limit).
"""

from __future__ import annotations

import os
from urllib.parse import quote

from kspm_lint.findings import Finding, Severity
from kspm_lint.report import RenderOptions, Report
from kspm_lint.report.locations import by_severity, display_file, repo_relative

COMMAND = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}
SUMMARY_LIMIT = 1_000_000  # bytes; GitHub refuses step summaries over 1 MiB


def escape_data(text: str) -> str:
    """Escape a workflow command's message (runner's ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command property value (runner's ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _lines(finding: Finding) -> tuple[int, int | None, int, int | None]:
    """(line, col, endLine, endColumn). Columns only for single-line regions (GitHub
    ignores them otherwise); a region ending at column 1 ends on the line before."""
    span = finding.span
    end_line, end_column = span.end_line, span.end_column
    if end_column == 1 and end_line > span.line:
        end_line -= 1
        if end_line <= span.line:
            return span.line, span.column, span.line, None
    if end_line <= span.line:
        return span.line, span.column, span.line, end_column if end_column > span.column else None
    return span.line, None, end_line, None


def annotation(finding: Finding) -> str:
    line, column, end_line, end_column = _lines(finding)
    props = [f"file={escape_property(display_file(finding.file))}", f"line={line}"]
    if column is not None:
        props.append(f"col={column}")
    props.append(f"endLine={end_line}")
    if end_column is not None:
        props.append(f"endColumn={end_column}")
    props.append(f"title={escape_property(f'kspm-lint {finding.rule} ({finding.severity.label})')}")
    message = finding.message
    if finding.resource is not None:
        message += f" [{finding.resource}]"
    return f"::{COMMAND[finding.severity]} {','.join(props)}::{escape_data(message)}"


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def _file_link(finding: Finding) -> str:
    """``path:line``, linked to the blob at the analysed commit when running in Actions."""
    shown = f"{display_file(finding.file)}:{finding.span.line}"
    relative = repo_relative(finding.file)
    server, repository, sha = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if relative is None or not (server and repository and sha):
        return f"`{_cell(shown)}`"
    url = f"{server}/{repository}/blob/{sha}/{quote(relative)}#L{finding.span.line}"
    return f"[`{_cell(shown)}`]({url})"


def summary_markdown(report: Report) -> str:
    """The job summary: counts, then every active finding (most severe first)."""
    active = by_severity(report.active)
    suppressed = len(report.findings) - len(report.active)
    counts = ", ".join(f"{n} {label}" for label, n in report.counts().items() if n) or "none"
    verdict = "failed" if report.failing else "passed"
    lines = [
        "## kspm-lint",
        "",
        f"**{len(active)} finding{'s' if len(active) != 1 else ''}** ({counts}) in {report.files} "
        f"file{'s' if report.files != 1 else ''}, {report.resources} resource{'s' if report.resources != 1 else ''}"
        f"; {suppressed} suppressed. Check {verdict} (fail on {report.fail_on.label} and above).",
        "",
    ]
    if not active:
        return "\n".join([*lines, "No findings.", ""]) + "\n"
    lines += ["| Severity | Rule | Location | Resource | Message |", "| --- | --- | --- | --- | --- |"]
    size = sum(len(line.encode()) + 1 for line in lines)
    for number, finding in enumerate(active):
        row = (f"| {finding.severity.label} | `{finding.rule}` | {_file_link(finding)} | "
               f"{_cell(str(finding.resource or ''))} | {_cell(finding.message)} |")
        size += len(row.encode()) + 1
        if size > SUMMARY_LIMIT - 500:
            lines += ["", f"…and {len(active) - number} more (the summary is capped at 1 MiB: "
                          "see the SARIF report or the log for all findings)."]
            break
        lines.append(row)
    return "\n".join(lines) + "\n\n"


def render(report: Report, options: RenderOptions) -> str:
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with open(summary_path, "a", encoding="utf-8") as stream:
            stream.write(summary_markdown(report))
    return "".join(annotation(f) + "\n" for f in by_severity(report.active))
