"""Put several findings' ops for one file together: drop duplicates, refuse conflicts.

Findings are computed against the same original data, so two findings that need the
same change (two capability findings on one container, two containers that each want
the ``/tmp`` volume) carry identical ops: those are written once. Two different changes
to the same field, or a removal of a field another fix writes under, cannot both
be right; the later finding is left unfixed with a reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from kspm_lint.findings import Finding
from kspm_lint.fix.model import PatchOp
from kspm_lint.location import format_path


@dataclass
class Candidate:
    """The findings (one, or several with identical ops) fixed by one list of ops."""

    findings: list[Finding]
    document: int
    ops: list[PatchOp]
    key: tuple = field(init=False)

    def __post_init__(self) -> None:
        self.key = (self.document, tuple(op_key(op) for op in self.ops))


def op_key(op: PatchOp) -> tuple:
    return op.op, op.path, json.dumps(op.value, sort_keys=True, default=str), op.prune


def group(candidates: list[Candidate]) -> list[Candidate]:
    """Merge candidates whose ops are identical, keeping the first one's place."""
    merged: dict[tuple, Candidate] = {}
    for candidate in candidates:
        known = merged.get(candidate.key)
        if known is None:
            merged[candidate.key] = Candidate(list(candidate.findings), candidate.document, candidate.ops)
        else:
            known.findings.extend(candidate.findings)
    return list(merged.values())


def _overlap(a: PatchOp, b: PatchOp) -> bool:
    if a.path == b.path:
        return op_key(a) != op_key(b)
    shorter, longer = (a, b) if len(a.path) < len(b.path) else (b, a)
    return shorter.op == "remove" and longer.path[:len(shorter.path)] == shorter.path


def combine(candidates: list[Candidate]) -> tuple[list[tuple[int, PatchOp]], list[Candidate],
                                                  list[tuple[Candidate, str]]]:
    """(the ops to apply, the candidates they fix, the candidates refused and why)."""
    accepted: list[Candidate] = []
    refused: list[tuple[Candidate, str]] = []
    chosen: dict[tuple, tuple[int, PatchOp]] = {}
    by_document: dict[int, list[PatchOp]] = {}
    for candidate in group(candidates):
        kept = by_document.setdefault(candidate.document, [])
        clash = next((other for op in candidate.ops for other in kept if _overlap(op, other)), None)
        if clash is not None:
            refused.append((candidate, f"conflicts with another fix of {format_path(clash.path)}"))
            continue
        accepted.append(candidate)
        for op in candidate.ops:
            if (candidate.document, op_key(op)) not in chosen:
                chosen[(candidate.document, op_key(op))] = (candidate.document, op)
                kept.append(op)
    return list(chosen.values()), accepted, refused
