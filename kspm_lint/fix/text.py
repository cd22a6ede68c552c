"""Offsets, lines and columns in a file's text, counted the way YAML parsers count them.

Every edit is computed as a character offset into the original text, while node marks
and the positions consumers see (SARIF, rdjson, JSON) are 0- or 1-based line/column
pairs. YAML treats ``\\r\\n``, ``\\r``, ``\\n``, NEL, LS and PS as line breaks (so do
PyYAML and libyaml), and so must we: a CRLF file must not shift any column.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from itertools import accumulate

_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


class LineIndex:
    """Line starts of one text, for converting between offsets and (line, column)."""

    def __init__(self, text: str) -> None:
        self.text = text
        if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
            self.starts = [0]
            self.breaks: list[str] | None = []
            for match in _BREAK.finditer(text):
                self.starts.append(match.end())
                self.breaks.append(match.group())
        else:  # only "\n" breaks (nearly every file): no regex, no list of breaks
            self.starts = list(accumulate([len(part) + 1 for part in text.split("\n")[:-1]], initial=0))
            self.breaks = None

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def offset(self, line: int, column: int) -> int:
        """Offset of a 0-based (line, column), as PyYAML marks give them."""
        return self.starts[line] + column

    def mark_offset(self, mark) -> int:
        """Offset of a PyYAML mark. libyaml puts the end of a stream without a final line
        break on the line after the last one: that is the end of the text."""
        if mark.line >= len(self.starts):
            return len(self.text)
        return min(self.starts[mark.line] + mark.column, len(self.text))

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1

    def line_start(self, line: int) -> int:
        return self.starts[line]

    def line_end(self, line: int) -> int:
        """Offset just before the line's break (the end of the text for the last line)."""
        if line + 1 < len(self.starts):
            return self.starts[line + 1] - (1 if self.breaks is None else len(self.breaks[line]))
        return len(self.text)

    def next_line_start(self, line: int) -> int:
        """Offset after the line's break, or the end of the text when it has none."""
        return self.starts[line + 1] if line + 1 < len(self.starts) else len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self.starts[line]:self.line_end(line)]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of an offset, as editors and SARIF show them."""
        line = self.line_of(offset)
        return line + 1, offset - self.starts[line] + 1

    def lines(self) -> list[str]:
        """The lines with their own breaks: joining them gives the text back."""
        if self.breaks is None:
            return _split_lines(self.text)
        ends = self.starts[1:] + [len(self.text)]
        lines = [self.text[start:end] for start, end in zip(self.starts, ends, strict=True)]
        if lines and not lines[-1]:
            lines.pop()  # the empty "line" after a final line break
        return lines


def lines_of(text: str) -> list[str]:
    """``LineIndex(text).lines()`` without the index."""
    if "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text:
        return LineIndex(text).lines()
    return _split_lines(text)


def _split_lines(text: str) -> list[str]:
    lines = [line + "\n" for line in text.split("\n")]
    last = lines.pop()
    if len(last) > 1:
        lines.append(last[:-1])  # no final line break
    return lines


def dominant_eol(text: str) -> str:
    """The line break most lines use ("\\n" for a file with none)."""
    counts = Counter(match.group() for match in _BREAK.finditer(text))
    return counts.most_common(1)[0][0] if counts else "\n"
