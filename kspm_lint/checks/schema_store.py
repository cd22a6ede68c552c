"""The Kubernetes OpenAPI schemas shipped as data by the ``kubernetes-validate``
package (only its JSON files are read; its code is never imported), and a walk of an
object against them that reports unknown fields and values of the wrong type, each
at its own node.

Imported only when a schema rule runs: loading a version's definitions costs tens of
milliseconds, which start-up must not pay when the rules are not selected.
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path as FsPath
from typing import Any

from kspm_lint.location import Path, format_path

PACKAGE = "kubernetes_validate"
_VERSION_DIR = re.compile(r"^v(\d+)\.(\d+)\.0-local-strict$")
_JSON_TYPES = {"object": "an object", "array": "a list", "string": "a string", "integer": "an integer",
               "number": "a number", "boolean": "a boolean"}


class SchemaUnavailable(Exception):
    """The schemas cannot be used: the package lacks the version asked for."""


class SchemaNotInstalled(SchemaUnavailable):
    """The package that ships the schemas is not installed (the optional extra)."""


@dataclass(frozen=True)
class SchemaProblem:
    rule: str  # "unknown-field" or "invalid"
    path: Path
    message: str


def schema_root() -> FsPath:
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise SchemaNotInstalled(
            "the Kubernetes schemas are not installed; install them with "
            "pip install 'kspm-lint[schema]' (the kubernetes-validate package)")
    return FsPath(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"


@lru_cache(maxsize=1)
def shipped_versions() -> tuple[tuple[int, int], ...]:
    found = []
    for entry in schema_root().iterdir():
        match = _VERSION_DIR.match(entry.name)
        if match and (entry / "_definitions.json").is_file():
            found.append((int(match.group(1)), int(match.group(2))))
    return tuple(sorted(found))


def parse_version(text: Any) -> tuple[int, int] | None:
    """``1.30``, ``v1.30.2`` -> (1, 30); ``latest`` -> None (the newest available)."""
    value = str(text).strip().lower()
    if value in ("", "latest", "none"):
        return None
    match = re.match(r"^v?(\d+)\.(\d+)(?:\.\d+)?$", value)
    if not match:
        raise SchemaUnavailable(f"kube-version '{text}' is not a Kubernetes version such as 1.33")
    return int(match.group(1)), int(match.group(2))


def resolve_version(text: Any) -> tuple[int, int]:
    versions = shipped_versions()
    if not versions:
        raise SchemaUnavailable(f"no schema versions found under {schema_root()}")
    wanted = parse_version(text)
    if wanted is None:
        return versions[-1]
    if wanted not in versions:
        shown = ", ".join(f"{a}.{b}" for a, b in versions)
        raise SchemaUnavailable(f"kube-version {wanted[0]}.{wanted[1]} has no shipped schema (available: {shown})")
    return wanted


@lru_cache(maxsize=4)
def schema_set(version: tuple[int, int]) -> SchemaSet:
    path = schema_root() / f"v{version[0]}.{version[1]}.0-local-strict" / "_definitions.json"
    with open(path, encoding="utf-8") as handle:
        return SchemaSet(json.load(handle)["$defs"], version)


class SchemaSet:
    """One Kubernetes version's definitions, indexed by apiVersion and kind."""

    def __init__(self, definitions: dict[str, Any], version: tuple[int, int]) -> None:
        self.definitions = definitions
        self.version = version
        self.by_kind: dict[tuple[str, str], str] = {}
        for name, definition in definitions.items():
            for gvk in definition.get("x-kubernetes-group-version-kind", ()):
                group, version_name = gvk.get("group", ""), gvk.get("version", "")
                api_version = f"{group}/{version_name}" if group else version_name
                self.by_kind.setdefault((api_version, gvk.get("kind", "")), name)

    def root_for(self, api_version: str, kind: str) -> str | None:
        return self.by_kind.get((api_version, kind))

    def problems(self, data: dict[str, Any], root: str) -> list[SchemaProblem]:
        found: list[SchemaProblem] = []
        _Walk(self.definitions, found).object(data, self.definitions[root], (), _short(root))
        return found


def _short(name: str) -> str:
    return name.rsplit(".", 1)[-1]


class _Walk:
    def __init__(self, definitions: dict[str, Any], found: list[SchemaProblem]) -> None:
        self.definitions, self.found = definitions, found

    def resolve(self, schema: dict[str, Any], where: str) -> tuple[dict[str, Any], str]:
        seen = 0
        while "$ref" in schema and seen < 20:
            name = str(schema["$ref"]).rsplit("/", 1)[-1]
            schema, where, seen = self.definitions.get(name, {}), _short(name), seen + 1
        return schema, where

    def value(self, value: Any, schema: dict[str, Any], path: Path, where: str) -> None:
        schema, where = self.resolve(schema, where)
        if value is None:
            return  # null leaves the field unset: the API server accepts it
        types = _types(schema, self)
        if types and not _matches(value, types):
            expected = " or ".join(_JSON_TYPES[t] for t in sorted(types) if t in _JSON_TYPES)
            self.found.append(SchemaProblem(
                "invalid", path, f"{format_path(path)} is {_describe(value)}, but {where} expects {expected} "
                                 "here: the API server rejects the object"))
            return
        if isinstance(value, dict):
            self.object(value, schema, path, where)
        elif isinstance(value, list):
            items = schema.get("items")
            if isinstance(items, dict):
                for index, item in enumerate(value):
                    self.value(item, items, path + (index,), where)

    def object(self, value: dict[str, Any], schema: dict[str, Any], path: Path, where: str) -> None:
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, child in value.items():
            if not isinstance(key, str):
                continue
            if properties and key in properties:
                self.value(child, properties[key], path + (key,), where)
            elif isinstance(extra, dict):
                self.value(child, extra, path + (key,), where)
            elif properties and extra is False and not key.startswith("$"):
                self.found.append(SchemaProblem("unknown-field", path + (key,),
                                                _unknown(key, path, where, list(properties))))


def _unknown(key: str, path: Path, where: str, allowed: list[str]) -> str:
    place = f" in {format_path(path)}" if path else ""
    folded = [name for name in allowed if name.lower() == key.lower()]
    close = folded or difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return (f"unknown field '{key}'{place}: {where} has no such field{hint}. The API server rejects it, "
            "or drops it when validation is off, so what it was meant to set does not apply")


def _types(schema: dict[str, Any], walk: _Walk) -> set[str]:
    if "oneOf" in schema:
        union: set[str] = set()
        for option in schema["oneOf"]:
            resolved, _ = walk.resolve(option, "")
            union |= _types(resolved, walk)
        return union
    declared = schema.get("type")
    if declared is None:
        return set()
    return {declared} if isinstance(declared, str) else set(declared)


def _matches(value: Any, types: set[str]) -> bool:
    if isinstance(value, bool):
        return "boolean" in types
    if isinstance(value, int):
        return bool(types & {"integer", "number"})
    if isinstance(value, float):
        return "number" in types or ("integer" in types and value.is_integer())
    if isinstance(value, str):
        return "string" in types
    if isinstance(value, dict):
        return "object" in types
    if isinstance(value, list):
        return "array" in types
    return True


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string '{shown}'"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__
