"""Findings and severities: what every output format is built from."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Literal

from kspm_lint.location import Path, Span
from kspm_lint.origin import Location

if TYPE_CHECKING:
    from kspm_lint.fix.model import Fix


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity '{text}' (one of: {names})") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """Which Kubernetes object: kind, namespace (``""`` when none is written), name, and
    the apiVersion it is written with."""

    kind: str
    namespace: str
    name: str
    api_version: str = ""

    @property
    def group(self) -> str:
        """The API group (``""`` for the core group): ``apps`` of ``apps/v1``."""
        return self.api_version.rpartition("/")[0]

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "namespace": self.namespace, "name": self.name}

    def __str__(self) -> str:
        if self.namespace:
            return f"{self.kind}/{self.namespace}/{self.name}"
        return f"{self.kind}/{self.name}"



@dataclass(frozen=True, slots=True)
class ObjectAddress:
    """Where an object sits in what was parsed: the parsed stream (a file on disk, stdin,
    or a render), the document in it and the object's path in that document (``items[i]``
    in a ``List``). Fixes are computed on it; object annotations suppress by it."""

    unit: str
    document: int
    base: Path = ()


SuppressionOrigin = Literal["comment", "annotation", "config", "baseline"]


@dataclass(frozen=True, slots=True)
class SuppressionRecord:
    """Why a finding is suppressed: which kind of suppression, and its reason."""

    origin: SuppressionOrigin
    reason: str


@dataclass(frozen=True, slots=True)
class Risk:
    """A 0-10 score (severity raised by the workload's context: ``kspm_lint.risk``) and
    the reasons that raised it."""

    score: float
    reasons: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {"score": self.score, "reasons": list(self.reasons)}


@dataclass(slots=True)
class Finding:
    """One problem. ``file``/``span`` are the primary location: the place a person edits.
    ``rendered`` is where the object sits in rendered output, when that is elsewhere;
    ``related`` are other places involved (possibly in other objects and files)."""

    rule: str
    severity: Severity
    message: str
    file: str
    span: Span
    resource: ObjectRef | None = None
    container: str | None = None
    path: Path = ()
    address: ObjectAddress | None = None
    rendered: Location | None = None
    related: tuple[Location, ...] = ()
    suppression: SuppressionRecord | None = None
    fix: Fix | None = None
    key_path: Path | None = None  # ``path`` with named list items by name, when that differs
    risk: Risk | None = None  # set by the ranking, once every finding of the run is known
    no_fix: str | None = None  # why no automatic fix is offered, though the rule has one

    @property
    def location(self) -> Location:
        return Location(self.file, self.span)

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    @property
    def suppression_reason(self) -> str | None:
        return self.suppression.reason if self.suppression is not None else None

    @property
    def document_index(self) -> int | None:
        return self.address.document if self.address is not None else None

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.span.line, self.span.column, self.rule, self.message)
