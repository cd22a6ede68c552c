"""Plain manifest files and stdin: objects are located by the parser's node positions."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kspm_lint.findings import ObjectAddress, ObjectRef
from kspm_lint.location import Path, Span
from kspm_lint.origin import FixTarget, Location
from kspm_lint.parsing.document import ParsedFile
from kspm_lint.parsing.loader import parse_bytes, parse_file
from kspm_lint.resources import Resource, resources_of
from kspm_lint.sources import LoadedUnit, SourceObject, SourceProblem

if TYPE_CHECKING:
    from kspm_lint.discovery import Target


@dataclass(frozen=True, slots=True)
class PlainOrigin:
    """An object written as it is applied: every path is where the parser saw it."""

    resource: Resource

    def locate(self, path: Path) -> Location:
        return Location(self.resource.file.path, self.resource.locate(path))

    def rendered(self, path: Path) -> Location | None:
        return None

    def explain(self, path: Path) -> tuple[Location, ...]:
        return ()

    def fix_target(self, path: Path) -> FixTarget | None:
        resource = self.resource
        return FixTarget(resource.file.path, resource.document.index, resource.base + path)


def _go_template(parsed: ParsedFile) -> LoadedUnit | None:
    """A Go template outside a chart (``{{ }}`` actions, not YAML): reported once as not
    linted instead of as broken YAML."""
    if not any(p.rule == "yaml-syntax" for p in parsed.problems) or "{{" not in parsed.text:
        return None
    from kspm_lint.helm.gotemplate import is_go_template

    if not is_go_template(parsed.text):
        return None
    first = next(number for number, line in enumerate(parsed.text.splitlines(), start=1) if "{{" in line)
    problem = SourceProblem(
        "go-template-not-linted",
        "Go template (it holds {{ }} actions and is not YAML): not linted; lint what renders it, or move it "
        "into a Helm chart's templates/", Location(parsed.path, Span.point(first)))
    return LoadedUnit(parsed.path, [], [problem], None, 0, [parsed])


def unit_of(parsed: ParsedFile) -> LoadedUnit:
    """The objects and problems of a parsed manifest stream."""
    template = _go_template(parsed)
    if template is not None:
        return template
    path = parsed.path
    problems = [
        SourceProblem(p.rule, p.message, Location(path, p.span),
                      tuple(Location(path, span, what) for span, what in p.related))
        for p in parsed.problems
    ]
    resources, skipped = resources_of(parsed)
    objects = [
        SourceObject(r, PlainOrigin(r), ObjectRef(r.kind, r.namespace, r.name, r.api_version),
                     ObjectAddress(path, r.document.index, r.base))
        for r in resources
    ]
    return LoadedUnit(path, objects, problems, parsed, skipped, [parsed])


class PlainFileSource:
    name = "file"

    def load(self, target: Target) -> LoadedUnit:
        return unit_of(parse_file(target.path, target.display))


class StdinSource:
    name = "stdin"

    def load(self, target: Target) -> LoadedUnit:
        return unit_of(parse_bytes(sys.stdin.buffer.read(), target.display))
