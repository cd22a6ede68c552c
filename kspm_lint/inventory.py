"""The run-wide inventory: every object of a run as plain data, for checks that read
relations between objects (a workload, its service account, the bindings of that
account; a namespace and its NetworkPolicies).

Inventory objects are built where a unit is loaded (in a worker process for a large
run) and sent back to the parent: they hold the object's data and a path -> location
index, never parser nodes.
"""

from __future__ import annotations

import os
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from kspm_lint.findings import ObjectAddress, ObjectRef
from kspm_lint.location import Path, Span
from kspm_lint.origin import Location
from kspm_lint.parsing.document import Document
from kspm_lint.sources import SourceObject
from kspm_lint.sources.plain import PlainOrigin


@dataclass(slots=True)
class InventoryObject:
    """One object of the run as plain data.

    Locations are worked out only when a run-wide check reports on the object: a plain
    file on disk is parsed again then (in the parent, once per file), which costs far
    less than indexing every object of a large run in the workers. An object read from
    stdin carries ``spans`` (four numbers per written node, in the order of a walk over
    ``data``: a compact array that pickles as bytes); a rendered object, whose paths map
    to several files, carries its index."""

    ref: ObjectRef
    data: dict[str, Any]
    address: ObjectAddress
    file: str
    spans: array | None = None
    _index: dict[Path, Location] | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, InventoryObject) and (self.ref, self.data, self.address, self.index) == \
            (other.ref, other.data, other.address, other.index)

    @property
    def index(self) -> dict[Path, Location]:
        """Every written path of the object (relative to it) and where it is written."""
        return self.indexed(_parse_documents)

    def indexed(self, documents: Callable[[str], list[Document]]) -> dict[Path, Location]:
        """``index``, reading a plain file's documents through ``documents`` (a cache)."""
        if self._index is None:
            spans, file = self.spans, self.file
            if spans is None:
                spans = self.spans = _reread_spans(self, documents)
            self._index = {
                path: Location(file, Span(spans[i], spans[i + 1], spans[i + 2], spans[i + 3]))
                for i, path in zip(range(0, len(spans), 4), _paths(self.data), strict=True)
            }
        return self._index

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
            yield from _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for number, item in enumerate(data):
            yield from _paths(item, (*prefix, number))


def _spans(document: Document, base: Path, data: Any) -> array:
    """The spans ``Document.locate`` gives each written path below ``base``, in
    ``_paths`` order, found in one walk of the node tree."""
    out = array("i")
    start_key, start_node = document.step(base)
    stack: list[tuple[yaml.Node | None, yaml.Node, Any]] = [(start_key, start_node, data)]
    while stack:
        key_node, node, value = stack.pop()
        first = key_node if key_node is not None else node
        end = node.end_mark
        if key_node is not None and isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) \
                and node.flow_style is False:
            end = key_node.end_mark  # a block collection ends at the next line: stop at the key
        mark = first.start_mark
        out.extend((mark.line + 1, mark.column + 1, end.line + 1, end.column + 1))
        if isinstance(value, dict) and isinstance(node, yaml.MappingNode):
            pairs = document.pairs(node)
            stack.extend(reversed([(*pairs[key], item) for key, item in value.items()]))
        elif isinstance(value, list) and isinstance(node, yaml.SequenceNode):
            stack.extend(reversed([(None, child, item) for child, item in zip(node.value, value, strict=True)]))
    return out


def _reread_spans(obj: InventoryObject, read: Callable[[str], list[Document]]) -> array:
    """The spans of a plain object, from its file parsed again."""
    documents = read(obj.address.unit)
    number = obj.address.document
    if not 0 <= number < len(documents) or documents[number].data is None:
        raise LookupError(f"{obj.address.unit} changed while it was linted")
    return _spans(documents[number], obj.address.base, obj.data)


def _parse_documents(path: str) -> list[Document]:
    from kspm_lint.parsing.loader import parse_file

    return parse_file(path).documents


def inventory_objects(objects: list[SourceObject]) -> list[InventoryObject]:
    """A unit's objects as inventory data (whether its file is on disk asked once)."""
    on_disk = bool(objects) and os.path.isfile(objects[0].address.unit)
    return [inventory_object(obj, on_disk) for obj in objects]


def inventory_object(obj: SourceObject, on_disk: bool | None = None) -> InventoryObject:
    """``on_disk``: whether ``obj``'s unit is a file that can be read again (asked when None)."""
    resource = obj.resource
    if isinstance(obj.origin, PlainOrigin):
        if on_disk if on_disk is not None else os.path.isfile(obj.address.unit):
            return InventoryObject(obj.ref, resource.data, obj.address, resource.file.path)
        try:
            spans = _spans(resource.document, resource.base, resource.data)
        except (KeyError, ValueError):  # data and nodes disagree (never seen): take the slow path
            spans = None
        if spans is not None:
            return InventoryObject(obj.ref, resource.data, obj.address, resource.file.path, spans=spans)
    locate = obj.origin.locate
    index = {path: locate(path) for path in _paths(resource.data)}
    return InventoryObject(obj.ref, resource.data, obj.address, resource.file.path, _index=index)


_KEPT_FILES = 64


@dataclass(frozen=True)
class Inventory:
    """All objects of a run, in the order a single-process run reads them.

    ``complete`` is False when a partial run could not load the rest of the repository
    (stdin, files outside a git work tree): a relation whose other half is missing is
    then unknown, not absent, and run-wide checks must not report it."""

    objects: tuple[InventoryObject, ...]
    complete: bool = True
    _documents: OrderedDict[str, list[Document]] = field(default_factory=OrderedDict, repr=False, compare=False)

    def locate(self, obj: InventoryObject, path: Path) -> Location:
        """``obj.locate(path)``, reading a plain file's nodes again (the last few files
        read are kept) and locating that one path, without indexing the object."""
        if obj.spans is None and obj._index is None:
            documents = self._read(obj.address.unit)
            number = obj.address.document
            if 0 <= number < len(documents) and documents[number].data is not None:
                return Location(obj.file, documents[number].locate(obj.address.base + path))
        return obj.locate(path)

    def _read(self, path: str) -> list[Document]:
        cache = self._documents
        documents = cache.get(path)
        if documents is None:
            documents = cache[path] = _parse_documents(path)
            if len(cache) > _KEPT_FILES:
                cache.popitem(last=False)
        else:
            cache.move_to_end(path)
        return documents

    def of_kind(self, *kinds: str) -> list[InventoryObject]:
        return [o for o in self.objects if o.ref.kind in kinds]

    def __len__(self) -> int:
        return len(self.objects)
