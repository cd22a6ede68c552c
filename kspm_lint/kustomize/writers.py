"""Evaluate a resource's base and patches to learn which line wrote each field.

kustomize tells us the base file of each rendered object, not which patch wrote what. We
replay the patches that select the object, in kustomize's order, over a map from
semantic path to the place that wrote it: the last writer of a scalar wins, a mapping or
merge-list item keeps its first writer (a fix adds to it there), deletions and replaced
lists drop what they remove.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from kspm_lint.kustomize.patches import PatchDocument
from kspm_lint.kustomize.semantic import SemanticPath, is_merge_list, is_under, leaves, merge_key, semantic
from kspm_lint.kustomize.simulate import json_op
from kspm_lint.location import Path, Span
from kspm_lint.resources import Resource

_IDENTITY = {("apiVersion",), ("kind",), ("metadata", "name"), ("metadata", "namespace")}


@dataclass(frozen=True)
class Written:
    """One place that writes a field: what kind of place, the file and where in it."""

    source: str  # "base", "patch" (strategic merge), "json6902", "kustomization"
    file: str  # absolute path
    document: int
    path: Path | None  # path inside that document (None: no path a fix can use, e.g. inline text)
    span: Span
    value: Any
    note: str


class WriterMap:
    def __init__(self) -> None:
        self.entries: dict[SemanticPath, Written] = {}

    def put(self, path: SemanticPath, written: Written, overwrite: bool = True) -> None:
        if overwrite or path not in self.entries:
            self.entries[path] = written

    def remove_under(self, path: SemanticPath, keep_self: bool = False) -> None:
        for key in [key for key in self.entries if is_under(key, path)]:
            if keep_self and key == path:
                continue
            del self.entries[key]

    def nearest(self, path: SemanticPath) -> tuple[Written, int] | None:
        """The writer of ``path`` or of its nearest written ancestor, and how many steps up."""
        for up in range(len(path) + 1):
            written = self.entries.get(path[: len(path) - up])
            if written is not None:
                return written, up
        return None


def _scalar(value: Any) -> Any:
    return None if isinstance(value, (dict, list)) else value


def base_writers(resource: Resource, file: str, note: str) -> WriterMap:
    writers = WriterMap()
    for path in leaves(resource.data):
        value = _value(resource.data, path)
        written = Written("base", file, resource.document.index, resource.base + path, resource.locate(path),
                          _scalar(value), note)
        writers.put(semantic(resource.data, path), written)
    return writers


def _value(data: Any, path: Path) -> Any:
    for element in path:
        data = data[element]
    return data


def apply_strategic_merge(writers: WriterMap, patch: PatchDocument) -> None:
    note = patch.describe()

    def written(ppath: Path, value: Any) -> Written:
        return Written("patch", patch.file, patch.document_index, ppath if patch.fixable else None,
                       patch.span(ppath), _scalar(value), note)

    def walk(node: dict, sem: SemanticPath, ppath: Path, merge_field: str | None) -> None:
        directive = node.get("$patch")
        if directive == "delete":
            writers.remove_under(sem)
            return
        if directive == "replace":
            writers.remove_under(sem, keep_self=True)
        identity = merge_key(merge_field, node) if merge_field else None
        for key, value in node.items():
            if not isinstance(key, str) or key.startswith("$"):
                continue
            ksem, kpath = (*sem, key), (*ppath, key)
            if (not sem and (key,) in _IDENTITY) or (len(sem) == 1 and sem[0] == "metadata" and (
                ("metadata", key) in _IDENTITY
            )):
                continue
            if value is None:
                writers.remove_under(ksem)
            elif isinstance(value, dict):
                writers.put(ksem, written(kpath, value), overwrite=False)
                walk(value, ksem, kpath, None)
            elif isinstance(value, list) and is_merge_list(key, value) and all(
                merge_key(key, item) for item in value if not _is_directive(item)
            ):
                writers.put(ksem, written(kpath, value), overwrite=False)
                for index, item in enumerate(value):
                    if _is_directive(item):
                        continue
                    mk = merge_key(key, item)
                    isem = (*ksem, (str(mk), str(item[mk])))
                    if item.get("$patch") == "delete":
                        writers.remove_under(isem)
                        continue
                    writers.put(isem, written((*kpath, index), item), overwrite=False)
                    walk(item, isem, (*kpath, index), key)
            elif isinstance(value, list):
                writers.remove_under(ksem)
                _put_tree(writers, ksem, kpath, value, key, written)
            else:
                writers.put(ksem, written(kpath, value), overwrite=key != identity)

    if isinstance(patch.data, dict):
        walk(patch.data, (), (), None)


def _is_directive(item: Any) -> bool:
    if not isinstance(item, dict):
        return True
    return len(item) == 1 and any(isinstance(k, str) and k.startswith("$") for k in item)


def _put_tree(writers: WriterMap, sem: SemanticPath, ppath: Path, value: Any, field: str, written) -> None:
    """Record ``value`` (set as a whole at ``sem``) and everything inside it."""
    wrapped = {field: value}
    for sub in leaves(value):
        inner = semantic(wrapped, (field, *sub))[1:]
        writers.put((*sem, *inner), written((*ppath, *sub), _value(value, sub)))


def _pointer(pointer: str, current: Any) -> Path:
    """A JSON pointer as a path, its indices resolved against the object at this step
    (``-`` is the index an added item gets: the list's length)."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]] if pointer else []
    out: list[str | int] = []
    node = current
    for token in tokens:
        if isinstance(node, list):
            index = len(node) if token == "-" else int(token) if token.isdigit() else 0
            out.append(index)
            node = node[index] if 0 <= index < len(node) else None
        else:
            out.append(token)
            node = node.get(token) if isinstance(node, dict) else None
    return tuple(out)


def apply_json6902(writers: WriterMap, patch: PatchDocument, current: Any) -> Any:
    """Record what each op writes; return the object after the ops (``current`` may change)."""
    ops = patch.data if isinstance(patch.data, list) else []
    for index, op in enumerate(ops):
        if not isinstance(op, dict) or not isinstance(op.get("path"), str):
            continue
        kind = op.get("op")
        path = _pointer(op["path"], current)
        source = _pointer(op["from"], current) if isinstance(op.get("from"), str) else None
        note = f"{patch.describe()}, op {index + 1} ({kind} {op['path']})"

        def written(ppath: Path, value: Any, note: str = note) -> Written:
            return Written("json6902", patch.file, patch.document_index, ppath if patch.fixable else None,
                           patch.span(ppath), _scalar(value), note)

        if kind == "remove":
            writers.remove_under(semantic(current, path))
            current = json_op(current, "remove", path)
        elif kind in ("add", "replace") and "value" in op:
            current = json_op(current, kind, path, op["value"])
            sem = semantic(current, path)
            writers.remove_under(sem)
            field = path[-1] if path else ""
            _put_tree(writers, sem, (index, "value"), op["value"], str(field), written)
        elif kind in ("move", "copy") and source is not None:
            if kind == "move":
                writers.remove_under(semantic(current, source))
            current = json_op(current, kind, path, source=source)
            sem = semantic(current, path)
            writers.remove_under(sem)
            writers.put(sem, written((index, "path"), None))
    return current


def selects(patch: PatchDocument, target: dict | None, kind: str, group_version: str, name: str,
            namespace: str, labels: dict, annotations: dict) -> bool:
    """Does this patch apply to an object that, at the patch's level, has these fields?"""
    if target is None:
        if not isinstance(patch.data, dict):
            return False
        meta = patch.data.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        return patch.data.get("kind") == kind and str(meta.get("name", "")) == name
    group, _, version = group_version.rpartition("/")
    checks = (
        ("kind", kind), ("name", name), ("namespace", namespace), ("group", group), ("version", version),
    )
    for key, actual in checks:
        wanted = target.get(key)
        if wanted is not None and not _full_match(str(wanted), actual):
            return False
    if target.get("labelSelector") and not _selector(str(target["labelSelector"]), labels):
        return False
    return not (target.get("annotationSelector") and not _selector(str(target["annotationSelector"]), annotations))


def _full_match(pattern: str, value: str) -> bool:
    try:
        return re.fullmatch(pattern, value) is not None
    except re.error:
        return pattern == value


def _selector(selector: str, labels: dict) -> bool:
    """Equality-based label selectors (``a=b,c!=d,e``); set-based ones are taken as matching."""
    for term in (t.strip() for t in selector.split(",")):
        if not term or " in " in term or " notin " in term or "(" in term:
            continue
        if "!=" in term:
            key, value = (s.strip() for s in term.split("!=", 1))
            if str(labels.get(key)) == value:
                return False
        elif "=" in term:
            key, value = (s.strip() for s in term.replace("==", "=").split("=", 1))
            if str(labels.get(key)) != value:
                return False
        elif term.startswith("!"):
            if term[1:] in labels:
                return False
        elif term not in labels:
            return False
    return True
