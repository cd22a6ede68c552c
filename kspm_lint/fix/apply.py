"""``attach_fixes`` and ``apply_fixes``: the entry points the CLI and the formats use.

``attach_fixes`` gives every fixable finding its ``Fix`` (ops, and the text edits of
that fix alone, or why it cannot be applied) for JSON, SARIF and rdjson. ``apply_fixes``
applies the chosen safety classes document by document, all of a document's fixes
together, falling back to one fix at a time in a document whose combination is refused:
one awkward finding costs only itself, and a file is checked whole before it is
written, never half-written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from kspm_lint.findings import Finding
from kspm_lint.fix import generators, invariants, patcher, plan
from kspm_lint.fix.diff import unified_diff
from kspm_lint.fix.edits import PieceLines, text_edits
from kspm_lint.fix.files import WriteRefused, write_back
from kspm_lint.fix.model import Fix, PatchOp, Safety, TextEdit
from kspm_lint.fix.splice import Unpatchable
from kspm_lint.fix.style import detect_style
from kspm_lint.parsing.document import ParsedFile
from kspm_lint.parsing.loader import parse_file

_BROKEN = ("yaml-syntax", "input-rejected")


@dataclass
class FixOutcome:
    """What ``apply_fixes`` did (or, with ``write=False``, would do)."""

    changed: dict[str, tuple[str, str]] = field(default_factory=dict)  # file -> (old, new text)
    fixed: list[Finding] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)

    def diff(self) -> str:
        return "".join(unified_diff(path, old, new) for path, (old, new) in sorted(self.changed.items()))


def rendered_origin(finding: Finding) -> str | None:
    """Where a finding's object sits in rendered output (a Helm render), when it is not
    a file a person edits: its fix can only be shown."""
    return finding.rendered.file if finding.rendered is not None else None


class FileFixes:
    """One file as fixes see it: its parse, its style and why it cannot be written, if so."""

    def __init__(self, path: str, parsed: ParsedFile | None, unsafe: bool | None = None) -> None:
        self.path = path
        self.unsafe = unsafe
        self.parsed = parsed if parsed is not None else ParsedFile(path, "", [], [])
        self._original: patcher.FileText | None = None
        self._conflicts: dict[int, invariants.Conflicts] = {}  # per original document
        self._edits: dict[tuple, list[TextEdit]] = {}  # findings with the same ops share their edits
        self._lines: dict[int, PieceLines] = {}  # per original document slice
        self.blocked = self._blocked()

    def _blocked(self) -> str | None:
        parsed = self.parsed
        if not os.path.isfile(self.path):
            return "the input is not a file on disk (stdin or generated); nothing to write to"
        broken = next((p for p in parsed.problems if p.rule in _BROKEN), None)
        if broken is not None:
            return f"the file has a YAML problem at line {broken.span.line}; fix it by hand first"
        return None

    @property
    def original(self) -> patcher.FileText:
        """The original text with the lint's own document nodes (no second parse)."""
        if self._original is None:
            parsed = self.parsed
            roots = [document.root for document in parsed.documents]
            self._original = patcher.FileText(parsed.text, roots, detect_style(parsed), parsed.is_json)
        return self._original

    def document(self, finding: Finding) -> int:
        number = finding.document_index
        if number is None or not 0 <= number < len(self.parsed.documents):
            raise generators.NoFix("the finding is not tied to a document")
        return number

    def ops(self, finding: Finding) -> list[PatchOp]:
        return generators.ops_for(finding, self.parsed, self.parsed.documents[self.document(finding)])

    def data(self) -> list[Any]:
        return [document.data for document in self.parsed.documents]

    def edits(self, number: int, ops: list[PatchOp]) -> list[TextEdit]:
        """The replacements of one fix alone, computed on its document only."""
        key = (number, tuple(plan.op_key(op) for op in ops))
        if key not in self._edits:
            self._edits[key] = self._compute_edits(number, ops)
        return list(self._edits[key])

    def _compute_edits(self, number: int, ops: list[PatchOp]) -> list[TextEdit]:
        original = self.parsed.documents[number].data
        new, data = self.original.patch_document(number, original, patcher.order_ops(ops))
        self._refuse_new_conflicts(number, data)
        lines = self._lines.get(number)
        if lines is None:
            start, _ = self.original.bounds(number)
            lines = self._lines[number] = PieceLines(self.original.piece(number),
                                                     self.original.index.line_of(start) + 1)
        return text_edits(lines.text, new, first_line=lines.first_line, before=lines)

    def _refuse_new_conflicts(self, number: int, data: Any) -> None:
        """Refuse a result with a combination the API server or kubelet rejects, unless the
        author's document already had it."""
        known = self._conflicts.get(number)
        if known is None:
            known = self._conflicts[number] = invariants.Conflicts(self.parsed.documents[number].data, self.unsafe)
        refused = sorted(known.of(data) - known.original)
        if refused:
            raise Unpatchable(refused[0])

    def fix_document(self, number: int, ops: list[PatchOp], candidates: list[plan.Candidate],
                     outcome: FixOutcome) -> tuple[str, Any, list[Finding]]:
        """(new slice, new data, findings fixed) of one document.

        All the candidates' ops together first; when that is refused, one candidate at a
        time, repeated while it makes progress (allowPrivilegeEscalation: false is refused
        until privileged: true is gone), so one awkward finding costs only itself.
        """
        original = self.parsed.documents[number].data
        try:
            new, data = self.original.patch_document(number, original, patcher.order_ops(ops))
            self._refuse_new_conflicts(number, data)
            return new, data, [finding for candidate in candidates for finding in candidate.findings]
        except Unpatchable:
            pass
        piece, data, fixed = None, original, []
        pending: list[plan.Candidate] = list(candidates)
        refused: list[tuple[plan.Candidate, str]] = []
        while pending:
            refused = []
            for candidate in pending:
                try:
                    new, new_data = self.original.patch_document(number, data, patcher.order_ops(candidate.ops), piece)
                    self._refuse_new_conflicts(number, new_data)
                    piece, data = new, new_data
                    fixed.extend(candidate.findings)
                except Unpatchable as exc:
                    refused.append((candidate, str(exc)))
            if len(refused) == len(pending):
                break  # no progress: these stay refused
            pending = [candidate for candidate, _ in refused]
        for candidate, reason in refused:
            outcome.failed.append((self.path, f"{_where(candidate.findings[0])}: {reason}"))
        return (self.original.piece(number) if piece is None else piece), data, fixed


def _rules(run) -> dict[str, tuple[Safety, str]]:
    """rule id -> (safety, description) for the run's rules that have an automatic fix."""
    return fixable_rules(run.report.rules)


def fixable_rules(rules: Iterable[Any]) -> dict[str, tuple[Safety, str]]:
    """rule id -> (safety, description) for those of ``rules`` that have an automatic fix."""
    found: dict[str, tuple[Safety, str]] = {}
    for rule in rules:
        fix = rule.fix or {}
        safety = fix.get("safety")
        if (safety == "safe" or safety == "unsafe") and rule.id in generators.GENERATORS:
            found[rule.id] = (safety, " ".join(str(fix.get("description", "")).split()))
    return found


def _by_file(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Findings by the parsed stream their object is in (fixes are computed on it)."""
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        unit = finding.address.unit if finding.address is not None else finding.file
        grouped.setdefault(unit, []).append(finding)
    return grouped


def _file(path: str, parsed: ParsedFile | None, unsafe: bool | None = None) -> FileFixes:
    if parsed is None and os.path.isfile(path):
        parsed = parse_file(path)  # the run did not keep it (parallel lint)
    return FileFixes(path, parsed, unsafe)


def _suggestion(reason: str, ops: list[PatchOp]) -> str:
    return f"{reason}; suggested change: " + "; ".join(op.describe() for op in ops)


def _rendered_reason(origin: str) -> str:
    return f"comes from rendered Helm output ({origin}); not writing into the chart"


def attach_fixes(run) -> None:
    """Set ``finding.fix`` on every finding whose rule has an automatic fix.

    A run whose lint already attached them, file by file (``lint_paths(fixes=True)``),
    is left as it is."""
    if getattr(run, "fixes_attached", False):
        return
    rules = _rules(run)
    grouped = _by_file(f for f in run.report.findings if f.rule in rules)
    parsed_by_path = {parsed.path: parsed for parsed in run.parsed}
    for path, findings in grouped.items():
        _attach(_file(path, parsed_by_path.get(path)), findings, rules)


class FileAttacher:
    """``attach_fixes`` for one file at a time, right after it is linted (in the worker
    process of a parallel run, which holds the parsed file), so nothing else needs the
    parsed files: ``attacher(parsed, findings)``."""

    def __init__(self, rules: Iterable[Any]) -> None:
        self.rules = fixable_rules(rules)
        self._paths: dict[tuple, tuple] = {}
        self._values: dict[str, Any] = {}
        self._texts: dict[str, str] = {}

    def __call__(self, parsed: ParsedFile, findings: Iterable[Finding]) -> None:
        grouped = _by_file(f for f in findings if f.rule in self.rules)
        for path, group in grouped.items():
            _attach(_file(path, parsed if parsed.path == path else None), group, self.rules)
            for finding in group:
                self._share(finding)

    def _share(self, finding: Finding) -> None:
        """Equal paths, values and texts as one object each: they recur in every document
        of a large tree, and a parallel run sends them back and keeps them all."""
        paths, values, texts = self._paths, self._values, self._texts
        finding.path = paths.setdefault(finding.path, finding.path)
        fix = finding.fix
        if fix is None:
            return
        ops = []
        for op in fix.ops:
            path = paths.setdefault(op.path, op.path)
            value = op.value
            if isinstance(value, (dict, list)):
                value = values.setdefault(repr(value), value)  # ops are data, never changed
            ops.append(op if path is op.path and value is op.value else PatchOp(op.op, path, value, op.prune))
        fix.ops = ops
        fix.edits = [TextEdit(e.line, e.column, e.end_line, e.end_column, texts.setdefault(e.text, e.text))
                     for e in fix.edits]


def _attach(file: FileFixes, findings: list[Finding], rules: dict[str, tuple[Safety, str]]) -> None:
    for finding in findings:
        safety, description = rules[finding.rule]
        fix = finding.fix = Fix(safety, description, ops=[])
        if finding.no_fix is not None:
            fix.applicable, fix.reason = False, finding.no_fix
            continue
        try:
            fix.ops = file.ops(finding)
            origin = rendered_origin(finding)
            if origin:
                raise Unpatchable(_suggestion(_rendered_reason(origin), fix.ops))
            if file.blocked:
                raise Unpatchable(file.blocked)
            fix.edits = file.edits(file.document(finding), fix.ops)
        except (generators.NoFix, Unpatchable) as exc:
            fix.applicable, fix.reason = False, str(exc)
        except Exception as exc:  # a bug in one fix must not cost the whole report
            fix.applicable, fix.reason = False, _internal(exc)


def _internal(exc: Exception) -> str:
    return f"internal error while preparing the fix ({type(exc).__name__}: {exc}); please report it"


def _where(finding: Finding) -> str:
    return f"{finding.rule} at line {finding.span.line}"


def apply_fixes(run, unsafe: bool, write: bool) -> FixOutcome:
    """Fix the run's active findings of the allowed safety classes; write when asked."""
    allowed = {"safe", "unsafe"} if unsafe else {"safe"}
    rules = {rule: meta for rule, meta in _rules(run).items() if meta[0] in allowed}
    grouped = _by_file(f for f in run.report.findings
                       if f.rule in rules and not f.suppressed and f.no_fix is None)
    parsed_by_path = {parsed.path: parsed for parsed in run.parsed}
    outcome = FixOutcome()
    for path in sorted(grouped):
        file = _file(path, parsed_by_path.get(path), unsafe)  # one at a time: what it works out is dropped after
        try:
            _fix_file(file, grouped[path], write, outcome)
        except Exception as exc:  # nothing of this file was written: go on with the others
            outcome.failed.append((path, _internal(exc)))
    return outcome


def _fix_file(file: FileFixes, findings: list[Finding], write: bool, outcome: FixOutcome) -> None:
    candidates: list[plan.Candidate] = []
    for finding in findings:
        try:
            ops = file.ops(finding)
        except generators.NoFix as exc:
            outcome.failed.append((file.path, f"{_where(finding)}: {exc}"))
            continue
        origin = rendered_origin(finding)
        if origin:
            outcome.failed.append((file.path, f"{_where(finding)}: {_suggestion(_rendered_reason(origin), ops)}"))
            continue
        candidates.append(plan.Candidate([finding], file.document(finding), ops))
    if not candidates:
        return
    if file.blocked:
        outcome.failed.append((file.path, file.blocked))
        return
    combined, accepted, refused = plan.combine(candidates)
    for candidate, reason in refused:
        outcome.failed.append((file.path, f"{_where(candidate.findings[0])}: {reason}"))
    ops_by_document: dict[int, list[PatchOp]] = {}
    for number, op in combined:
        ops_by_document.setdefault(number, []).append(op)
    candidates_by_document: dict[int, list[plan.Candidate]] = {}
    for candidate in accepted:
        candidates_by_document.setdefault(candidate.document, []).append(candidate)
    data, pieces, fixed = file.data(), {}, []
    for number, document_ops in ops_by_document.items():
        pieces[number], data[number], done = file.fix_document(number, document_ops,
                                                               candidates_by_document[number], outcome)
        fixed.extend(done)
    old_text = file.parsed.text
    new_text = file.original.assemble(pieces)
    if new_text == old_text:
        return
    try:
        patcher.check_file(file.path, file.parsed.problems, new_text, data)
        if write:
            write_back(file.path, old_text, new_text)
    except (Unpatchable, WriteRefused) as exc:
        outcome.failed.append((file.path, str(exc)))
        return
    outcome.changed[file.path] = (old_text, new_text)
    outcome.fixed.extend(fixed)
