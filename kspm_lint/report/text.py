"""Human text: findings grouped by file, colour on a terminal, a closing summary."""

from __future__ import annotations

from itertools import groupby

from kspm_lint.findings import Severity
from kspm_lint.report import RenderOptions, Report

_COLORS = {
    Severity.CRITICAL: "\x1b[1;35m",
    Severity.HIGH: "\x1b[1;31m",
    Severity.MEDIUM: "\x1b[33m",
    Severity.LOW: "\x1b[36m",
    Severity.INFO: "\x1b[2m",
}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def render(report: Report, options: RenderOptions) -> str:
    color, quiet = options.color, options.quiet

    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines: list[str] = []
    shown = [f for f in report.findings if not f.suppressed]  # already sorted by file and line
    for file, group in groupby(shown, key=lambda f: f.file):
        if not quiet:
            lines.append(paint(_BOLD, file))
        for finding in group:
            where = f"{finding.file}:{finding.span.line}:{finding.span.column}"
            severity = paint(_COLORS[finding.severity], f"{finding.severity.label:<8}")
            resource = f" {paint(_DIM, '[' + str(finding.resource) + ']')}" if finding.resource else ""
            lines.append(f"  {where}: {severity} {finding.rule}: {finding.message}{resource}")
        if not quiet:
            lines.append("")
    if not quiet:
        lines.append(summary_line(report))
    return "\n".join(lines) + ("\n" if lines else "")


def summary_line(report: Report) -> str:
    counts = report.counts()
    total = len(report.active)
    parts = [f"{n} {label}" for label, n in counts.items() if n]
    suppressed = len(report.findings) - total
    text = (f"{report.files} file{'s' if report.files != 1 else ''}, "
            f"{report.resources} resource{'s' if report.resources != 1 else ''}, "
            f"{total} finding{'s' if total != 1 else ''}")
    if parts:
        text += f" ({', '.join(parts)})"
    if suppressed:
        text += f", {suppressed} suppressed"
    return text


def statistics(report: Report) -> str:
    """``--statistics``: findings per rule, most frequent first, with fix availability."""
    from collections import Counter

    counts = Counter(f.rule for f in report.active)
    rules = {r.id: r for r in report.rules}
    lines = []
    for rule_id, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = rules.get(rule_id)
        severity = rule.severity.label if rule else ""
        fix = rule.fix_safety if rule and rule.fix_safety in ("safe", "unsafe") else "-"
        lines.append(f"{count:>6}  {rule_id:<34} {severity:<8} fix: {fix}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
