"""The README's rule table, generated from ``rules/`` (a test fails when it is stale).

Regenerate with: ``python -m kspm_lint.report.rule_table README.md``
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from kspm_lint.engine.catalog import Rule, load_rules

START, END = "<!-- rule-table:start -->", "<!-- rule-table:end -->"


def _pss(rule: Rule) -> str:
    return rule.pss_level or ""


def _cis(rule: Rule) -> str:
    cis = rule.frameworks.get("cis")
    if not cis:
        return ""
    values = cis if isinstance(cis, list) else [cis]
    return ", ".join(str(v).split()[0] for v in values)


def markdown_table(rules: list[Rule]) -> str:
    lines = ["| rule | severity | category | PSS | CIS | fix | what it catches |",
             "|---|---|---|---|---|---|---|"]
    order = {"pod-security": 0, "workload-hardening": 1, "supply-chain": 2, "secrets": 3, "input": 4}
    for rule in sorted(rules, key=lambda r: (order.get(r.category, 9), _pss(r) != "baseline", r.id)):
        fix = rule.fix_safety if rule.fix_safety in ("safe", "unsafe") else ""
        lines.append(f"| `{rule.id}` | {rule.severity.label} | {rule.category} | {_pss(rule)} | {_cis(rule)} "
                     f"| {fix} | {rule.title} |")
    return "\n".join(lines)


def render_block() -> str:
    return f"{START}\n{markdown_table(list(load_rules().values()))}\n{END}"


def current_block(readme: str) -> str | None:
    match = re.search(re.escape(START) + r".*?" + re.escape(END), readme, re.DOTALL)
    return match.group(0) if match else None


def update(path: Path) -> bool:
    """Rewrite the table in ``path``; True when it changed."""
    text = path.read_text(encoding="utf-8")
    block = current_block(text)
    if block is None:
        raise SystemExit(f"{path}: no {START} ... {END} block")
    new = text.replace(block, render_block())
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    print(f"{target}: {'updated' if update(target) else 'up to date'}")
