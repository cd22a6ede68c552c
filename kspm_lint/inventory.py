"""The run-wide inventory: every object of a run as plain data, for checks that read
relations between objects (a workload, its service account, the bindings of that
account; a namespace and its NetworkPolicies).

Inventory objects are built where a unit is loaded (in a worker process for a large
run) and sent back to the parent: they hold the object's data and a path -> location
index, never parser nodes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kspm_lint.findings import ObjectAddress, ObjectRef
from kspm_lint.location import Path
from kspm_lint.origin import Location
from kspm_lint.sources import SourceObject


@dataclass(frozen=True, slots=True)
class InventoryObject:
    ref: ObjectRef
    data: dict[str, Any]
    address: ObjectAddress
    index: dict[Path, Location]  # every written path of the object, relative to it

    def locate(self, path: Path) -> Location:
        """Where ``path`` is written; its nearest written ancestor when missing."""
        index = self.index
        for end in range(len(path), -1, -1):
            found = index.get(path[:end])
            if found is not None:
                return found
        raise KeyError(path)  # unreachable: the object itself, (), is always indexed


def _paths(data: Any, prefix: Path = ()) -> Iterator[Path]:
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str):
                yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for number, item in enumerate(data):
            yield from _paths(item, (*prefix, number))


def inventory_object(obj: SourceObject) -> InventoryObject:
    locate = obj.origin.locate
    index = {path: locate(path) for path in _paths(obj.resource.data)}
    return InventoryObject(obj.ref, obj.resource.data, obj.address, index)


@dataclass(frozen=True)
class Inventory:
    """All objects of a run, in the order a single-process run reads them.

    ``complete`` is False when a partial run could not load the rest of the repository
    (stdin, files outside a git work tree): a relation whose other half is missing is
    then unknown, not absent, and run-wide checks must not report it."""

    objects: tuple[InventoryObject, ...]
    complete: bool = True

    def of_kind(self, *kinds: str) -> list[InventoryObject]:
        return [o for o in self.objects if o.ref.kind in kinds]

    def __len__(self) -> int:
        return len(self.objects)
