"""From a line of the rendered stream to the template line that wrote it."""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property

from kspm_lint.helm.markers import LineMarks
from kspm_lint.helm.paths import display_path
from kspm_lint.location import Path

_VALUES_REFERENCE = re.compile(r"\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")


@dataclass
class TemplateBlock:
    """One template's output in the rendered stream: its text starts at ``first_line``.
    ``file`` is the template's display path (None when it is not a file on disk, as in
    a packed subchart); ``marks`` is None when its markers could not be used."""

    name: str
    file: str | None
    values_prefix: Path
    first_line: int
    line_count: int
    marks: list[LineMarks] | None


@dataclass(frozen=True)
class LineSource:
    """The template line that wrote a rendered line. ``own`` is False when the rendered
    line carried no marker and takes its call site's (an include, toYaml or range)."""

    file: str
    line: int
    own: bool
    values_prefix: Path


@dataclass
class SourceMap:
    """The rendered stream's blocks and the marked chart's template files."""

    chart_dir: str
    files: tuple[str, ...]  # chart-relative template paths, indexed by marker file number
    blocks: list[TemplateBlock] = field(default_factory=list)

    @property
    def chart_yaml(self) -> str:
        return display_path(os.path.join(self.chart_dir, "Chart.yaml"))

    @cached_property
    def _starts(self) -> list[int]:
        return [block.first_line for block in self.blocks]

    def block_at(self, line: int) -> TemplateBlock | None:
        index = bisect_right(self._starts, line) - 1
        if index < 0:
            return None
        block = self.blocks[index]
        return block if line < block.first_line + block.line_count else None

    def file_path(self, index: int) -> str:
        return display_path(os.path.join(self.chart_dir, *self.files[index].split("/")))

    def prefix_of_file(self, index: int) -> Path:
        return values_prefix(self.files[index])

    def template_line(self, file: str, line: int) -> str:
        lines = self._lines(file)
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def _lines(self, file: str) -> list[str]:
        cache = self.__dict__.setdefault("_line_cache", {})
        if file not in cache:
            try:
                with open(file, encoding="utf-8") as handle:
                    cache[file] = handle.read().split("\n")
            except (OSError, UnicodeDecodeError):
                cache[file] = []
        return cache[file]

    def values_references(self, file: str) -> list[Path]:
        """The ``.Values.a.b`` paths a template file names, in order, without repeats."""
        cache = self.__dict__.setdefault("_reference_cache", {})
        if file not in cache:
            seen: dict[Path, None] = {}
            for line in self._lines(file):
                for match in _VALUES_REFERENCE.finditer(line):
                    seen[tuple(match.group(1).strip(".").split("."))] = None
            cache[file] = list(seen)
        return cache[file]

    def chart_references(self, prefix: Path) -> list[Path]:
        """The ``.Values`` paths named by any template of the (sub)chart whose values
        live at ``prefix``."""
        cache = self.__dict__.setdefault("_chart_reference_cache", {})
        if prefix not in cache:
            seen: dict[Path, None] = {}
            for index, relative in enumerate(self.files):
                if values_prefix(relative) == prefix:
                    seen.update(dict.fromkeys(self.values_references(self.file_path(index))))
            cache[prefix] = list(seen)
        return cache[prefix]

    def line_source(self, line: int) -> LineSource | None:
        block = self.block_at(line)
        if block is None or block.marks is None:
            return None
        offset = line - block.first_line
        own = block.marks[offset]
        if own.marks:
            file_index, number = own.marks[0]
            return LineSource(self.file_path(file_index), number, True, self.prefix_of_file(file_index))
        if not own.verified:
            return None
        for later in block.marks[offset + 1:]:
            if not later.verified:
                return None
            if later.marks:
                file_index, number = later.marks[0]
                path = self.file_path(file_index)
                if "{{" not in self.template_line(path, number):
                    return None  # that line writes no output of its own: not the call site
                return LineSource(path, number, False, self.prefix_of_file(file_index))
        return None


def values_prefix(template_path: str) -> Path:
    """The values path a (sub)chart template sees as ``.Values``: ``charts/a/templates/x``
    reads ``a``'s values."""
    parts = template_path.split("/")
    return tuple(parts[i + 1] for i, part in enumerate(parts[:-1]) if part == "charts")
