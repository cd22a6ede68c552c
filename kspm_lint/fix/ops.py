"""PatchOps applied to plain data: the meaning every text patch is checked against.

The text patcher and this module must agree exactly; after patching text, the file
is re-parsed and its data must equal what ``apply_ops`` says, or nothing is written.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from kspm_lint.fix.model import PatchOp
from kspm_lint.location import value_at


class OpError(Exception):
    """An op does not fit the data (a missing key to remove, a list where a mapping is needed)."""


get_path = value_at  # the value at a path in plain data, or None when a step is missing


def _container(data: Any, path: tuple, create: bool) -> Any:
    """The mapping or list holding ``path[-1]``; creates missing mappings when asked."""
    node = data
    for element in path[:-1]:
        if isinstance(node, dict) and isinstance(element, str):
            child = node.get(element)
            if child is None:
                if not create:
                    raise OpError(f"'{element}' is missing")
                child = node[element] = {}
            node = child
        elif isinstance(node, list) and isinstance(element, int) and 0 <= element < len(node):
            node = node[element]
        else:
            raise OpError(f"cannot step into {type(node).__name__} with {element!r}")
    return node


def apply_op(data: Any, op: PatchOp) -> bool:
    """Apply one op in place; return whether the data changed."""
    if not op.path:
        raise OpError("an op needs a path")
    last = op.path[-1]
    if op.op == "set":
        parent = _container(data, op.path, create=True)
        if isinstance(parent, dict) and isinstance(last, str):
            if last in parent and same(parent[last], op.value):
                return False
            parent[last] = copy.deepcopy(op.value)
            return True
        if isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
            if same(parent[last], op.value):
                return False
            parent[last] = copy.deepcopy(op.value)
            return True
        raise OpError(f"cannot set {last!r} in {type(parent).__name__}")
    if op.op == "append":
        parent = _container(data, op.path, create=True)
        if not isinstance(parent, dict) or not isinstance(last, str):
            raise OpError("append needs a list under a mapping key")
        items = parent.get(last)
        if items is None:
            parent[last] = [copy.deepcopy(op.value)]
            return True
        if not isinstance(items, list):
            raise OpError(f"'{last}' is not a list")
        if any(same(item, op.value) for item in items):
            return False
        items.append(copy.deepcopy(op.value))
        return True
    if op.op == "remove":
        parent = _container(data, op.path, create=False)
        in_mapping = isinstance(parent, dict) and isinstance(last, str) and last in parent
        in_list = isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent)
        if in_mapping or in_list:
            del parent[last]
        else:
            raise OpError(f"nothing to remove at {last!r}")
        if op.prune and isinstance(parent, dict) and not parent and len(op.path) >= 2:
            grand = _container(data, op.path[:-1], create=False)
            if isinstance(grand, dict) and isinstance(op.path[-2], str):
                del grand[op.path[-2]]
        return True
    raise OpError(f"unknown op '{op.op}'")


def _missing_from(data: Any, path: tuple) -> int | None:
    """How many leading path elements exist (with a non-null value); None if all do."""
    node = data
    for depth, element in enumerate(path):
        in_mapping = isinstance(node, dict) and isinstance(element, str) and node.get(element) is not None
        in_list = isinstance(node, list) and isinstance(element, int) and 0 <= element < len(node)
        if not (in_mapping or in_list):
            return depth
        node = node[element]
    return None


def _merge(into: dict, value: dict) -> bool:
    """Deep-merge ``value`` into ``into``; False (and nothing changed) on any clash."""
    for key, item in value.items():
        if key not in into:
            continue
        if isinstance(into[key], dict) and isinstance(item, dict):
            if not _merge(copy.deepcopy(into[key]), item):
                return False
        elif not same(into[key], item):
            return False
    for key, item in value.items():
        if key in into and isinstance(into[key], dict):
            _merge(into[key], item)
        else:
            into.setdefault(key, copy.deepcopy(item))
    return True


def coalesce(data: Any, ops: list[PatchOp]) -> list[PatchOp]:
    """Merge the sets that create keys under the same missing mapping into one set of the
    whole new mapping: the same data, written in one splice instead of one per key."""
    result: list[PatchOp] = []
    created: dict[tuple, int] = {}
    for op in ops:
        depth = _missing_from(data, op.path) if op.op == "set" and op.path else None
        if depth is None or depth >= len(op.path) - 1 or not all(isinstance(e, str) for e in op.path[depth:]):
            result.append(op)
            continue
        anchor = op.path[:depth + 1]
        value: Any = op.value
        for key in reversed(op.path[depth + 1:]):
            value = {key: value}
        known = created.get(anchor)
        if known is not None and isinstance(result[known].value, dict):
            merged = copy.deepcopy(result[known].value)
            if _merge(merged, value):
                result[known] = PatchOp("set", anchor, merged)
                continue
        created[anchor] = len(result)
        result.append(PatchOp("set", anchor, value))
    return result


def _child(node: Any, element: Any) -> Any:
    if isinstance(node, dict) and isinstance(element, str):
        return node.get(element)
    if isinstance(node, list) and isinstance(element, int) and 0 <= element < len(node):
        return node[element]
    return None


def detach(root: Any, path: tuple) -> None:
    """Shallow-copy, in ``root``, every mapping and list along ``path`` (the last one too):
    in-place edits there then leave the original data, which shares everything else,
    alone. Much cheaper than a deep copy of a whole document per fix."""
    node = root
    for element in path:
        child = _child(node, element)
        if not isinstance(child, (dict, list)):
            return
        node[element] = child = copy.copy(child)
        node = child


def apply_ops(data: Any, ops: Iterable[PatchOp]) -> Any:
    """A patched deep copy of ``data``."""
    result = copy.deepcopy(data)
    for op in ops:
        apply_op(result, op)
    return result


def same(a: Any, b: Any) -> bool:
    """Deep equality that keeps ``True``/``1``/``1.0`` and ``"1"`` apart, as manifests must."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b
