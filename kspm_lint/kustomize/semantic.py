"""Paths that survive list merging: a list item named by its merge key, not its index.

A strategic-merge patch names a container by ``name``, the rendered object by index; both
become ``containers[name=web]`` here, so a patch field and a rendered field compare equal.
"""

from __future__ import annotations

from typing import Any

from kspm_lint.location import Path

SemanticElement = str | int | tuple[str, str]
SemanticPath = tuple[SemanticElement, ...]

# The merge keys of the Kubernetes API's strategic-merge lists that pod specs use.
MERGE_KEYS: dict[str, tuple[str, ...]] = {
    "containers": ("name",),
    "initContainers": ("name",),
    "ephemeralContainers": ("name",),
    "volumes": ("name",),
    "volumeMounts": ("mountPath",),
    "volumeDevices": ("devicePath",),
    "env": ("name",),
    "ports": ("containerPort", "port"),
    "imagePullSecrets": ("name",),
    "hostAliases": ("ip",),
    "resourceClaims": ("name",),
    "topologySpreadConstraints": ("topologyKey",),
}


def merge_key(field: object, item: Any) -> str | None:
    """The merge key that identifies ``item`` in list ``field``, when it has one."""
    if not isinstance(field, str) or not isinstance(item, dict):
        return None
    for key in MERGE_KEYS.get(field, ()):
        if key in item:
            return key
    return None


def is_merge_list(field: object, items: Any) -> bool:
    return isinstance(field, str) and field in MERGE_KEYS and isinstance(items, list)


def semantic(data: Any, path: Path) -> SemanticPath:
    """``path`` in ``data`` with each merge-list index replaced by ``(key, value)``."""
    out: list[SemanticElement] = []
    node = data
    parent: object = None
    for element in path:
        if isinstance(element, int) and isinstance(node, list):
            item = node[element] if 0 <= element < len(node) else None
            key = merge_key(parent, item)
            out.append((key, str(item[key])) if key and isinstance(item, dict) else element)
            node = item
        else:
            out.append(element)
            node = node.get(element) if isinstance(node, dict) and isinstance(element, str) else None
        parent = element
    return tuple(out)


def concrete(data: Any, path: SemanticPath) -> Path | None:
    """The index path of ``path`` in ``data``; None when some step is not there."""
    out: list[str | int] = []
    node = data
    for element in path:
        if isinstance(element, tuple):
            if not isinstance(node, list):
                return None
            key, value = element
            for index, item in enumerate(node):
                if isinstance(item, dict) and str(item.get(key)) == value:
                    out.append(index)
                    node = item
                    break
            else:
                return None
        elif isinstance(element, int):
            if not isinstance(node, list) or not 0 <= element < len(node):
                return None
            out.append(element)
            node = node[element]
        else:
            if not isinstance(node, dict) or element not in node:
                return None
            out.append(element)
            node = node[element]
    return tuple(out)


def leaves(data: Any, prefix: Path = ()) -> list[Path]:
    """Every path in ``data`` (mappings, sequences and scalars), parents first."""
    found: list[Path] = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(leaves(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(leaves(value, (*prefix, index)))
    return found


def is_under(path: SemanticPath, ancestor: SemanticPath) -> bool:
    return path[: len(ancestor)] == ancestor
