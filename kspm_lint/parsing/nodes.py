"""Turn PyYAML node trees into plain Python data with the API server's meaning.

PyYAML's C composer keeps every node's start and end mark; we construct values
ourselves so that (a) scalars resolve the way sigs.k8s.io/yaml reads them (YAML 1.1
booleans, including ``y``/``n``), (b) duplicate keys are seen, (c) no tag can build an
object, and (d) alias expansion is measured before anything is expanded.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from kspm_lint.location import Span

MAX_EXPANDED_NODES = 1_000_000

_T = "tag:yaml.org,2002:"
_MERGE = _T + "merge"
_SHORT_BOOLS = {"y": True, "Y": True, "n": False, "N": False}
_scalar_constructor = SafeConstructor()


class NodeError(Exception):
    """A document cannot be turned into data; carries where and why."""

    def __init__(self, message: str, span: Span) -> None:
        super().__init__(message)
        self.span = span


class DuplicateKey:
    """A key written twice in one mapping: where it is repeated and where it came first."""

    __slots__ = ("first", "key", "span")

    def __init__(self, key: str, span: Span, first: Span) -> None:
        self.key, self.span, self.first = key, span, first


def key_text(node: yaml.Node) -> str:
    """Mapping keys become strings, as they do on the way to JSON."""
    if isinstance(node, yaml.ScalarNode):
        value = scalar_value(node)
        if isinstance(value, bool):
            return "true" if value else "false"
        if value is None:
            return "null"
        return str(value)
    return str(node.value)


def scalar_value(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    if tag == _T + "str":
        if not node.style and node.value in _SHORT_BOOLS:
            return _SHORT_BOOLS[node.value]
        return node.value
    if tag == _T + "bool":
        return _scalar_constructor.construct_yaml_bool(node)
    if tag == _T + "int":
        return _scalar_constructor.construct_yaml_int(node)
    if tag == _T + "null":
        return None
    if tag == _T + "float":
        return _scalar_constructor.construct_yaml_float(node)
    # Timestamps, binary and custom tags (!Ref, !!python/...) stay text: never objects.
    return node.value


def _merge_sources(node: yaml.Node) -> list[yaml.MappingNode]:
    if isinstance(node, yaml.MappingNode):
        return [node]
    if isinstance(node, yaml.SequenceNode):
        return [item for item in node.value if isinstance(item, yaml.MappingNode)]
    return []


def effective_pairs(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """Key -> (key node, value node) with merge keys applied; later duplicates win."""
    explicit: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    merged: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE:
            for source in _merge_sources(value_node):
                for key, pair in effective_pairs(source).items():
                    merged.setdefault(key, pair)
            continue
        explicit[key_text(key_node)] = (key_node, value_node)
    if not merged:
        return explicit
    merged.update(explicit)
    return merged


def expanded_size(root: yaml.Node) -> int:
    """Count nodes as if every alias were expanded, without expanding anything."""
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()

    def size(node: yaml.Node) -> int:
        ident = id(node)
        known = sizes.get(ident)
        if known is not None:
            return known
        if isinstance(node, yaml.ScalarNode):
            return 1
        if ident in in_progress:
            raise NodeError("recursive alias: an anchor refers to itself", _span(node))
        in_progress.add(ident)
        total = 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                total += size(key_node) + size(value_node)
        else:
            for item in node.value:
                total += size(item)
        in_progress.discard(ident)
        sizes[ident] = total
        return total

    return size(root)


def _span(node: yaml.Node) -> Span:
    return Span.from_marks(node.start_mark, node.end_mark)


class Builder:
    """Construct data for one document, collecting duplicate keys on the way."""

    def __init__(self, may_alias: bool = True) -> None:
        self.duplicates: list[DuplicateKey] = []
        self.may_alias = may_alias  # no "*" in the text means no alias: skip the bomb check

    def build(self, root: yaml.Node) -> Any:
        try:
            total = expanded_size(root) if self.may_alias else 0
        except RecursionError:
            raise NodeError("document is nested too deeply to be a manifest", _span(root)) from None
        if total > MAX_EXPANDED_NODES:
            raise NodeError(
                f"aliases expand to {total:,} nodes (limit {MAX_EXPANDED_NODES:,}): "
                "an alias bomb ('billion laughs'); refusing to expand it",
                _span(root),
            )
        try:
            return self._value(root)
        except RecursionError:
            raise NodeError("document is nested too deeply to be a manifest", _span(root)) from None
        except (ConstructorError, ValueError) as exc:
            raise NodeError(f"bad scalar value: {exc}", _span(root)) from None

    def _value(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return scalar_value(node)
        if isinstance(node, yaml.SequenceNode):
            return [self._value(item) for item in node.value]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node)
        raise NodeError(f"unexpected YAML node ({type(node).__name__})", _span(node))

    def _mapping(self, node: yaml.MappingNode) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_keys: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                return self._merged_mapping(node)
            key = key_text(key_node)
            if key in result:
                self.duplicates.append(DuplicateKey(key, _span(key_node), _span(first_keys[key])))
            else:
                first_keys[key] = key_node
            result[key] = self._value(value_node)
        return result

    def _merged_mapping(self, node: yaml.MappingNode) -> dict[str, Any]:
        first_keys: dict[str, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:
                continue
            key = key_text(key_node)
            if key in first_keys:
                self.duplicates.append(DuplicateKey(key, _span(key_node), _span(first_keys[key])))
            else:
                first_keys[key] = key_node
        return {key: self._value(v) for key, (_, v) in effective_pairs(node).items()}


_DOC_START = re.compile(r"^---(?:[ \t]|$)", re.MULTILINE)


def next_document_offset(text: str, from_line: int, minimum: int) -> int | None:
    """Offset of the first ``---`` line at or after 0-based ``from_line``, past ``minimum``."""
    line_start = 0
    for _ in range(from_line):
        newline = text.find("\n", line_start)
        if newline < 0:
            return None
        line_start = newline + 1
    match = _DOC_START.search(text, max(line_start, minimum))
    return match.start() if match else None
