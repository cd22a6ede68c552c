"""Re-read only the part of a document that a fix changed: the fix engine's speed layer.

Why: a document is patched one op at a time, and every op after the first is planned
on a fresh parse of the patched text, and the result must read back as the original
data plus the ops. Parsing the whole document slice for each of those costs time in
proportion to the document, for a change of a few lines. Here only a *region* is read
again: a block collection of the original document (a key's block mapping or list, or
a list item's mapping) that holds every change, read alone after as many empty lines
as precede it, so its marks keep their lines and columns.

What it guarantees: the region path gives exactly what reading the whole slice gives,
or it gives nothing and the caller reads the whole slice (``FileText`` with
``regions=False`` always does). A region is used only when the text before it is the
author's (so the parser reaches it in the same state), when the token after it stands
further left than anything inside it (so it closes the region in both readings), when
the text read alone is one collection of the same kind at the same line and column,
and when the document has no alias (``*``) and the region no anchor (``&``) that the
rest of the file could also name. A read-back through a region checks the re-read
entries against the expected data there, and that every entry and every value beside
the region's path is the original one. ``tests/fix/test_regions.py`` checks that both
paths give the same bytes and the same refusals.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import yaml

from kspm_lint.fix.model import PatchOp
from kspm_lint.fix.ops import same
from kspm_lint.fix.reading import compose_roots
from kspm_lint.fix.splice import DocumentText, Splice, Unpatchable, key_positions
from kspm_lint.fix.style import Style
from kspm_lint.fix.text import LineIndex
from kspm_lint.parsing.nodes import Builder, NodeError, key_text

_MERGE = "tag:yaml.org,2002:merge"
_DASH_PREFIX = re.compile(r"[ \t]*-[ \t]*")
_BREAKS = "\r\n\x85\u2028\u2029"
_MARKER = re.compile(r"(?:^|[\r\n\x85\u2028\u2029])(?:---|\.\.\.)")


class SlicedText(Protocol):
    """What regions need of a file's text (``patcher.FileText`` is one)."""

    text: str
    roots: list[yaml.Node]
    index: LineIndex
    style: Style
    json_file: bool
    positions: dict[int, dict[str, int]]  # key positions of original mapping nodes, by id

    def bounds(self, number: int) -> tuple[int, int]: ...

    def view(self, number: int) -> DocumentText: ...


@dataclass(frozen=True)
class Region:
    """A block collection of the original document that can be re-read on its own.

    Its text runs from the start of the line of its first entry (``start``) to the start
    of the line where the next token after it stands (``end``), offsets relative to the
    document's slice. Read alone (after ``line`` empty lines, so marks keep their lines
    and columns), it gives the node the whole document gives, as long as every change
    lies inside it (``floor`` <= change, change end <= ``end``): the text before it is
    the author's, so the parser reaches it in the same state, and the token after it
    stands further left than anything inside, so it closes it in both readings. What
    is read alone must be one collection of the same kind at the same column, or it is
    not used. No alias anywhere in the document (``*``), or none of this applies.
    """

    node: yaml.CollectionNode
    path: tuple  # data path from the document root
    depth: int  # len(path)
    kind: str  # "map" (a key's block mapping), "seq" (a key's block list), "item" (a list item mapping)
    start: int
    end: int
    floor: int  # changes must start at or after this offset (after the dash of an item)
    line: int  # the slice-relative line of ``start``
    column: int  # the column of the first key (map, item) or of the first dash (seq)


@dataclass(frozen=True)
class _Step:
    """An original node on a path, and its region if it has one."""

    node: yaml.Node
    region: Region | None


class Regions:
    """The regions of one file's original documents, and planning and read-back in them.

    ``plan`` and ``verify`` answer None / False whenever a region cannot stand for the
    whole slice; the caller then reads the whole slice. ``planned`` and ``verified``
    count the times they did answer (for tests and profiling).
    """

    def __init__(self, file: SlicedText) -> None:
        self.file = file
        self.planned = self.verified = 0
        self._regions: dict[tuple, list[Region]] = {}
        self._aliased: dict[int, bool] = {}
        self._bounds: dict[tuple, tuple[list[int | None], list[int]] | None] = {}
        self._key_cache: dict[int, tuple[dict[str, int], bool]] = {}
        self._steps: dict[tuple, _Step | None] = {}

    # -- the two questions patch_document asks ------------------------------------------

    def plan(self, number: int, current: str, original: str, low: int, high: int, op: PatchOp) -> Splice | None:
        """The splice of ``op`` on ``current`` (the original slice of document ``number``
        patched so far: ``low`` characters at its start and ``high`` at its end are
        unchanged), planned on the innermost region that holds every change; None when
        no region can stand for the whole slice."""
        delta = len(current) - len(original)
        for region in self.holding(self.regions(number, op.path), low, len(current) - high - delta)[:1]:
            try:
                splice = self.plan_in(number, region, current, delta, op)
            except Exception:  # whatever goes wrong here, the whole slice decides
                return None
            if splice is not None:
                self.planned += 1
            return splice
        return None

    def verify(self, number: int, ops: Sequence[PatchOp], original: str, current: str, low: int, high: int,
               expected: Any, data: Any) -> bool:
        """Whether ``current`` (the original slice patched with ``ops``, with ``low`` and
        ``high`` unchanged characters at its ends) is shown, by re-reading a region of it,
        to read back as ``expected`` (``data``, the original data, plus the ops). False
        means: not shown here, read the whole slice back."""
        delta = len(current) - len(original)
        if low + high == len(original):
            low = _line_aligned(original, current, low, high)
        shown = self.read_back_in(number, self.regions(number, _common_path(ops)), current, delta, low,
                                  low if low + high >= len(original) else len(original) - high, expected, data)
        if shown:
            self.verified += 1
        return shown

    # -- finding regions -------------------------------------------------------------

    def regions(self, number: int, path: tuple) -> list[Region]:
        """The re-readable block collections along ``path`` (as far as it is written),
        outermost first; none in a document with an alias or in a JSON file."""
        key = (number, path)
        found = self._regions.get(key)
        if found is None:
            found = self._regions[key] = self._find_regions(number, path)
        return found

    def _find_regions(self, number: int, path: tuple) -> list[Region]:
        if self.file.json_file:
            return []
        start, end = self.file.bounds(number)
        aliased = self._aliased.get(number)
        if aliased is None:
            aliased = self._aliased[number] = self._has_alias(number, self.file.text[start:end])
        if aliased:
            return []
        found: list[Region] = []
        for depth in range(1, len(path) + 1):
            step = self._step(number, path[:depth], start, end)
            if step is None:
                break
            if step.region is not None:
                found.append(step.region)
        return found

    def _step(self, number: int, prefix: tuple, start: int, end: int) -> _Step | None:
        """The original node at ``prefix`` and its region, remembered per prefix; None
        when the path is not written that far (or passes a merge key)."""
        key = (number, prefix)
        if key in self._steps:
            return self._steps[key]
        if len(prefix) == 1:
            node: yaml.Node | None = self.file.roots[number]
        else:
            above = self._step(number, prefix[:-1], start, end)
            node = None if above is None else above.node
        step = None if node is None else self._walk_one(node, prefix, start, end)
        self._steps[key] = step
        return step

    def _walk_one(self, node: yaml.Node, prefix: tuple, start: int, end: int) -> _Step | None:
        element = prefix[-1]
        kind: str | None = None
        first: yaml.Node | None = None
        key: yaml.Node | None = None
        child: yaml.Node
        if isinstance(node, yaml.MappingNode) and not node.flow_style and isinstance(element, str):
            positions, merged = self._keys(node)
            position = positions.get(element)  # the last of duplicates, as walk() and the data
            if merged or position is None:
                return None  # merged keys: the data path no longer names one node
            key, child = node.value[position]
            if isinstance(child, yaml.MappingNode) and not child.flow_style and child.value:
                kind, first = "map", child.value[0][0]
            elif isinstance(child, yaml.SequenceNode) and not child.flow_style and child.value:
                kind, first = "seq", child.value[0]
        elif isinstance(node, yaml.SequenceNode) and not node.flow_style and isinstance(element, int) \
                and 0 <= element < len(node.value):
            child = node.value[element]
            if isinstance(child, yaml.MappingNode) and not child.flow_style and child.value:
                kind, first = "item", child
        else:
            return None
        region = None
        if kind is not None and first is not None and isinstance(child, yaml.CollectionNode):
            region = self._region(kind, child, first, key, prefix, start, end, self.file.index.line_of(start))
        return _Step(child, region)

    def _keys(self, node: yaml.MappingNode) -> tuple[dict[str, int], bool]:
        """(``key_positions``, whether it has a merge key) of an original mapping node."""
        known = self._key_cache.get(id(node))
        if known is None:
            positions = self.file.positions.get(id(node))
            if positions is None:
                positions = self.file.positions[id(node)] = key_positions(node)
            known = self._key_cache[id(node)] = (positions, any(k.tag == _MERGE for k, _ in node.value))
        return known

    def _has_alias(self, number: int, piece: str) -> bool:
        """Whether a node of the document is used in more than one place (an alias)."""
        if "*" not in piece:
            return False
        view = self.file.view(number)
        view.shared(view.root)  # counts every node's uses once per document
        return view.has_alias()

    def _region(self, kind: str, node: yaml.CollectionNode, first: yaml.Node, key: yaml.Node | None, path: tuple,
                start: int, end: int, first_line: int) -> Region | None:
        index = self.file.index
        line, column = first.start_mark.line, first.start_mark.column
        head = index.line_text(line)[:column]
        if kind == "map":
            if key is None or line <= key.start_mark.line or head.strip():
                return None
        elif not _DASH_PREFIX.fullmatch(head) or (kind == "seq" and (key is None or line <= key.start_mark.line)):
            return None
        mark = node.start_mark
        if kind != "seq" and (mark.line, mark.column) != (line, column):
            return None  # an anchor or a tag before the first key: it would not be read again
        if kind == "seq" and (mark.line, mark.column) != (line, len(head.rstrip(" \t")) - 1):
            return None
        region_start = index.line_start(line)
        stop = index.mark_offset(node.end_mark)
        if stop > end:
            return None
        region_end = end if stop >= end else index.line_start(index.line_of(stop))
        if region_end <= region_start:
            return None
        floor = region_start
        if kind == "item":
            floor = region_start + len(head.rstrip(" \t"))  # just after the dash
        elif kind == "seq":
            column = len(head.rstrip(" \t")) - 1  # the dash
        return Region(node, path, len(path), kind, region_start - start, region_end - start, floor - start,
                      line - first_line, column)

    @staticmethod
    def holding(regions: list[Region], low: int, high: int) -> list[Region]:
        """The regions (innermost first) that hold every change, from ``low`` to ``high``
        in the original slice's offsets."""
        return [r for r in reversed(regions) if r.floor <= low and high <= r.end]

    # -- planning in a region -----------------------------------------------------------

    def read_region(self, region: Region, text: str, delta: int) -> yaml.CollectionNode | None:
        """The region's node as ``text`` (the patched slice, ``delta`` longer than the
        original one) has it, read alone; None when it does not read as the same kind of
        collection at the same place (the caller then reads the whole slice)."""
        body = text[region.start:region.end + delta]
        if not _whole_lines(body, region.end + delta, text) or self._anchor_clash(body):
            return None
        try:
            roots = compose_roots("\n" * region.line + body)
        except (Unpatchable, RecursionError):
            return None
        root = _region_root(roots, region.kind, unwrap_item=True)
        if root is None:
            return None
        first = root.value[0][0] if isinstance(root, yaml.MappingNode) else root
        at_column = first.start_mark.column if region.kind != "seq" else root.start_mark.column
        if first.start_mark.line != region.line or at_column != region.column:
            return None
        return root

    def _anchor_clash(self, body: str) -> bool:
        """Whether ``body`` may name an anchor that the rest of the document names too
        (read alone, a duplicate anchor would go unseen)."""
        return "&" in body and "&" in self.file.text  # the whole file's text: cheap, and anchors are rare

    def _graft(self, number: int, region: Region, node: yaml.CollectionNode,
               positions: dict[int, dict[str, int]]) -> yaml.Node:
        """The document's root with the region's node replaced by ``node``: the nodes
        above it are copies without marks (planning must not read them, see ``plan_in``);
        their key positions go into ``positions``."""
        chain: list[yaml.CollectionNode] = []
        current: yaml.Node = self.file.roots[number]
        for element in region.path[:-1]:
            if not isinstance(current, yaml.CollectionNode):
                raise Unpatchable("a region's path does not lead through collections")  # cannot happen
            chain.append(current)
            if isinstance(current, yaml.MappingNode):
                current = current.value[self._keys(current)[0][element]][1]
            else:
                current = current.value[element]
        if not isinstance(current, yaml.CollectionNode):
            raise Unpatchable("a region's path does not lead through collections")  # cannot happen
        chain.append(current)
        child: yaml.Node = node
        for holder, element in zip(reversed(chain), reversed(region.path), strict=True):
            items = list(holder.value)
            if isinstance(holder, yaml.MappingNode):
                keys = self._keys(holder)[0]
                position = keys[element]
                items[position] = (items[position][0], child)
                child = yaml.MappingNode(holder.tag, items, None, None, holder.flow_style)
                positions[id(child)] = keys
            else:
                items[element] = child
                child = yaml.SequenceNode(holder.tag, items, None, None, holder.flow_style)
        return child

    def plan_in(self, number: int, region: Region, current: str, delta: int, op: PatchOp) -> Splice | None:
        """The splice of ``op`` planned on the region read alone, or None when that
        cannot stand for the whole slice (the caller then reads the whole slice)."""
        node = self.read_region(region, current, delta)
        if node is None:
            return None
        positions: dict[int, dict[str, int]] = {}
        file = self.file
        document = DocumentText(current, self._graft(number, region, node, positions), file.style, file.json_file)
        document.known_positions = positions
        if "*" not in current[region.start:region.end + delta]:
            document.may_alias = False  # the original has no alias (or no region), and the region gained none
        steps = document.walk(op.path)
        found = len(steps) - 1
        # The nodes whose marks planning reads must lie inside the region: the holder of
        # a new key or item, the holder of a replaced or filled value, and for a removal
        # up to the holder of the collection it may empty.
        if op.op == "remove":
            inside = len(op.path) - 3 >= region.depth
        elif (found < len(op.path) and isinstance(steps[-1].node, (yaml.MappingNode, yaml.SequenceNode))) or (
                op.op == "append" and isinstance(steps[-1].node, yaml.SequenceNode)):
            inside = found >= region.depth
        else:
            inside = found - 1 >= region.depth
        if not inside:
            return None
        return document.plan(op, steps)

    # -- reading back in a region -------------------------------------------------------

    def read_back_in(self, number: int, regions: list[Region], text: str, delta: int, low: int, high: int,
                     expected: Any, original: Any) -> bool:
        """Whether the entries of the innermost region that hold every change (from
        ``low`` to ``high``, original offsets) read back, alone, as the expected data
        there, and nothing outside them was meant to change. False means: not shown here
        (the caller reads the whole slice back).

        The entries are whole lines, from the line of one entry's key (or dash) to the
        line of the next entry that follows the changes: the text before them is the
        author's, so the parser reaches them in the state where it expects an entry at
        that column; the entry after them starts at that column, so it closes whatever
        they hold in both readings. With no entry touched, only the inserted lines are read.
        """
        for region in self.holding(regions, low, high)[:1]:
            entries = self._entry_bounds(number, region)
            if entries is None:
                return False
            bounds, lines = entries
            first = max((i for i, bound in enumerate(bounds) if bound is not None and bound <= low), default=None)
            last = min((i for i, bound in enumerate(bounds) if bound is not None and bound >= high), default=None)
            if first is None or last is None or first > last:
                return False
            begin, stop = bounds[first], bounds[last]
            if begin is None or stop is None:
                return False  # cannot happen: both were chosen among the known bounds
            if first == 0 and low < region.floor:
                return False
            if begin and text[begin - 1] not in _BREAKS:
                return False  # the end of a slice without a final line break: not a line start
            body = text[begin:stop + delta]
            if not _whole_lines(body, stop + delta, text) or self._anchor_clash(body):
                return False
            read = self._read_entries(region, first, lines[first], body)
            if read is None:
                return False
            want, had = expected, original
            for element in region.path:
                if not _same_beside(want, had, element):
                    return False
                want, had = want[element], had[element]
            return _same_spliced(want, had, region, first, last, read)
        return False

    def _entry_bounds(self, number: int, region: Region) -> tuple[list[int | None], list[int]] | None:
        """Slice offsets where each entry's lines start (None where an entry shares its
        line with other text), then the region's end, with their slice-relative lines;
        None when the region's own entries cannot be told apart (merge or duplicate keys)."""
        key = (number, region.path)
        if key in self._bounds:
            return self._bounds[key]
        node, index = region.node, self.file.index
        base = self.file.bounds(number)[0]
        shift = index.line_of(base)
        bounds: list[int | None] = [region.start]
        lines = [region.line]
        found: tuple[list[int | None], list[int]] | None = (bounds, lines)
        if isinstance(node, yaml.MappingNode):
            texts = set()
            for position, (key_node, _) in enumerate(node.value):
                if key_node.tag == _MERGE:
                    found = None
                    break
                texts.add(key_text(key_node))
                if position:
                    mark = key_node.start_mark
                    blank = not index.line_text(mark.line)[:mark.column].strip()
                    bounds.append(index.line_start(mark.line) - base if blank else None)
                    lines.append(mark.line - shift)
            if found is not None and len(texts) != len(node.value):
                found = None
        else:
            for item in node.value[1:]:
                mark = item.start_mark
                dash = _DASH_PREFIX.fullmatch(index.line_text(mark.line)[:mark.column])
                bounds.append(index.line_start(mark.line) - base if dash else None)
                lines.append(mark.line - shift)
        if found is not None:
            bounds.append(region.end)
            lines.append(index.line_of(region.end + base) - shift)
        self._bounds[key] = found
        return found

    def _read_entries(self, region: Region, first: int, line: int, body: str) -> Any:
        """The data of ``body`` (whole entries of the region, as patched) read alone:
        a dict of entries (mappings) or a list of items (lists); None when it does not
        read as such, starting where the entries start."""
        if not body:
            return [] if region.kind == "seq" else {}
        try:
            roots = compose_roots("\n" * line + body)
        except (Unpatchable, RecursionError):
            return None
        root = _region_root(roots, region.kind, unwrap_item=first == 0)
        if root is None:
            return None
        head = root.value[0][0] if isinstance(root, yaml.MappingNode) else root
        if (head.start_mark.line, head.start_mark.column) != (line, region.column):
            return None
        try:
            return Builder(may_alias="*" in body).build(root)
        except NodeError:
            return None


def _whole_lines(body: str, end: int, text: str) -> bool:
    """Whether ``body``, which ends at ``end`` of ``text``, ends where a line ends (the
    line after it is then the author's line, as it was) and holds no document marker."""
    if _MARKER.search(body):
        return False
    return not body or end >= len(text) or body[-1] in _BREAKS


def _line_aligned(original: str, current: str, at: int, tail: int) -> int:
    """Where a pure insertion at ``at`` (``tail`` characters of ``current`` after it
    are the original's) may as well be placed: slid right, as the same text, up to the
    start of a line when it begins with what follows it (an insertion at the end of a
    line that starts with a line break is one of whole lines at the start of the next)."""
    inserted = current[at:len(current) - tail]
    while inserted and at < len(original) and at > 0 and original[at - 1] != "\n" \
            and inserted[0] == original[at]:
        inserted = inserted[1:] + inserted[0]
        at += 1
    return at


def _common_path(ops: Sequence[PatchOp]) -> tuple:
    common = ops[0].path if ops else ()
    for op in ops[1:]:
        size = 0
        for a, b in zip(common, op.path, strict=False):
            if a != b or type(a) is not type(b):
                break
            size += 1
        common = common[:size]
    return tuple(common)


def _same_spliced(want: Any, had: Any, region: Region, first: int, last: int, read: Any) -> bool:
    """Whether ``want`` is ``had`` with its entries ``first`` to ``last - 1`` replaced by
    ``read`` (the same kind of collection)."""
    if isinstance(had, list):
        if type(want) is not list or type(read) is not list or len(had) != len(region.node.value):
            return False
        kept_tail = len(had) - last
        if len(want) != first + len(read) + kept_tail:
            return False
        return (all(want[i] is had[i] or same(want[i], had[i]) for i in range(first))
                and all(same(want[first + i], item) for i, item in enumerate(read))
                and all(want[len(want) - kept_tail + i] is had[last + i] or same(want[len(want) - kept_tail + i],
                                                                              had[last + i])
                        for i in range(kept_tail)))
    if not isinstance(had, dict) or type(want) is not dict or type(read) is not dict:
        return False
    replaced = {key_text(key) for key, _ in region.node.value[first:last]}
    kept = [key for key in had if key not in replaced]
    if len(kept) + len(replaced) != len(had) or any(key in read for key in kept):
        return False
    if len(want) != len(kept) + len(read):
        return False
    return (all(key in want and (want[key] is had[key] or same(want[key], had[key])) for key in kept)
            and all(key in want and same(want[key], value) for key, value in read.items()))


def _same_beside(want: Any, had: Any, element: Any) -> bool:
    """Whether ``want`` and ``had`` agree everywhere but under ``element``."""
    if isinstance(had, dict):
        if type(want) is not dict or want.keys() != had.keys() or element not in had:
            return False
        return all(k == element or want[k] is had[k] or same(want[k], had[k]) for k in had)
    if isinstance(had, list):
        if type(want) is not list or len(want) != len(had) or not 0 <= element < len(had):
            return False
        return all(i == element or want[i] is had[i] or same(want[i], had[i]) for i in range(len(had)))
    return False


def _region_root(roots: list[yaml.Node], kind: str, unwrap_item: bool) -> yaml.CollectionNode | None:
    """The one non-empty block collection a region's text reads as: a sequence for a
    ``seq`` region, otherwise a mapping (an ``item`` region's mapping is first taken out
    of its one-item sequence when ``unwrap_item``); None when it reads as anything else."""
    if len(roots) != 1:
        return None
    root = roots[0]
    if kind == "item" and unwrap_item:
        if not (isinstance(root, yaml.SequenceNode) and not root.flow_style and len(root.value) == 1):
            return None
        root = root.value[0]
        wanted: type = yaml.MappingNode
    else:
        wanted = yaml.SequenceNode if kind == "seq" else yaml.MappingNode
    if not isinstance(root, wanted) or not isinstance(root, yaml.CollectionNode) or root.flow_style or not root.value:
        return None
    return root
