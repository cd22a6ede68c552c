"""Sources: where a run's objects come from (plain files, stdin; later Helm charts,
Kustomize overlays, files at a git ref).

A source turns one lint target into a ``LoadedUnit``: its objects, each with an
``Origin``; the problems found while reading it; the suppressions written in it. The
engine never asks which source an object came from. A new source is one class and one
entry in ``SOURCES``; ``discovery.discover`` decides which source owns a path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from kspm_lint.findings import ObjectAddress, ObjectRef
from kspm_lint.origin import Location, Origin
from kspm_lint.parsing.document import ParsedFile
from kspm_lint.resources import Resource

if TYPE_CHECKING:
    from kspm_lint.discovery import Target


@dataclass(frozen=True, slots=True)
class SourceProblem:
    """Something wrong with the input itself, reported as a finding of ``rule``."""

    rule: str
    message: str
    location: Location
    related: tuple[Location, ...] = ()


@dataclass(slots=True)
class SourceObject:
    """One Kubernetes object of a unit: what checks read (``resource``), where its fields
    are written (``origin``), which object it is (``ref``) and where it was parsed
    (``address``)."""

    resource: Resource
    origin: Origin
    ref: ObjectRef
    address: ObjectAddress


@dataclass
class LoadedUnit:
    """What a source read for one target.

    ``parsed`` is the parsed stream the objects live in (kept for fixes);
    ``comment_files`` are the parsed files whose ``# kspm-lint:`` comments apply to the
    unit's findings (for a plain file, the file itself)."""

    path: str
    objects: list[SourceObject]
    problems: list[SourceProblem]
    parsed: ParsedFile | None = None
    skipped: int = 0  # documents without apiVersion/kind
    comment_files: list[ParsedFile] = field(default_factory=list)


class Source(Protocol):
    """A kind of input: ``load`` reads one target. Sources that claim whole directories
    (a Helm chart, a Kustomize root) are also ``discovery.DirectorySource``s."""

    name: str

    def load(self, target: Target) -> LoadedUnit: ...


def _registry() -> dict[str, Source]:
    from kspm_lint.discovery import DIRECTORY_SOURCES
    from kspm_lint.sources.helm import HelmSource
    from kspm_lint.sources.kustomize import KustomizeSource
    from kspm_lint.sources.plain import PlainFileSource, StdinSource

    helm, kustomize = HelmSource(), KustomizeSource()
    DIRECTORY_SOURCES[:] = [helm, kustomize]
    return {source.name: source for source in (PlainFileSource(), StdinSource(), helm, kustomize)}


SOURCES: dict[str, Source] = {}


def registered() -> dict[str, Source]:
    """Every source, registered (and the directory sources announced to discovery)."""
    if not SOURCES:
        SOURCES.update(_registry())
    return SOURCES


def load(target: Target) -> LoadedUnit:
    """Read ``target`` with the source that discovery assigned to it."""
    return registered()[target.source].load(target)
