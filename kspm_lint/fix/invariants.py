"""Combinations a fix must never create: ones the API server or the kubelet refuses.

Each fix is sound alone, but some pairs are not: ``allowPrivilegeEscalation: false``
(a safe fix) on a container that keeps ``privileged: true`` (removed only by an
unsafe fix) is rejected by API validation, and so is ``CAP_SYS_ADMIN`` in
``capabilities.add``; ``runAsNonRoot: true`` with ``runAsUser: 0`` makes the kubelet
refuse to start the container. A patch that would introduce one of these is refused;
one the author already had is not ours to judge here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kspm_lint.workload import CONTAINER_LISTS


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _pod_specs(data: Any) -> Iterator[dict]:
    """Every mapping that holds containers, whatever kind wraps it."""
    if isinstance(data, dict):
        if any(isinstance(data.get(name), list) for name in CONTAINER_LISTS):
            yield data
        for value in data.values():
            yield from _pod_specs(value)
    elif isinstance(data, list):
        for item in data:
            yield from _pod_specs(item)


def conflicts(data: Any) -> set[str]:
    """Descriptions of every refused combination in a document's data."""
    found: set[str] = set()
    for spec in _pod_specs(data):
        found |= _spec_conflicts(spec)
    return found


def _spec_conflicts(spec: dict) -> set[str]:
    found: set[str] = set()
    pod_context = _mapping(spec.get("securityContext"))
    for list_name in CONTAINER_LISTS:
        items = spec.get(list_name)
        for item in items if isinstance(items, list) else []:
            container = _mapping(item)
            name = container.get("name", "?")
            context = _mapping(container.get("securityContext"))
            if context.get("allowPrivilegeEscalation") is False:
                if context.get("privileged") is True:
                    found.add(f"container '{name}' would have allowPrivilegeEscalation: false with "
                              "privileged: true, which the API server rejects (remove privileged first: "
                              "--unsafe-fixes)")
                added = _mapping(context.get("capabilities")).get("add")
                if isinstance(added, list) and "CAP_SYS_ADMIN" in added:
                    found.add(f"container '{name}' would have allowPrivilegeEscalation: false with "
                              "CAP_SYS_ADMIN added, which the API server rejects")
            non_root = context.get("runAsNonRoot", pod_context.get("runAsNonRoot"))
            user = context.get("runAsUser", pod_context.get("runAsUser"))
            if non_root is True and type(user) is int and user == 0:
                found.add(f"container '{name}' would have runAsNonRoot: true with runAsUser: 0, "
                          "which the kubelet refuses to start")
    return found


_NONE: frozenset[str] = frozenset()


class Conflicts:
    """``conflicts`` of one document's original data and of patched copies of it.

    A patched copy shares every mapping and list off the patched paths with the original
    (``ops.detach``): those parts are looked at once, here, and remembered by identity
    (the original data stays alive, so an identity always names the same object)."""

    def __init__(self, original: Any) -> None:
        self._known: dict[int, frozenset[str]] = {}
        self.original = self._of(original, self._known, remember=True)

    def of(self, data: Any) -> frozenset[str]:
        return self._of(data, self._known, remember=False)

    def _of(self, data: Any, known: dict[int, frozenset[str]], remember: bool) -> frozenset[str]:
        if isinstance(data, dict):
            values: Any = data.values()
        elif isinstance(data, list):
            values = data
        else:
            return _NONE
        seen = known.get(id(data))
        if seen is not None:
            return seen
        found: set[str] = set()
        if isinstance(data, dict) and any(isinstance(data.get(name), list) for name in CONTAINER_LISTS):
            found |= _spec_conflicts(data)
        for value in values:
            if isinstance(value, (dict, list)):
                found |= self._of(value, known, remember)
        result = frozenset(found) if found else _NONE
        if remember:
            known[id(data)] = result
        return result
