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

from kspm_lint.resources import objects_in
from kspm_lint.workload import CONTAINER_LISTS, pod_spec_data

_NONE: frozenset[str] = frozenset()

_REMOVE_PRIVILEGED = {
    # Whether the run allows unsafe fixes, which removes privileged: true
    # (privileged-container): not known (JSON, SARIF: each fix alone), not given, given.
    None: "remove privileged first: --unsafe-fixes",
    False: "remove privileged first: --unsafe-fixes",
    True: "remove privileged first: the privileged-container fix does that, and it was not applied",
}


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def pod_specs(data: Any) -> Iterator[dict]:
    """The pod spec mapping of every object of a document's data (``kind: List`` items
    too), as the checks find them (``workload.pod_spec_of``)."""
    for _, item in objects_in(data):
        spec = pod_spec_data(item)
        if spec is not None:
            yield spec


def conflicts(data: Any, unsafe: bool | None = None) -> set[str]:
    """Descriptions of every refused combination in a document's data; ``unsafe``:
    whether the run applies unsafe fixes (None: not known), for the advice given."""
    found: set[str] = set()
    for spec in pod_specs(data):
        found |= _spec_conflicts(spec, unsafe)
    return found


def _spec_conflicts(spec: dict, unsafe: bool | None) -> set[str]:
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
                              f"privileged: true, which the API server rejects ({_REMOVE_PRIVILEGED[unsafe]})")
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


class Conflicts:
    """``conflicts`` of one document's original data and of patched copies of it.

    A patched copy shares every mapping and list off the patched paths with the original
    (``ops.detach``), so a pod spec that no op changed is the original's own object: its
    conflicts are worked out once, here, and remembered by identity (the original data
    stays alive, so an identity always names the same object). ``unsafe``: as for
    ``conflicts``."""

    def __init__(self, original: Any, unsafe: bool | None = None) -> None:
        self.unsafe = unsafe
        self._known: dict[int, frozenset[str]] = {}
        self.original = self._of(original, remember=True)

    def of(self, data: Any) -> frozenset[str]:
        return self._of(data, remember=False)

    def _of(self, data: Any, remember: bool) -> frozenset[str]:
        found: frozenset[str] = _NONE
        for spec in pod_specs(data):
            seen = self._known.get(id(spec))
            if seen is None:
                seen = frozenset(_spec_conflicts(spec, self.unsafe)) or _NONE
                if remember:
                    self._known[id(spec)] = seen
            if seen:
                found = found | seen
        return found

