"""Read one kustomization file: what it references, and where each reference is written."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from kspm_lint.location import Path, Span
from kspm_lint.parsing.document import Document
from kspm_lint.parsing.loader import parse_file

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/|gitlab\.com/|bitbucket\.org/)|\?ref=", re.I)


def kustomization_file(directory: str) -> str | None:
    """The kustomization file of ``directory``, or None (kustomize takes the first it finds)."""
    for name in KUSTOMIZATION_NAMES:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def is_remote(reference: str) -> bool:
    """A URL, ``github.com/...`` or a ``?ref=`` reference: kustomize would fetch it."""
    return bool(_REMOTE.search(reference.strip()))


@dataclass(frozen=True)
class Reference:
    """One entry of a kustomization that names another file or directory."""

    field: str  # resources, components, patches, patchesStrategicMerge, patchesJson6902, generator, ...
    value: str  # as written
    path: str  # absolute, normalised ('' when remote)
    span: Span  # where the entry is written in the kustomization file
    remote: bool = False


@dataclass(frozen=True)
class PatchEntry:
    """A patch as the kustomization declares it: from a file or inline text."""

    field: str  # patches, patchesStrategicMerge or patchesJson6902
    index: int  # position in that list
    file: str | None  # absolute path of the patch file, when it is one
    inline: str | None  # inline patch text, when it is written in the kustomization
    target: dict[str, Any] | None  # the selector (patches / patchesJson6902)
    entry_path: Path  # where the entry sits in the kustomization document


@dataclass
class Kustomization:
    """A parsed kustomization: its directory, file, data and references."""

    directory: str
    file: str
    data: dict[str, Any]
    document: Document | None
    text: str = ""
    references: list[Reference] = field(default_factory=list)
    patches: list[PatchEntry] = field(default_factory=list)
    error: str | None = None  # why the file could not be read (then it has no references)
    error_span: Span = field(default_factory=lambda: Span.point(1))

    def span(self, path: Path) -> Span:
        return self.document.locate(path) if self.document is not None else Span.point(1)

    @property
    def name_prefix(self) -> str:
        return str(self.data.get("namePrefix") or "")

    @property
    def name_suffix(self) -> str:
        return str(self.data.get("nameSuffix") or "")


def read_kustomization(directory: str) -> Kustomization | None:
    """Parse the kustomization of ``directory``; None when there is none."""
    file = kustomization_file(directory)
    if file is None:
        return None
    directory = os.path.abspath(directory)
    parsed = parse_file(file)
    if parsed.problems or not parsed.documents:
        problem = parsed.problems[0] if parsed.problems else None
        message = problem.message if problem else "empty kustomization file"
        span = problem.span if problem else Span.point(1)
        return Kustomization(directory, os.path.abspath(file), {}, None, error=message, error_span=span)
    document = parsed.documents[0]
    data = document.data if isinstance(document.data, dict) else {}
    kustomization = Kustomization(directory, os.path.abspath(file), data, document, parsed.text)
    _collect(kustomization)
    return kustomization


def _entries(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _collect(k: Kustomization) -> None:
    def add(field_name: str, value: Any, path: Path) -> None:
        if not isinstance(value, str) or not value.strip():
            return
        remote = is_remote(value)
        target = "" if remote else os.path.normpath(os.path.join(k.directory, value))
        k.references.append(Reference(field_name, value, target, k.span(path), remote))

    for key in ("resources", "bases", "components", "crds"):
        for index, value in enumerate(_entries(k.data, key)):
            add("components" if key == "components" else "resources", value, (key, index))
    for index, entry in enumerate(_entries(k.data, "patchesStrategicMerge")):
        if isinstance(entry, str) and "\n" not in entry.strip() and not entry.lstrip().startswith("{"):
            add("patchesStrategicMerge", entry, ("patchesStrategicMerge", index))
            k.patches.append(_patch("patchesStrategicMerge", index, k, entry, None, None))
        elif isinstance(entry, str):
            k.patches.append(_patch("patchesStrategicMerge", index, k, None, entry, None))
    for key in ("patches", "patchesJson6902"):
        for index, entry in enumerate(_entries(k.data, key)):
            if not isinstance(entry, dict):
                continue
            target = entry.get("target") if isinstance(entry.get("target"), dict) else None
            if isinstance(entry.get("path"), str):
                add(key, entry["path"], (key, index, "path"))
                k.patches.append(_patch(key, index, k, entry["path"], None, target))
            elif isinstance(entry.get("patch"), str):
                k.patches.append(_patch(key, index, k, None, entry["patch"], target))
    for key in ("configMapGenerator", "secretGenerator"):
        for index, entry in enumerate(_entries(k.data, key)):
            if not isinstance(entry, dict):
                continue
            for sub in ("files", "envs"):
                for item_index, item in enumerate(entry.get(sub) or []):
                    if isinstance(item, str):
                        value = item.split("=", 1)[1] if "=" in item and sub == "files" else item
                        add("generator", value, (key, index, sub, item_index))
            if isinstance(entry.get("env"), str):
                add("generator", entry["env"], (key, index, "env"))
    for index, value in enumerate(_entries(k.data, "configurations")):
        add("configurations", value, ("configurations", index))
    for key in ("generators", "transformers", "validators"):
        for index, value in enumerate(_entries(k.data, key)):
            if isinstance(value, str) and "\n" not in value:
                add(key, value, (key, index))


def _patch(
    field_name: str, index: int, k: Kustomization, file: str | None, inline: str | None, target: dict | None
) -> PatchEntry:
    path: Path = (field_name, index) if field_name == "patchesStrategicMerge" else (field_name, index, "patch")
    absolute = None if file is None or is_remote(file) else os.path.normpath(os.path.join(k.directory, file))
    return PatchEntry(field_name, index, absolute, inline, target, path)
