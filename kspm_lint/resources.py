"""Kubernetes objects found in parsed documents (including ``kind: List`` items)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kspm_lint.location import Path, Span
from kspm_lint.parsing.document import Document, ParsedFile


@dataclass
class Resource:
    """One Kubernetes object and where it sits: ``base`` is its path in the document."""

    file: ParsedFile
    document: Document
    base: Path
    data: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def api_version(self) -> str:
        return str(self.data.get("apiVersion", ""))

    @property
    def metadata(self) -> dict[str, Any]:
        meta = self.data.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def name(self) -> str:
        name = self.metadata.get("name")
        if name is None:
            name = self.metadata.get("generateName")
        return _text(name)

    @property
    def namespace(self) -> str:
        return _text(self.metadata.get("namespace"))

    @property
    def identity(self) -> str:
        """``kind/namespace/name`` (namespace empty when not written)."""
        return f"{self.kind}/{self.namespace}/{self.name}"

    def locate(self, path: Path) -> Span:
        return self.document.locate(self.base + path)

    def exists(self, path: Path) -> bool:
        return self.document.exists(self.base + path)


def _text(value: Any) -> str:
    """A scalar as written: ``name: y`` reads as true (YAML 1.1) and shows as ``true``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def is_kubernetes_object(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("apiVersion"), str)
        and isinstance(data.get("kind"), str)
        and bool(data["kind"])
    )


def objects_in(data: Any) -> list[tuple[Path, dict[str, Any]]]:
    """(path in the document, data) of the Kubernetes objects of one document's data:
    the items of a ``kind: ...List``, or the document itself."""
    if not is_kubernetes_object(data):
        return []
    items = data.get("items")
    if data["kind"].endswith("List") and isinstance(items, list):
        return [(("items", index), item) for index, item in enumerate(items) if is_kubernetes_object(item)]
    return [((), data)]


def resources_of(parsed: ParsedFile) -> tuple[list[Resource], int]:
    """The file's Kubernetes objects, and how many documents were not Kubernetes."""
    found: list[Resource] = []
    skipped = 0
    for document in parsed.documents:
        data = document.data
        if not is_kubernetes_object(data):
            if data is not None:
                skipped += 1
            continue
        found.extend(Resource(parsed, document, base, item) for base, item in objects_in(data))
    return found, skipped
