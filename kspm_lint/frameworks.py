"""Compliance frameworks: which rules a framework maps to, and how many of its
controls a run passes.

The mappings are the rule files' ``frameworks:`` (Pod Security Standards level and
control, CIS Kubernetes Benchmark ids, the NSA/CISA hardening guide section). A control
fails when any active finding of a rule mapped to it remains; otherwise it passes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kspm_lint.engine.catalog import Rule
from kspm_lint.findings import Finding

FRAMEWORKS = {
    "pss-baseline": "Pod Security Standards, baseline",
    "pss-restricted": "Pod Security Standards, restricted (includes baseline)",
    "cis": "CIS Kubernetes Benchmark",
    "nsa": "NSA/CISA Kubernetes Hardening Guide",
}
CHOICES = (*FRAMEWORKS, "all")


def controls_of(rule: Rule, framework: str) -> list[str]:
    """The controls of ``framework`` that ``rule`` checks (none: the rule is not mapped)."""
    frameworks = rule.frameworks
    if framework in ("pss-baseline", "pss-restricted"):
        pss = frameworks.get("pss")
        if not isinstance(pss, dict):
            return []
        levels = ("baseline",) if framework == "pss-baseline" else ("baseline", "restricted")
        if pss.get("level") not in levels:
            return []
        return [f"{pss.get('level')}: {pss.get('control') or rule.id}"]
    value = frameworks.get(framework)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value]
    return []


def selectors(framework: str) -> list[str]:
    """What ``--framework`` selects, as ``--select`` would take it (rule ids)."""
    from kspm_lint.engine.catalog import load_rules

    rules = load_rules()
    names = list(FRAMEWORKS) if framework == "all" else [framework]
    return sorted({rule.id for rule in rules.values() for name in names if controls_of(rule, name)})


@dataclass(frozen=True)
class Compliance:
    """One framework's result: every control, and those that fail (with their rules)."""

    framework: str
    controls: tuple[str, ...]
    failing: dict[str, tuple[str, ...]]  # control -> rules with active findings

    @property
    def passed(self) -> int:
        return len(self.controls) - len(self.failing)

    @property
    def percent(self) -> int:
        return round(100 * self.passed / len(self.controls)) if self.controls else 100

    def line(self) -> str:
        title = FRAMEWORKS[self.framework]
        text = f"{title}: {self.passed} of {len(self.controls)} controls pass ({self.percent}%)"
        if self.failing:
            text += "; failing: " + ", ".join(sorted(self.failing, key=_control_order))
        return text

    def as_dict(self) -> dict[str, object]:
        return {"framework": self.framework, "controls": len(self.controls), "passed": self.passed,
                "percent": self.percent,
                "failing": {control: list(rules) for control, rules in sorted(self.failing.items())}}


def _control_order(control: str) -> tuple:
    parts = control.split(".")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def compliance(framework: str, rules: Iterable[Rule], findings: Iterable[Finding]) -> list[Compliance]:
    """The result of each framework ``framework`` names (``all``: every one) for the
    rules that ran."""
    ran = list(rules)
    failing_rules = {f.rule for f in findings if not f.suppressed}
    out = []
    for name in (list(FRAMEWORKS) if framework == "all" else [framework]):
        by_control: dict[str, list[str]] = {}
        for rule in ran:
            for control in controls_of(rule, name):
                by_control.setdefault(control, []).append(rule.id)
        failing = {control: tuple(sorted(r for r in ids if r in failing_rules))
                   for control, ids in by_control.items() if any(r in failing_rules for r in ids)}
        out.append(Compliance(name, tuple(sorted(by_control, key=_control_order)), failing))
    return out
