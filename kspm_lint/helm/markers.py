"""Line markers: a copy of a chart whose template lines say where they are.

Each template line that can safely carry one gets a trailing YAML comment
``#@kspm:F.L@`` (template file F, line L). The real engine renders the copy; the markers
ride along with the text (through ``include``, ``nindent``, ``range``) and are then
stripped, leaving the exact text of the plain render with, for every rendered line, the
template lines that wrote it. No marker is put where it could change what the engine
computes or where it would be glued to other text:

- a line that ends inside an action or comment spanning lines, or that ends with a
  right-trimming action (``-}}`` would glue the next line to the marker);
- the lines of a block scalar (``key: |``);
- a line holding ``define``; inside a ``define`` only lines that start with a literal
  key or list item, and lines that paste YAML (an action with ``toYaml``, ``indent`` or
  ``nindent``), are marked, because a helper's output is often captured (``trunc``,
  ``quote``, ``sha256sum``). Helper lines that are marked map to the helper file: that
  is where the key is written (not the ``include`` call site).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass

MARK = re.compile(r" ?#@kspm:(\d+)\.(\d+)@")
_BLOCK_SCALAR = re.compile(r"(?::|^\s*-)\s+[|>][-+0-9]*\s*(?:#.*)?$")
_KEY_LINE = re.compile(r"^\s*(?:-\s+)*[^\s{#\-][^:{]*:(?:\s|$)|^\s*-\s+[^\s{]")
_PASTE_LINE = re.compile(r"^\s*\{\{-?\s.*\b(?:toYaml|nindent|indent)\b.*\}\}\s*$")
_ACTION_WORD = re.compile(r"^\{\{-?\s*(define|block|if|range|with|end)\b")
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".tpl", ".json")


def marker(file_index: int, line: int) -> str:
    return f" #@kspm:{file_index}.{line}@"


def mark_text(text: str, file_index: int) -> str:
    """``text`` (one template file) with a marker on every line that can carry one."""
    out: list[str] = []
    in_action = False
    block_indent: int | None = None
    blocks: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        started_in_action = in_action
        if block_indent is not None and not in_action:
            if not line.strip() or _indent(line) > block_indent:
                out.append(line)
                continue
            block_indent = None
        in_define_at_start = "define" in blocks
        actions, in_action = _scan_actions(line, in_action)
        has_define = False
        for action in actions:
            word = _ACTION_WORD.match(action)
            if not word:
                continue
            if word.group(1) == "end":
                if blocks:
                    blocks.pop()
            else:
                blocks.append(word.group(1))
                has_define = has_define or word.group(1) in ("define", "block")
        stripped = line.strip()
        safe = (
            not started_in_action
            and not in_action
            and stripped != ""
            and not stripped.endswith("-}}")
            and not stripped.startswith(("{{/*", "{{- /*"))
            and not has_define
            and (not in_define_at_start or _KEY_LINE.match(line) is not None
                 or _PASTE_LINE.match(line) is not None)
        )
        if safe and _BLOCK_SCALAR.search(line):
            block_indent = _indent(line)
        out.append(line + marker(file_index, number) if safe else line)
    return "\n".join(out)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _scan_actions(line: str, in_action: bool) -> tuple[list[str], bool]:
    """The actions that start on ``line`` (their text on this line) and whether the
    line ends inside one."""
    actions: list[str] = []
    position = 0
    if in_action:
        close = line.find("}}")
        if close < 0:
            return actions, True
        position = close + 2
    while True:
        start = line.find("{{", position)
        if start < 0:
            return actions, False
        close = line.find("}}", start + 2)
        if close < 0:
            actions.append(line[start:])
            return actions, True
        actions.append(line[start:close + 2])
        position = close + 2


@dataclass(frozen=True)
class MarkedCopy:
    """A marked copy of a chart: ``files[F]`` is the chart-relative path of file F."""

    chart_dir: str
    files: tuple[str, ...]


def make_marked_copy(chart_dir: str, into: str) -> MarkedCopy:
    """Copy ``chart_dir`` into ``into`` with markers in every template file (the chart's
    and its unpacked subcharts'). Packed subcharts (``.tgz``) are copied as they are.
    Files under ``crds/`` are listed too (the engine prints them as they are)."""
    target = os.path.join(into, "chart")
    shutil.copytree(chart_dir, target, ignore=shutil.ignore_patterns(".git"), symlinks=False)
    files: list[str] = []
    for root, dirs, names in os.walk(target):
        dirs.sort()
        relative_root = os.path.relpath(root, target)
        parts = relative_root.split(os.sep)
        if "templates" not in parts:
            if parts[-1] == "crds":  # CRDs are not templates: listed, never marked
                files += [os.path.normpath(os.path.join(relative_root, name)).replace(os.sep, "/")
                          for name in sorted(names) if name.endswith(TEMPLATE_SUFFIXES)]
            continue
        for name in sorted(names):
            if not name.endswith(TEMPLATE_SUFFIXES):
                continue
            path = os.path.join(root, name)
            try:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError):
                continue
            relative = os.path.normpath(os.path.join(relative_root, name)).replace(os.sep, "/")
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(mark_text(text, len(files)))
            files.append(relative)
    return MarkedCopy(target, tuple(files))


def trim_documents(marked: str) -> str:
    """A marked render as ``helm template`` would have printed it: the binary trims each
    document and drops empty ones, and a line holding only markers is not blank to it.
    Lines that are blank once their markers are stripped are dropped at each document's
    edges (and documents that hold nothing else), so the lines match the plain render."""
    documents = []
    for document in marked.split("\n---\n"):
        lines = document.split("\n")
        while lines and not MARK.sub("", lines[0]).strip():
            lines.pop(0)
        while lines and not MARK.sub("", lines[-1]).strip():
            lines.pop()
        if lines:
            documents.append("\n".join(lines) + "\n")
    return "---\n".join(documents)


@dataclass(frozen=True)
class LineMarks:
    """The markers one rendered line carried, and whether its text, markers stripped,
    is the plain render's line, or at least writes the same key at the same place (when
    not, its markers are not trusted)."""

    marks: tuple[tuple[int, int], ...]
    verified: bool


def strip_marks(marked: str, plain: str) -> list[LineMarks] | None:
    """Per line of ``plain``, the markers of the same line of ``marked``; None when the
    two renders do not have the same lines (the markers changed what was rendered)."""
    marked_lines = marked.split("\n")
    plain_lines = plain.split("\n")
    if len(marked_lines) != len(plain_lines):
        return None
    table = []
    for marked_line, plain_line in zip(marked_lines, plain_lines, strict=True):
        marks = tuple((int(f), int(n)) for f, n in MARK.findall(marked_line))
        stripped = MARK.sub("", marked_line)
        verified = stripped == plain_line or _same_key(stripped, plain_line)
        table.append(LineMarks(marks if verified else (), verified))
    return table


_KEY_PREFIX = re.compile(r"^\s*(?:-\s+)*[^\s:#{][^:#]*:(?=\s|$)")


def _same_key(marked: str, plain: str) -> bool:
    """The same key at the same place, the value differing: a random name
    (``randAlphaNum``), a checksum of a marked file, a trailing space a trim ate."""
    key = _KEY_PREFIX.match(plain)
    return key is not None and marked.startswith(key.group(0))
