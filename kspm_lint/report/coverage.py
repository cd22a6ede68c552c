"""``docs/coverage.md``: every peer check, and the kspm-lint rule that covers it or why none does.

The table is generated from two sources that must agree: the peer catalogue
(``docs/peers/*.yaml``, see ``kspm_lint.report.peer_catalogue``) and the ``equivalents``
of the rule files. A catalogue entry ``covered-by: [X]`` must be listed in rule X's
equivalents, and every id a rule lists must be catalogued as covered by that rule; any
disagreement is reported (file, line, what to do) and nothing is written.

Regenerate with: ``python -m kspm_lint.report.coverage docs/coverage.md``
(``--check`` only verifies that the file is current; ``--sync`` first marks the checks
that rules newly list in their equivalents as covered by them, in the peer files;
``--adopt-planned`` first writes each planned check whose rule now exists into that
rule's equivalents and marks it covered. Both print every change for review.)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from kspm_lint.engine.catalog import Rule, RuleError, load_rules
from kspm_lint.report.peer_catalogue import (
    NOT_DECIDABLE,
    REASONS,
    CatalogueError,
    Peer,
    PeerCheck,
    format_check,
    load_catalogue,
)

ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_PEERS = ROOT / "docs" / "peers"
PEER_ORDER = ("checkov", "trivy", "kube-linter", "polaris", "kubescape")


@dataclass(frozen=True)
class Mismatch:
    """The catalogue and a rule file disagree; ``file``/``line`` is where to edit."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


def listed(rule: Rule, key: str) -> list[str]:
    """The peer check ids a rule names under one equivalents key."""
    value = rule.equivalents.get(key)
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


class _RuleLines:
    """Where each rule file writes its equivalents for a peer (parsed on demand)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], int] = {}

    def line(self, rule: Rule, key: str) -> int:
        from kspm_lint.parsing.loader import parse_file

        if (rule.source, key) not in self._cache:
            parsed = parse_file(rule.source)
            line = parsed.documents[0].locate(("equivalents", key)).line if parsed.documents else 1
            self._cache[(rule.source, key)] = line
        return self._cache[(rule.source, key)]


def cross_check(peers: Iterable[Peer], rules: dict[str, Rule]) -> list[Mismatch]:
    """Every disagreement between the catalogue and the rules' equivalents."""
    peers = list(peers)
    by_key = {p.key: p for p in peers}
    lines = _RuleLines()
    problems: list[Mismatch] = []
    for peer in peers:
        for check in peer.checks:
            for rule_id in check.covered_by:
                rule = rules.get(rule_id)
                if rule is None:
                    problems.append(Mismatch(peer.path, check.line, f"{check.id}: covered-by names "
                                             f"'{rule_id}', which is not a kspm-lint rule"))
                elif check.id not in listed(rule, peer.key):
                    problems.append(Mismatch(peer.path, check.line,
                                             f"{check.id} is covered-by {rule_id}, but {rule_id}'s equivalents do not "
                                             f"list it under '{peer.key}': add it in {rule.source}"))
            for rule_id in check.planned:
                rule = rules.get(rule_id)
                if rule is None:
                    continue
                if check.id in listed(rule, peer.key):
                    advice = f"it lists {check.id} in its equivalents: mark the check covered-by: [{rule_id}]"
                elif check.gap:
                    continue  # the rule exists but does not do that part yet, as the gap says
                else:
                    advice = (f"list {check.id} in its equivalents and mark the check covered-by, "
                              f"or plan another rule")
                problems.append(Mismatch(peer.path, check.line,
                                         f"{check.id} is planned as {rule_id}, which exists now: {advice}"))
    for rule in sorted(rules.values(), key=lambda r: r.id):
        for key in rule.equivalents:
            catalogued = by_key.get(key)
            if catalogued is None:
                continue  # a peer without a catalogue (kubeaudit, kube-score)
            for check_id in listed(rule, key):
                entry = catalogued.find(check_id)
                if entry is None:
                    problems.append(Mismatch(rule.source, lines.line(rule, key),
                                             f"{rule.id} lists {key} check '{check_id}', which {catalogued.path} "
                                             f"does not catalogue: fix the id, or add the check there"))
                elif rule.id not in entry.covered_by and rule.id not in entry.planned:
                    problems.append(Mismatch(rule.source, lines.line(rule, key),
                                             f"{rule.id} lists {key} check {check_id}, but "
                                             f"{catalogued.path}:{entry.line} does not say covered-by {rule.id}"))
    return problems


def sync(peers: Iterable[Peer], rules: dict[str, Rule]) -> tuple[dict[str, str], list[str]]:
    """Follow the rules' claims: a catalogued check that a rule lists in its equivalents
    becomes covered-by that rule (a planned or otherwise uncovered check loses its reason
    and note, which explained the absence). Returns the new text of each changed peer
    file and one line per change. Ids a rule lists that the catalogue lacks, and planned
    rules that exist but do not list their check, need a person: ``cross_check`` reports them.
    """
    texts: dict[str, str] = {}
    changes: list[str] = []
    for peer in peers:
        claims: dict[str, list[str]] = {}
        for rule in sorted(rules.values(), key=lambda r: r.id):
            for check_id in listed(rule, peer.key):
                claims.setdefault(check_id, []).append(rule.id)
        lines = Path(peer.path).read_text(encoding="utf-8").split("\n")
        changed = False
        for check in peer.checks:
            extra = [r for r in claims.get(check.id, []) if r not in check.covered_by]
            if not extra:
                continue
            if lines[check.line - 1] != format_check(check):
                changes.append(f"{peer.path}:{check.line}: {check.id} is not written in the canonical one-line "
                               f"form: mark it covered-by {', '.join(extra)} by hand")
                continue
            note = check.note if check.covered_by else ""
            new = replace(check, covered_by=check.covered_by + tuple(extra), reason=None, planned=(), note=note,
                          gap="")
            lines[check.line - 1] = format_check(new)
            changed = True
            changes.append(f"{peer.path}:{check.line}: {check.id} is now covered-by {', '.join(new.covered_by)}")
        if changed:
            texts[peer.path] = "\n".join(lines)
    return texts, changes


def _add_equivalents(text: str, key: str, ids: list[str]) -> str | None:
    """``text`` (a rule file) with ``ids`` added under ``equivalents: key``; None when the
    block is written in a form this line editor does not know (then a person edits it)."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.rstrip() == "equivalents:"), None)
    if start is None:
        if any(line.startswith("equivalents:") for line in lines):
            return None  # a flow mapping on one line
        at = next((i for i, line in enumerate(lines) if line.startswith(("parameters:", "check:"))), None)
        if at is None:
            return None
        lines[at:at] = ["equivalents:", f"  {key}: [{', '.join(ids)}]"]
        return "\n".join(lines)
    end = start + 1
    while end < len(lines) and (lines[end].startswith(" ") or not lines[end].strip()):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    for i in range(start + 1, end):
        if not lines[i].startswith(f"  {key}:"):
            continue
        value, hash_, comment = lines[i][len(key) + 3:].partition("#")
        value = value.strip()
        if value.startswith("[") and value.endswith("]"):
            items = [v.strip() for v in value[1:-1].split(",") if v.strip()] + ids
        elif value and not value.startswith(("{", "[", "-", '"', "'")):
            items = [value, *ids]
        elif not value:
            last = i
            while last + 1 < end and lines[last + 1].lstrip().startswith("- ") and lines[last + 1].startswith("  "):
                last += 1
            if last == i:
                return None
            dash = lines[last][:len(lines[last]) - len(lines[last].lstrip())] + "- "
            lines[last + 1:last + 1] = [f"{dash}{check_id}" for check_id in ids]
            return "\n".join(lines)
        else:
            return None
        suffix = f"  {hash_}{comment}" if hash_ else ""
        lines[i] = f"  {key}: [{', '.join(items)}]{suffix}"
        return "\n".join(lines)
    lines[end:end] = [f"  {key}: [{', '.join(ids)}]"]
    return "\n".join(lines)


def adopt(peers: Iterable[Peer], rules: dict[str, Rule]) -> tuple[dict[str, str], list[str]]:
    """Planned checks whose rules all exist now: add the check to each rule's
    equivalents and mark it covered-by them. A check with a ``gap`` is left alone (the
    rule does not do that part yet), and so is a file this line editor cannot edit
    safely; both are reported. Returns the new text of each changed file (rule files and
    peer files) and one line per change, for a person to review before committing.
    """
    texts: dict[str, str] = {}
    changes: list[str] = []

    def current(path: str) -> str:
        return texts[path] if path in texts else Path(path).read_text(encoding="utf-8")

    for peer in peers:
        for check in peer.checks:
            if not check.planned or not all(r in rules for r in check.planned):
                continue
            where = f"{peer.path}:{check.line}: {check.id}"
            if check.gap:
                changes.append(f"{where} is planned as {', '.join(check.planned)}, which exists, but has a gap "
                               f"({check.gap}): decide by hand")
                continue
            lines = current(peer.path).split("\n")
            if lines[check.line - 1] != format_check(check):
                changes.append(f"{where} is not written in the canonical one-line form: adopt it by hand")
                continue
            edited: dict[str, str] = {}
            for rule_id in check.planned:
                rule = rules[rule_id]
                if check.id in listed(rule, peer.key):
                    continue
                new_text = _add_equivalents(current(rule.source), peer.key, [check.id])
                if new_text is None:
                    break
                edited[rule.source] = new_text
            else:
                texts.update(edited)
                new = replace(check, covered_by=check.planned, reason=None, planned=(), gap="")
                lines[check.line - 1] = format_check(new)
                texts[peer.path] = "\n".join(lines)
                changes.append(f"{where} is now covered-by {', '.join(check.planned)} "
                               f"(added to {', '.join(sorted(edited)) or 'no rule file'})")
                continue
            changes.append(f"{where}: the equivalents of {rule_id} are not in a form this tool edits: "
                           f"add {peer.key}: {check.id} there by hand")
    return texts, changes


@dataclass(frozen=True)
class Totals:
    checks: int
    covered: int
    planned: int
    not_decidable: int
    other: int


def totals(peer: Peer) -> Totals:
    covered = sum(1 for c in peer.checks if c.covered_by)
    planned = sum(1 for c in peer.checks if c.reason == "planned")
    not_decidable = sum(1 for c in peer.checks if c.reason in NOT_DECIDABLE)
    count = len(peer.checks)
    return Totals(count, covered, planned, not_decidable, count - covered - planned - not_decidable)


def ordered(peers: Iterable[Peer]) -> list[Peer]:
    rank = {key: i for i, key in enumerate(PEER_ORDER)}
    return sorted(peers, key=lambda p: (rank.get(p.key, len(rank)), p.key))


def planned_rules(peers: Iterable[Peer]) -> dict[str, list[tuple[Peer, PeerCheck]]]:
    """Planned kspm-lint rule id -> the peer checks it should cover, in peer and file order."""
    plan: dict[str, list[tuple[Peer, PeerCheck]]] = {}
    for peer in ordered(peers):
        for check in peer.checks:
            for rule_id in check.planned:
                plan.setdefault(rule_id, []).append((peer, check))
    return dict(sorted(plan.items()))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _disposition(check: PeerCheck) -> str:
    if check.covered_by:
        text = ", ".join(f"`{r}`" for r in check.covered_by)
    elif check.reason == "planned":
        text = "not covered: planned as " + ", ".join(f"`{r}`" for r in check.planned)
    else:
        text = f"not covered: {check.reason}"
    if check.gap:
        text += f" (gap: {check.gap})"
    return f"{text} ({check.note})" if check.note else text


INTRO = """\
# Peer coverage

<!-- Generated by `python -m kspm_lint.report.coverage docs/coverage.md` from docs/peers/*.yaml
and the equivalents of rules/*.yaml. Do not edit by hand; a test fails when it is stale. -->

This page accounts for every check of the tools people usually compare kspm-lint with:
each one is either covered by a kspm-lint rule or marked as not covered, with the reason.
The check ids are the peers' own, read from their sources at the commit linked in each
section; the one-line descriptions are ours and only say what the check looks at.

"Covered" means a kspm-lint rule reports the same property, sometimes more strictly or
only in part (the note says which). The same mapping appears the other way round in each
rule: `kspm-lint --explain RULE` lists the peer checks it corresponds to, and a test keeps
the two directions in agreement. The aim is that every statically decidable security
check of any peer is covered; the ones still missing are marked `planned` with the id of
the rule that should cover them.
"""


def render(peers: Iterable[Peer]) -> str:
    peers = ordered(peers)
    out = [INTRO]
    out += ["## Totals", "",
            "| peer | checks | covered | planned | not statically decidable | other |",
            "|---|---:|---:|---:|---:|---:|"]
    grand = [0, 0, 0, 0, 0]
    for peer in peers:
        t = totals(peer)
        values = [t.checks, t.covered, t.planned, t.not_decidable, t.other]
        grand = [a + b for a, b in zip(grand, values, strict=True)]
        out.append(f"| [{_cell(peer.name)}](#{peer.key}) | " + " | ".join(str(v) for v in values) + " |")
    out.append("| all | " + " | ".join(str(v) for v in grand) + " |")
    out += ["", "\"Not statically decidable\" counts the checks that need a live cluster or data outside",
            "the manifests; \"other\" counts the remaining reasons below.", ""]
    out += ["## Reasons a check is not covered", "",
            "| reason | meaning | " + " | ".join(p.key for p in peers) + " |",
            "|---|---|" + "---:|" * len(peers)]
    for reason, meaning in REASONS.items():
        counts = [sum(1 for c in p.checks if c.reason == reason) for p in peers]
        out.append(f"| `{reason}` | {_cell(meaning)} | " + " | ".join(str(n) for n in counts) + " |")
    out += ["", "## Planned rules", "",
            "Statically decidable peer checks that no kspm-lint rule covers yet, by the rule that",
            "should cover them.", "",
            "| planned rule | peer checks |", "|---|---|"]
    for rule_id, items in planned_rules(peers).items():
        checks = ", ".join(f"{peer.key} `{check.id}`" for peer, check in items)
        out.append(f"| `{rule_id}` | {checks} |")
    for peer in peers:
        out += ["", f"<a id=\"{peer.key}\"></a>", "", f"## {peer.name}", "", f"Source: <{peer.source}>", ""]
        if peer.scope:
            out += [peer.scope, ""]
        out += ["| check | what it looks at | kspm-lint |", "|---|---|---|"]
        for check in peer.checks:
            out.append(f"| `{_cell(check.id)}` | {_cell(check.what)} | {_cell(_disposition(check))} |")
    return "\n".join(out) + "\n"


def build(peers_dir: str | Path = DEFAULT_PEERS) -> tuple[str, list[Mismatch]]:
    """The page's text and the mismatches between catalogue and rules (the page is only
    valid when there are none)."""
    peers = load_catalogue(peers_dir)
    return render(peers), cross_check(peers, load_rules())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kspm_lint.report.coverage",
                                     description="Write the peer coverage table.")
    parser.add_argument("output", nargs="?", default=str(ROOT / "docs" / "coverage.md"))
    parser.add_argument("--peers", default=str(DEFAULT_PEERS), help="the peer catalogue directory")
    parser.add_argument("--check", action="store_true", help="only verify that OUTPUT is current")
    parser.add_argument("--sync", action="store_true",
                        help="first mark the checks the rules now claim as covered-by them in the peer files")
    parser.add_argument("--adopt-planned", action="store_true",
                        help="first add each planned check whose rule now exists to that rule's equivalents "
                             "and mark it covered (review the printed changes)")
    args = parser.parse_args(argv)
    try:
        steps = ([sync] if args.sync else []) + ([adopt] if args.adopt_planned else [])
        for step in steps:
            texts, changes = step(load_catalogue(args.peers), load_rules())
            for path, new_text in texts.items():
                Path(path).write_text(new_text, encoding="utf-8")
            for change in changes:
                print(change)
        text, problems = build(args.peers)
    except (CatalogueError, RuleError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} disagreement(s) between the peer catalogue and the rules; "
              f"nothing written", file=sys.stderr)
        return 1
    target = Path(args.output)
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if args.check:
        print(f"{target}: {'up to date' if current == text else 'stale'}")
        return 0 if current == text else 1
    if current != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    print(f"{target}: {'updated' if current != text else 'up to date'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
