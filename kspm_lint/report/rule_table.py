"""The README's rule table, generated from ``rules/`` (a test fails when it is stale).

Regenerate with: ``python -m kspm_lint.report.rule_table README.md``; with
``--docs docs/`` it writes the reference docs instead (``kspm_lint.report.reference``).
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


def main(argv: list[str]) -> None:
    if argv[:1] == ["--docs"]:
        from kspm_lint.report.reference import write_docs

        directory = Path(argv[1] if len(argv) > 1 else "docs")
        changed = write_docs(directory)
        print(f"{directory}: {'updated ' + ', '.join(changed) if changed else 'up to date'}")
        return
    target = Path(argv[0] if argv else "README.md")
    print(f"{target}: {'updated' if update(target) else 'up to date'}")


if __name__ == "__main__":
    main(sys.argv[1:])
