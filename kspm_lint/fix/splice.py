"""One PatchOp on one document becomes one text splice, computed from node marks.

Nothing is re-dumped: the splice replaces the smallest piece of text that carries the
change (a scalar, the lines of one entry, an insertion point at the end of a line),
so every byte outside it is the author's by construction: comments, quotes, flow
style, blank lines, line breaks and document markers all stay. The node tree comes
from PyYAML's composer, which keeps exact marks for every node.

Aliases are never expanded. A node written once and referred to elsewhere (an anchor
with aliases, a merge key) is shared: editing it would change every place that uses
it, so a patch that has to go through one is refused with a reason.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

import yaml

from kspm_lint.fix import emit, placement
from kspm_lint.fix.model import PatchOp
from kspm_lint.fix.style import Style
from kspm_lint.fix.text import LineIndex
from kspm_lint.location import Path, format_path
from kspm_lint.parsing.nodes import effective_pairs, key_text

_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_DASH_PREFIX = re.compile(r"[ \t]*-[ \t]*")
_ALIAS_NAME_END = re.compile(r"[\s,\[\]{}]")
_BREAKS = "\r\n\x85\u2028\u2029"


def key_positions(node: yaml.MappingNode) -> dict[str, int]:
    """Key text -> position of the last entry with that key (merge keys left out)."""
    return {key_text(key): position for position, (key, _) in enumerate(node.value) if key.tag != _MERGE}


class Unpatchable(Exception):
    """The op cannot be written into this text safely; the message says why."""


@dataclass(frozen=True)
class Splice:
    """Replace ``text[start:end]`` with ``text``."""

    start: int
    end: int
    text: str


@dataclass
class Step:
    """One node on a path: its holder, its key node (mappings) and its index in the holder."""

    node: yaml.Node
    holder: yaml.Node | None = None
    key: yaml.Node | None = None
    index: int = 0


def _flow(node: yaml.Node) -> bool:
    """Whether a collection is written in flow style (``{...}``, ``[...]``)."""
    return bool(getattr(node, "flow_style", False))


def _nest(keys: Path, value: Any) -> Any:
    for key in reversed(keys):
        value = {key: value}
    return value


class DocumentText:
    """A document's node tree over the text it was composed from."""

    def __init__(self, text: str, root: yaml.Node, style: Style, json_file: bool,
                 index: LineIndex | None = None) -> None:
        self.text = text
        self.root = root
        self.style = style
        self.json_file = json_file
        self.index = index or LineIndex(text)
        self.may_alias = "*" in text  # no "*": no alias, nothing shared
        self._refs: dict[int, int] | None = None
        # id(mapping node) -> key_positions(node), for nodes alive as long as this object
        self.known_positions: dict[int, dict[str, int]] = {}

    # -- positions -------------------------------------------------------------------

    def start(self, node: yaml.Node) -> int:
        return self.index.mark_offset(node.start_mark)

    def end(self, node: yaml.Node) -> int:
        return self.index.mark_offset(node.end_mark)

    def shared(self, node: yaml.Node) -> bool:
        """Whether the node is written once and used more than once (anchor + aliases)."""
        if not self.may_alias:
            return False  # no "*" in the text, so no alias and nothing is shared
        if self._refs is None:
            refs: dict[int, int] = {}

            def count(current: yaml.Node) -> None:
                refs[id(current)] = refs.get(id(current), 0) + 1
                if refs[id(current)] > 1 or isinstance(current, yaml.ScalarNode):
                    return
                if isinstance(current, yaml.MappingNode):
                    for key, value in current.value:
                        count(key)
                        count(value)
                else:
                    for item in current.value:
                        count(item)

            count(self.root)
            self._refs = refs
        return self._refs.get(id(node), 0) > 1

    def has_alias(self) -> bool:
        """Whether any node of the document is used in more than one place."""
        self.shared(self.root)
        return any(count > 1 for count in (self._refs or {}).values())

    def _is_alias_value(self, key: yaml.Node, value: yaml.Node) -> bool:
        """An alias's node carries its anchor's marks, which lie before the key."""
        return self.start(value) < self.end(key)

    def _after_colon(self, key: yaml.Node) -> int:
        position = self.end(key)
        text = self.text
        while position < len(text) and text[position] in " \t":
            position += 1
        if position >= len(text) or text[position] != ":":
            raise Unpatchable("cannot find the ':' after a key (complex key syntax)")
        return position + 1

    def _alias_end(self, key: yaml.Node) -> int:
        position = self._after_colon(key)
        text = self.text
        while position < len(text) and text[position] in " \t":
            position += 1
        if position >= len(text) or text[position] != "*":
            raise Unpatchable("an alias next to the patch could not be located")
        match = _ALIAS_NAME_END.search(text, position + 1)
        return match.start() if match else len(text)

    def content_end(self, node: yaml.Node, key: yaml.Node | None = None) -> int:
        """Offset just after the last character of the node's own text."""
        if key is not None and self._is_alias_value(key, node):
            return self._alias_end(key)
        if isinstance(node, yaml.ScalarNode):
            end = self.end(node)
            if getattr(node, "style", None) in ("|", ">"):
                start = self.start(node)
                header = self.text[start:self.index.line_end(self.index.line_of(start))].split("#")[0]
                if "+" in header:  # "keep" chomping: the trailing blank lines are content
                    return end - 1 if end > start and self.text[end - 1] in _BREAKS else end
                while end > start and self.text[end - 1] in " \t" + _BREAKS:
                    end -= 1
            return end
        if _flow(node) or not node.value:
            return self.end(node)
        if isinstance(node, yaml.MappingNode):
            last_key, last_value = node.value[-1]
            return self.content_end(last_value, last_key)
        return self._item_end(node, len(node.value) - 1)

    def _item_end(self, sequence: yaml.Node, index: int) -> int:
        item = sequence.value[index]
        floor = self.start(sequence) if index == 0 else self.start(sequence.value[index - 1])
        if self.start(item) < floor:
            raise Unpatchable("an alias in a list next to the patch could not be located")
        return self.content_end(item)

    def _skip_inner_comments(self, line: int, column: int) -> int:
        """Comment lines indented deeper than ``column`` after ``line`` belong to it."""
        while line + 1 < self.index.line_count:
            following = self.index.line_text(line + 1)
            stripped = following.lstrip(" ")
            if stripped.startswith("#") and len(following) - len(stripped) > column:
                line += 1
            else:
                break
        return line

    def _brackets(self, node: yaml.Node) -> tuple[int, int]:
        """Offsets of a flow collection's opening bracket and of its closing one."""
        opener = "{" if isinstance(node, yaml.MappingNode) else "["
        open_at = self.text.find(opener, self.start(node), self.end(node))
        close_at = self.end(node) - 1
        if open_at < 0 or self.text[close_at] not in "}]":
            raise Unpatchable("cannot find the brackets of a flow collection")
        return open_at, close_at

    def _json_style(self, node: yaml.Node) -> bool:
        if self.json_file:
            return True
        first = None
        if isinstance(node, yaml.MappingNode) and node.value:
            first = node.value[0][0]
        elif isinstance(node, yaml.SequenceNode) and node.value:
            first = node.value[0]
        return first is not None and self.text[self.start(first)] in "\"{"

    # -- walking ---------------------------------------------------------------------

    def positions(self, node: yaml.MappingNode) -> dict[str, int]:
        """Key text -> position of the last entry with that key (merge keys left out)."""
        found = self.known_positions.get(id(node))
        if found is None:
            found = self.known_positions[id(node)] = key_positions(node)
        return found

    def walk(self, path: Path) -> list[Step]:
        """Steps along ``path`` as far as it is written; refuses to pass a shared node."""
        steps = [Step(self.root)]
        if self.shared(self.root):
            raise Unpatchable("the document root is an alias")
        node = self.root
        for element in path:
            if isinstance(node, yaml.MappingNode) and isinstance(element, str):
                found = self.positions(node).get(element)
                if found is None:
                    if element in effective_pairs(node):
                        raise Unpatchable(f"'{element}' comes from a merge key (<<: *anchor); "
                                          "patching it would change the anchor")
                    break
                key, value = node.value[found]
                step = Step(value, node, key, found)
            elif isinstance(node, yaml.SequenceNode) and isinstance(element, int) \
                    and 0 <= element < len(node.value):
                step = Step(node.value[element], node, None, element)
            else:
                break
            if self.shared(step.node):
                raise Unpatchable(f"{format_path(path[:len(steps)])} is an anchor or alias used in "
                                  "more than one place; patching it would change every use")
            steps.append(step)
            node = step.node
        return steps

    # -- planning --------------------------------------------------------------------

    def plan(self, op: PatchOp, steps: list[Step] | None = None) -> Splice:
        """The splice of ``op``; ``steps``: ``walk(op.path)`` when already taken."""
        if steps is None:
            steps = self.walk(op.path)
        found = len(steps) - 1
        if op.op == "remove":
            if found < len(op.path):
                raise Unpatchable(f"nothing to remove at {format_path(op.path)}")
            return self._remove(steps, op.prune)
        value = [op.value] if op.op == "append" else op.value
        if found == len(op.path):
            target = steps[-1]
            if op.op == "append" and isinstance(target.node, yaml.SequenceNode):
                return self._append(target, op.path, op.value)
            if isinstance(target.node, yaml.ScalarNode):
                if isinstance(value, (dict, list)):
                    if target.node.tag == _NULL:
                        return self._fill_null(target, value)
                elif op.op == "set":
                    return self._replace_scalar(target, value)
            raise Unpatchable(f"{format_path(op.path)} holds a {type(target.node).__name__[:-4].lower()} "
                              "that this fix would have to replace whole")
        rest = op.path[found:]
        if not all(isinstance(element, str) for element in rest):
            raise Unpatchable(f"{format_path(op.path)}: a list item on the way is missing")
        holder = steps[-1]
        nested = _nest(rest[1:], value)
        if isinstance(holder.node, yaml.MappingNode):
            return self._insert(holder, op.path[:found], str(rest[0]), nested)
        if isinstance(holder.node, yaml.ScalarNode) and holder.node.tag == _NULL:
            return self._fill_null(holder, {rest[0]: nested})
        raise Unpatchable(f"{format_path(op.path[:found])} is not a mapping")

    def _replace_scalar(self, step: Step, value: Any) -> Splice:
        node = step.node
        start, end = self.start(node), self.content_end(node)
        style = getattr(node, "style", None)
        quote = style if style in ("'", '"') else None
        text = emit.scalar(value, self.json_file, quote)
        if start == end:  # an empty value right after "key:" or "-"
            text = " " + text
        return Splice(start, end, text)

    def _fill_null(self, step: Step, value: Any) -> Splice:
        """Replace a null (``key:``, ``key: ~``) with a mapping or list."""
        node = step.node
        start, end = self.start(node), self.end(node)
        holder = step.holder
        if value and step.key is not None and isinstance(holder, yaml.MappingNode) and not _flow(holder) \
                and not self.json_file:
            colon = self._after_colon(step.key)
            line = self.index.line_of(colon)
            line_end = self.index.line_end(line)
            if end <= line_end and not self.text[colon:start].strip() and not self.text[end:line_end].strip():
                column = step.key.start_mark.column
                if isinstance(value, dict):
                    lines, pad = emit.block_mapping(value, self.style), column + self.style.map_step
                else:
                    lines, pad = emit.block_sequence(value, self.style), column + self.style.seq_offset
                eol = self.style.eol
                return Splice(colon, line_end, "".join(eol + " " * pad + line for line in lines))
        text = emit.flow(value, self._json_style(holder) if holder is not None else self.json_file)
        return Splice(start, end, " " + text if start == end else text)

    def _insert(self, step: Step, path: Path, key: str, value: Any) -> Splice:
        mapping = step.node
        keys = [key_text(k) for k, _ in mapping.value]
        if _flow(mapping) or self.json_file:
            return self._insert_flow(mapping, path, keys, key, value)
        where, position = placement.choose(path, keys, key)
        column = mapping.value[0][0].start_mark.column
        lines = emit.block_entry(key, value, self.style)
        eol, pad = self.style.eol, " " * column
        if where == "after":
            anchor_key, anchor_value = mapping.value[position]
            line = self.index.line_of(self.content_end(anchor_value, anchor_key))
            offset = self.index.line_end(self._skip_inner_comments(line, column))
            return Splice(offset, offset, "".join(eol + pad + text for text in lines))
        offset = self.start(mapping.value[position][0])
        line = self.index.line_of(offset)
        if self.text[self.index.line_start(line):offset].strip():  # "- key:": stay inside the item
            return Splice(offset, offset, lines[0] + "".join(eol + pad + text for text in lines[1:]) + eol + pad)
        # Comment lines right above the key, not indented deeper, are about it (a suppression
        # comment, too): go above them.
        while line > 0:
            above = self.index.line_text(line - 1)
            stripped = above.lstrip(" ")
            if not stripped.startswith("#") or len(above) - len(stripped) > column:
                break
            line -= 1
        offset = self.index.line_start(line)
        return Splice(offset, offset, "".join(pad + text + eol for text in lines))

    def _separator(self, node: yaml.Node, starts: list[int]) -> str:
        """", " for a one-line flow collection, "," + newline + indentation for a tall one."""
        open_at, _ = self._brackets(node)
        lines = {self.index.line_of(offset) for offset in [open_at, *starts]}
        if len(lines) == 1:
            return ", "
        column = starts[-1] - self.index.line_start(self.index.line_of(starts[-1]))
        return "," + self.style.eol + " " * column

    def _insert_flow(self, mapping: yaml.Node, path: Path, keys: list[str], key: str,
                     value: Any) -> Splice:
        entry = emit.flow_entry(key, value, self._json_style(mapping))
        if not mapping.value:
            open_at, close_at = self._brackets(mapping)
            return Splice(open_at + 1, close_at, entry)
        separator = self._separator(mapping, [self.start(k) for k, _ in mapping.value])
        where, position = placement.choose(path, keys, key)
        anchor_key, anchor_value = mapping.value[position]
        if where == "after":
            offset = self.content_end(anchor_value, anchor_key)
            return Splice(offset, offset, separator + entry)
        offset = self.start(anchor_key)
        return Splice(offset, offset, entry + separator)

    def _append(self, step: Step, path: Path, value: Any) -> Splice:
        sequence = step.node
        items = sequence.value
        if _flow(sequence) or self.json_file:
            text = emit.flow(value, self._json_style(sequence))
            if not items:
                open_at, close_at = self._brackets(sequence)
                return Splice(open_at + 1, close_at, text)
            offset = self._item_end(sequence, len(items) - 1)
            return Splice(offset, offset, self._separator(sequence, [self.start(i) for i in items]) + text)
        last = items[-1]
        head = self.index.line_text(last.start_mark.line)[:last.start_mark.column]
        if not _DASH_PREFIX.fullmatch(head):
            raise Unpatchable(f"{format_path(path)}: the last list item shares its line with other text")
        dash = head.rstrip().rfind("-")
        style = self.style
        if isinstance(last, yaml.MappingNode) and not _flow(last) and last.start_mark.column - dash >= 2:
            style = dataclasses.replace(style, item_offset=last.start_mark.column - dash)
        line = self._skip_inner_comments(self.index.line_of(self._item_end(sequence, len(items) - 1)), dash)
        offset = self.index.line_end(line)
        lines = emit.block_item(value, style)
        return Splice(offset, offset, "".join(style.eol + " " * dash + text for text in lines))

    # -- removal ---------------------------------------------------------------------

    def _remove(self, steps: list[Step], prune: bool) -> Splice:
        target = steps[-1]
        if prune and len(steps) >= 3 and isinstance(target.holder, yaml.MappingNode) \
                and len(target.holder.value) == 1 and isinstance(steps[-2].holder, yaml.MappingNode):
            target = steps[-2]
        holder = target.holder
        if holder is None:
            raise Unpatchable("cannot remove the document itself")
        holder_step = next(step for step in steps if step.node is holder)
        if len(holder.value) == 1:
            return self._empty_out(holder_step)
        if _flow(holder):
            return self._remove_flow(holder, target.index)
        if isinstance(holder, yaml.MappingNode):
            key, value = holder.value[target.index]
            return self._remove_block(self.start(key), self.content_end(value, key), holder, target.index)
        item = holder.value[target.index]
        return self._remove_block(self.start(item), self._item_end(holder, target.index), holder, target.index)

    def _entry_start(self, holder: yaml.Node, index: int) -> int:
        entry = holder.value[index]
        return self.start(entry[0] if isinstance(holder, yaml.MappingNode) else entry)

    def _entry_end(self, holder: yaml.Node, index: int) -> int:
        if isinstance(holder, yaml.MappingNode):
            key, value = holder.value[index]
            return self.content_end(value, key)
        return self._item_end(holder, index)

    def _remove_flow(self, holder: yaml.Node, index: int) -> Splice:
        if index + 1 < len(holder.value):
            return Splice(self._entry_start(holder, index), self._entry_start(holder, index + 1), "")
        return Splice(self._entry_end(holder, index - 1), self._entry_end(holder, index), "")

    def _remove_block(self, start: int, end: int, holder: yaml.Node, index: int) -> Splice:
        """Delete the whole lines of one block entry or item (with its comments)."""
        first = self.index.line_of(start)
        head = self.text[self.index.line_start(first):start]
        is_item = isinstance(holder, yaml.SequenceNode)
        if (not head.strip() and not is_item) or (is_item and _DASH_PREFIX.fullmatch(head)):
            last = self.index.line_of(end)
            begin, stop = self.index.line_start(first), self.index.next_line_start(last)
            if last == self.index.line_count - 1 and first > 0:
                begin = self.index.line_end(first - 1)  # keep the file's missing final newline
            return Splice(begin, stop, "")
        if not is_item and _DASH_PREFIX.fullmatch(head) and index == 0:
            # "- hostPort: 80\n  containerPort: 80": the next key moves up beside the dash.
            return Splice(start, self._entry_start(holder, 1), "")
        raise Unpatchable("the entry to remove shares its line with other text")

    def _empty_out(self, step: Step) -> Splice:
        """The removal empties a collection: write it as ``{}`` or ``[]``."""
        node = step.node
        if _flow(node):
            open_at, close_at = self._brackets(node)
            return Splice(open_at + 1, close_at, "")
        empty = "{}" if isinstance(node, yaml.MappingNode) else "[]"
        start, end = self.start(node), self.content_end(node)
        if step.key is not None:
            colon = self._after_colon(step.key)
            if not self.text[colon:start].strip():
                return Splice(colon, end, " " + empty)
        return Splice(start, end, empty)
