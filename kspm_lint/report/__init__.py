"""Output formats. Each module has ``render(report) -> str``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from kspm_lint.engine.catalog import Rule
from kspm_lint.findings import Finding, Severity


@dataclass
class Report:
    """Everything a format may show: findings plus what was linted and which rules ran."""

    findings: list[Finding]
    rules: list[Rule]
    files: int
    resources: int
    fail_on: Severity
    skipped_documents: int = 0
    options: dict = field(default_factory=dict)

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.active if f.severity >= self.fail_on]

    def counts(self) -> dict[str, int]:
        counter = Counter(f.severity.label for f in self.active)
        return {s.label: counter.get(s.label, 0) for s in sorted(Severity, reverse=True)}


FORMATS = ("text", "json")


def render(report: Report, fmt: str, color: bool = False, quiet: bool = False) -> str:
    if fmt == "json":
        from kspm_lint.report.json_report import render as render_json

        return render_json(report)
    from kspm_lint.report.text import render as render_text

    return render_text(report, color=color, quiet=quiet)
