"""Human text: findings grouped by file, colour on a terminal, a closing summary."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby

from kspm_lint.findings import Finding, Severity
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
    if not quiet:
        lines.extend(top_risks(shown))
    if options.sort == "risk":
        for finding in sorted(shown, key=_riskiest_first):
            lines.append(_line(finding, paint, show_risk=True))
        if not quiet:
            lines.extend(("", summary_line(report), *compliance_lines(report)))
        return "\n".join(lines) + "\n" if lines else ""
    for file, group in groupby(shown, key=lambda f: f.file):
        if not quiet:
            lines.append(paint(_BOLD, file))
        for finding in group:
            lines.append(_line(finding, paint))
        if not quiet:
            lines.append("")
    if not quiet:
        lines.append(summary_line(report))
        lines.extend(compliance_lines(report))
    return "\n".join(lines) + ("\n" if lines else "")


def _line(finding: Finding, paint: Callable[[str, str], str], show_risk: bool = False) -> str:
    where = f"{finding.file}:{finding.span.line}:{finding.span.column}"
    severity = paint(_COLORS[finding.severity], f"{finding.severity.label:<8}")
    resource = f" {paint(_DIM, '[' + str(finding.resource) + ']')}" if finding.resource else ""
    risk = f"{finding.risk.score:>4.1f} " if show_risk and finding.risk is not None else ""
    return f"  {risk}{where}: {severity} {finding.rule}: {finding.message}{resource}"


def _riskiest_first(finding: Finding) -> tuple:
    score = finding.risk.score if finding.risk is not None else -1.0
    return (-score, finding.sort_key)


def top_risks(findings: list[Finding], limit: int = 5) -> list[str]:
    """The riskiest workloads whose context raised their findings, one line each."""
    from kspm_lint.risk import top_workloads

    top = top_workloads(findings, limit)
    if not top:
        return []
    lines = ["Top risks (score, workload, why; see --sort risk):"]
    for score, finding, count, reasons in top:
        where = f"{finding.file}:{finding.span.line}"
        lines.append(f"  {score:>4.1f}  {finding.resource}  {count} finding{'s' if count != 1 else ''}, "
                     f"worst {finding.rule} at {where}; {'; '.join(reasons)}")
    lines.append("")
    return lines


def compliance_lines(report: Report) -> list[str]:
    """With --framework: how many of the framework's controls pass."""
    if report.framework is None:
        return []
    from kspm_lint.frameworks import compliance

    return [result.line() for result in compliance(report.framework, report.rules, report.findings)]


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
