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


FORMATS = ("text", "json", "sarif", "github", "junit", "rdjson")


def render(report: Report, fmt: str, color: bool = False, quiet: bool = False) -> str:
    """Render with the format module of the same name (imported only when used)."""
    if fmt == "text":
        from kspm_lint.report.text import render as render_text

        return render_text(report, color=color, quiet=quiet)
    from importlib import import_module

    module = import_module(f"kspm_lint.report.{fmt}_report")
    return module.render(report)
