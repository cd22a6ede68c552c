"""Apply patches to plain data, as kustomize would, so later JSON pointers resolve against
the object as it is at that step (an earlier op may have inserted a list item)."""

from __future__ import annotations

import copy
from typing import Any

from kspm_lint.kustomize.semantic import is_merge_list, merge_key


def strategic_merge(target: Any, patch: Any, field: str | None = None) -> Any:
    """``patch`` merged into ``target`` (a new value; neither argument is changed)."""
    if isinstance(patch, dict):
        directive = patch.get("$patch")
        if directive == "delete":
            return None
        if directive == "replace" or not isinstance(target, dict):
            return {k: copy.deepcopy(v) for k, v in patch.items() if not str(k).startswith("$")}
        merged = dict(target)
        for key, value in patch.items():
            if str(key).startswith("$"):
                continue
            if value is None:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = strategic_merge(merged[key], value, key)
            else:
                merged[key] = strategic_merge(None, value, key)
        return merged
    if isinstance(patch, list) and is_merge_list(field, patch) and isinstance(target, list):
        result = list(target)
        for item in patch:
            key = merge_key(field, item)
            if key is None:
                continue
            index = next((i for i, old in enumerate(result) if isinstance(old, dict) and old.get(key) == item[key]),
                         None)
            if isinstance(item, dict) and item.get("$patch") == "delete":
                if index is not None:
                    del result[index]
            elif index is None:
                result.append(strategic_merge(None, item, None))
            else:
                result[index] = strategic_merge(result[index], item, None)
        return result
    return copy.deepcopy(patch)


def _parent(data: Any, path: tuple) -> Any:
    for element in path[:-1]:
        data = data[element]
    return data


def json_op(data: Any, op: str, path: tuple, value: Any = None, source: tuple | None = None) -> Any:
    """``data`` after one JSON 6902 operation (in place where possible); unchanged when the
    operation does not apply (the engine reports those)."""
    try:
        if op == "copy" and source is not None:
            value, op = copy.deepcopy(_parent(data, (*source, None))), "add"
        elif op == "move" and source is not None:
            value = _parent(data, (*source, None))
            data = json_op(data, "remove", source)
            op = "add"
        if not path:
            return copy.deepcopy(value) if op in ("add", "replace") else data
        parent, last = _parent(data, path), path[-1]
        if op == "add":
            if isinstance(parent, list):
                parent.insert(int(last), copy.deepcopy(value))
            else:
                parent[last] = copy.deepcopy(value)
        elif op == "replace":
            parent[last] = copy.deepcopy(value)
        elif op == "remove":
            del parent[last]
    except (KeyError, IndexError, TypeError, ValueError):
        pass
    return data
