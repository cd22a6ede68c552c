"""The text replacements (SARIF ``replacements``, rdjson ``suggestions``) for a fix.

Computed from the original and the patched text rather than from the splices, so
they are right however many splices a fix took: changed lines are found with a line
diff, then each change is trimmed to the characters that really differ, so a
suggestion replaces ``true`` with ``false`` rather than a whole block.
"""

from __future__ import annotations

import difflib

from kspm_lint.fix.model import TextEdit
from kspm_lint.fix.text import LineIndex, lines_of


def _word(char: str) -> bool:
    return char.isalnum() or char == "_"


class PieceLines(LineIndex):
    """A text that many edits are computed against (one document's original slice),
    with its lines split once."""

    def __init__(self, text: str, first_line: int = 1) -> None:
        super().__init__(text)
        self.first_line = first_line
        self.line_list = self.lines()


def text_edits(old: str, new: str, first_line: int = 1, before: PieceLines | None = None) -> list[TextEdit]:
    """Replacements, in order and not overlapping, that turn ``old`` into ``new``.

    ``first_line``: the line number of ``old``'s first line in its file (``old`` may be
    one document of a multi-document file; it starts at the beginning of a line).
    ``before``: ``old`` already split into lines."""
    if old == new:
        return []
    if before is None:
        before = PieceLines(old)
    old_lines, new_lines = before.line_list, lines_of(new)
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    edits: list[TextEdit] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = before.starts[i1] if i1 < len(before.starts) else len(old)
        end = before.starts[i2] if i2 < len(before.starts) else len(old)
        replaced, replacement = old[start:end], "".join(new_lines[j1:j2])
        prefix = 0
        limit = min(len(replaced), len(replacement))
        while prefix < limit and replaced[prefix] == replacement[prefix]:
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and replaced[-1 - suffix] == replacement[-1 - suffix]:
            suffix += 1
        # Never cut a word: "true" -> "false", not "tru" -> "fals".
        while prefix and _word(replaced[prefix - 1]):
            prefix -= 1
        while suffix and _word(replaced[len(replaced) - suffix]):
            suffix -= 1
        start, end = start + prefix, end - suffix
        text = replacement[prefix:len(replacement) - suffix]
        line, column = before.position(start)
        end_line, end_column = before.position(end)
        shift = first_line - 1
        edits.append(TextEdit(line + shift, column, end_line + shift, end_column, text))
    return edits


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """Apply replacements (as a consumer of SARIF or rdjson would); used to check them."""
    index = LineIndex(text)
    pieces, cursor = [], 0
    for edit in edits:
        start = index.offset(edit.line - 1, edit.column - 1)
        end = index.offset(edit.end_line - 1, edit.end_column - 1)
        pieces.append(text[cursor:start] + edit.text)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
