"""What every output format renders: the ``Report`` of one lint and the ``RenderOptions``
of one output. The formats themselves are declared in ``kspm_lint.report.formats``.

This module imports none of its submodules, so any of them may import it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import NamedTuple

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
    framework: str | None = None  # --framework: the compliance summary to show

    @property
    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.active if f.severity >= self.fail_on]

    def counts(self) -> dict[str, int]:
        counter = Counter(f.severity.label for f in self.active)
        return {s.label: counter.get(s.label, 0) for s in sorted(Severity, reverse=True)}


class RenderOptions(NamedTuple):
    """How one output is rendered. A format reads only the options its ``Format``
    declares it accepts; the others keep their defaults. (A NamedTuple, not a frozen
    dataclass: the command line imports it, and a dataclass costs start-up time.)"""

    color: bool = False  # text: ANSI colours (a terminal only)
    quiet: bool = False  # text: findings only, no file headers or summary
    sarif_category: str | None = None  # sarif: automationDetails.id category
    sort: str = "file"  # text: "file" (by file and line) or "risk" (riskiest first)
