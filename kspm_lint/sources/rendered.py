"""What rendered sources (Helm, Kustomize) share: comment files and unit assembly."""

from __future__ import annotations

import os
from collections.abc import Iterable

from kspm_lint.findings import ObjectAddress, ObjectRef
from kspm_lint.origin import Location, Origin
from kspm_lint.parsing.document import ParsedFile
from kspm_lint.parsing.loader import parse_file
from kspm_lint.parsing.source import SourceError, read_source
from kspm_lint.resources import Resource
from kspm_lint.sources import LoadedUnit, SourceObject, SourceProblem


def comment_file(path: str) -> ParsedFile | None:
    """A source file whose ``# kspm-lint:`` comments apply to findings mapped into it.
    YAML files are parsed (comments inside strings do not count); templates, which are
    not YAML, are read as text: their comments suppress by line and file."""
    if not os.path.isfile(path):
        return None
    if path.endswith((".yaml", ".yml")):
        parsed = parse_file(path)
        if not parsed.problems:
            return parsed
    try:
        text = read_source(path).text
    except SourceError:
        return None
    return ParsedFile(path, text, [], [])


def rendered_unit(name: str, parsed: ParsedFile | None, objects: Iterable[tuple[Resource, Origin]],
                  problems: Iterable[tuple[str, str, Location]], comment_paths: Iterable[str],
                  namespace_of: dict[int, str] | None = None) -> LoadedUnit:
    """A unit from a render: ``name`` is the rendered stream's name (not a file)."""
    found: list[SourceObject] = []
    for resource, origin in objects:
        ref = ObjectRef(resource.kind, resource.namespace, resource.name, resource.api_version)
        found.append(SourceObject(resource, origin, ref, ObjectAddress(name, resource.document.index, resource.base)))
    comments = [parsed_file for path in dict.fromkeys(comment_paths)
                if (parsed_file := comment_file(path)) is not None]
    return LoadedUnit(name, found, [SourceProblem(rule, message, where) for rule, message, where in problems],
                      parsed, 0, comments)
