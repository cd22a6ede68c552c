"""Apply ops to one document of a file's text, and check that it reads back as intended.

Ops that create keys under the same missing mapping are first merged into one
(``ops.coalesce``). The first op is planned on the nodes the lint already parsed; each
later one on a fresh parse of the patched document slice, so it sees what the earlier
ones wrote (a ``securityContext`` created by one fix is merged into by the next, never
duplicated), without re-reading a large multi-document file once per op.
``FileText.assemble`` puts the patched slices back, the last document first, so the
offsets of the others stay valid.

The data check is the safety net: the patched slice must read back as exactly the
original data plus the ops (``ops.apply_op``), or the patch is refused; ``check_file``
then reads the whole new file as the linter will before anything is written.

Re-reading the whole slice for every op and for the read-back is the reference path
(``FileText(..., regions=False)``); by default only the region of the slice that holds
the changes is re-read where that is known to give the same answer (``fix.regions``).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from typing import Any

import yaml

from kspm_lint.fix import placement
from kspm_lint.fix.model import PatchOp
from kspm_lint.fix.ops import OpError, apply_op, coalesce, detach, same
from kspm_lint.fix.reading import compose_roots, read_back
from kspm_lint.fix.regions import Regions
from kspm_lint.fix.splice import DocumentText, Splice, Unpatchable
from kspm_lint.fix.style import Style
from kspm_lint.fix.text import LineIndex
from kspm_lint.location import format_path
from kspm_lint.parsing.loader import parse_text

__all__ = ["FileText", "check_file", "compose_roots", "order_ops"]


def order_ops(ops: Sequence[PatchOp]) -> list[PatchOp]:
    """Sets and appends first, then removals, list items from the highest index down,
    so that earlier removals never shift the index of a later one and ``prune`` sees
    the keys other fixes added."""
    keep = [op for op in ops if op.op != "remove"]
    removals = [op for op in ops if op.op == "remove"]
    removals.sort(key=lambda op: tuple((1, e) if isinstance(e, int) else (0, e) for e in op.path), reverse=True)
    return keep + removals


class FileText:
    """A file's text with its documents' root nodes (marks relative to the whole text).

    Built from the lint's own parse (no second parse) or from ``compose_roots``. The
    first op on a document is planned on these nodes; later ones on a fresh parse of
    the patched document slice, or, with ``regions`` (the default), of just the region
    of it that holds every change (``fix.regions``), which is also all the read-back
    then has to read again. ``regions=False`` always reads the whole slice: the same
    bytes and the same refusals, only slower.
    """

    def __init__(self, text: str, roots: Sequence[yaml.Node], style: Style, json_file: bool,
                 regions: bool = True) -> None:
        self.text, self.roots, self.style, self.json_file = text, list(roots), style, json_file
        self.index = LineIndex(text)
        self.positions: dict[int, dict[str, int]] = {}  # of original mapping nodes (alive as long as self)
        self._views: dict[int, DocumentText] = {}
        self.regions: Regions | None = Regions(self) if regions else None

    def bounds(self, number: int) -> tuple[int, int]:
        """The document's slice: from the start of its first line to the end of its node."""
        root = self.roots[number]
        return self.index.line_start(root.start_mark.line), self.index.mark_offset(root.end_mark)

    def view(self, number: int) -> DocumentText:
        view = self._views.get(number)
        if view is None:
            view = self._views[number] = DocumentText(self.text, self.roots[number], self.style, self.json_file,
                                                      self.index)
            view.known_positions = self.positions
        return view

    def piece(self, number: int) -> str:
        start, end = self.bounds(number)
        return self.text[start:end]

    def patch_document(self, number: int, data: Any, ops: Sequence[PatchOp], piece: str | None = None,
                       ) -> tuple[str, Any]:
        """(new slice, new data) of one document; ``ops`` in ``order_ops`` order.

        ``piece``: an already patched version of the document's slice to start from
        (default: the original one, whose nodes plan the first op without a parse).
        Raises ``Unpatchable`` when an op cannot be written or the patched slice does not
        read back as ``data`` plus the ops.
        """
        start = self.bounds(number)[0]
        original = self.piece(number)
        current = original if piece is None else piece
        view = self.view(number) if piece is None else None  # offsets in the whole text
        expected = copy.copy(data)
        changed = False
        low = high = len(current)  # what is unchanged: ``low`` characters at the start, ``high`` at the end
        regions = self.regions if piece is None else None  # regions stand for the original slice only
        for op in coalesce(expected, list(ops)):
            if op.op == "set":
                op = PatchOp("set", op.path, placement.ordered(op.path, op.value))
            detach(expected, op.path)
            try:
                if not apply_op(expected, op):
                    continue
            except OpError as exc:
                raise Unpatchable(f"{format_path(op.path)}: {exc}") from None
            splice: Splice | None = None
            if view is not None:
                splice, shift, view = view.plan(op), start, None
            else:
                shift = 0
                if regions is not None:
                    splice = regions.plan(number, current, original, low, high, op)
                if splice is None:
                    local = compose_roots(current)
                    if len(local) != 1:
                        raise Unpatchable("a document cannot be read on its own (directives or tags)")
                    splice = DocumentText(current, local[0], self.style, self.json_file).plan(op)
            begin, stop = splice.start - shift, splice.end - shift
            low, high = min(low, begin), min(high, len(current) - stop)
            current = current[:begin] + splice.text + current[stop:]
            changed = True
        if changed:
            shown = regions is not None and regions.verify(number, ops, original, current, low, high, expected, data)
            if not shown and not same(read_back(current), expected):
                raise Unpatchable("the patched document does not read back as the original data plus "
                                  "the fix; left unchanged")
        return current, expected

    def assemble(self, pieces: dict[int, str]) -> str:
        """The whole text with some documents' slices replaced."""
        text = self.text
        for number in sorted(pieces, reverse=True):  # later documents first: earlier offsets stay valid
            start, end = self.bounds(number)
            text = text[:start] + pieces[number] + text[end:]
        return text


def check_file(path: str, old_problems: Sequence, new_text: str, expected: Sequence[Any]) -> None:
    """Re-parse the whole patched file as the linter will: same documents, the expected
    data, and no new syntax or duplicate-key problem."""
    reparsed = parse_text(new_text, path)
    before = Counter(problem.rule for problem in old_problems)
    after = Counter(problem.rule for problem in reparsed.problems)
    if any(after[rule] > before[rule] for rule in after):
        raise Unpatchable("the patched file has new parse problems; left unchanged")
    if len(reparsed.documents) != len(expected) or not all(
            same(document.data, data) for document, data in zip(reparsed.documents, expected, strict=True)):
        raise Unpatchable("the patched file does not read back as the original data plus the fixes; "
                          "left unchanged")
