"""Read the patches a kustomization declares, with a way to locate each of their fields."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from kspm_lint.kustomize.kustomization import Kustomization, PatchEntry
from kspm_lint.location import Path, Span
from kspm_lint.parsing.loader import parse_file, parse_text


@dataclass
class PatchDocument:
    """One document of a patch: its data, and where each of its paths is written.

    ``file`` is the file a person edits: the patch file, or the kustomization for an inline
    patch (then ``line_offset``/``column_offset`` move spans from the inline text into the
    kustomization, and ``fixable`` is False: a fix cannot be spliced into a block scalar).
    """

    entry: PatchEntry
    kustomization: Kustomization
    file: str
    document_index: int
    data: Any
    locate_in_text: Any  # Callable[[Path], Span]
    line_offset: int = 0
    column_offset: int = 0
    exact: bool = True  # False: inline text that is not a block scalar (spans are the entry's)

    @property
    def is_json6902(self) -> bool:
        return isinstance(self.data, list)

    @property
    def fixable(self) -> bool:
        return self.entry.file is not None

    def span(self, path: Path) -> Span:
        if not self.exact:
            return self.kustomization.span(self.entry.entry_path)
        span = self.locate_in_text(path)
        return Span(
            span.line + self.line_offset,
            span.column + self.column_offset,
            span.end_line + self.line_offset,
            span.end_column + self.column_offset,
        )

    def describe(self) -> str:
        where = os.path.basename(self.file) if self.entry.file else f"inline {self.entry.field}[{self.entry.index}]"
        return ("JSON 6902 patch " if self.is_json6902 else "strategic-merge patch ") + where


def read_patch(k: Kustomization, entry: PatchEntry) -> list[PatchDocument]:
    """The documents of one patch entry; [] when it cannot be read (the engine says why)."""
    if entry.file is not None:
        parsed = parse_file(entry.file)
        if parsed.problems:
            return []
        return [
            PatchDocument(entry, k, entry.file, doc.index, doc.data, doc.locate)
            for doc in parsed.documents
            if doc.data is not None
        ]
    if entry.inline is None:
        return []
    parsed = parse_text(entry.inline, k.file)
    if parsed.problems:
        return []
    line_offset, column_offset, exact = _inline_offsets(k, entry)
    return [
        PatchDocument(entry, k, k.file, doc.index, doc.data, doc.locate, line_offset, column_offset, exact)
        for doc in parsed.documents
        if doc.data is not None
    ]


def _inline_offsets(k: Kustomization, entry: PatchEntry) -> tuple[int, int, bool]:
    """Where an inline block scalar's text starts in the kustomization file.

    A ``|`` or ``>`` scalar keeps the text's lines one for one, minus a fixed indentation;
    anything else (a quoted string) has no line-exact mapping.
    """
    span = k.span(entry.entry_path)
    lines = k.text.splitlines()
    header = lines[span.line - 1] if span.line - 1 < len(lines) else ""
    if not re.search(r":\s*[|>][-+0-9]*\s*(#.*)?$", header) and not re.match(r"^\s*-\s*[|>][-+0-9]*\s*$", header):
        return 0, 0, False
    first = span.line  # 0-based index of the line after the header
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first >= len(lines):
        return 0, 0, False
    indent = len(lines[first]) - len(lines[first].lstrip(" "))
    # The inline text's line 1 is the header's next line (blank lines are kept by the scalar).
    return span.line, indent, True
