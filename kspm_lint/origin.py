"""Where an object's fields are written: the seam between sources and everything else.

A source (plain files, a rendered Helm chart, a Kustomize overlay) yields objects, each
with an ``Origin``. Checks speak in paths relative to the object; the origin turns a path
into the place a person edits (``locate``), the place in rendered output when that is
another one (``rendered``), the other places that explain the value (``explain``: the
values-file key a template pasted, the overlay patch that set it), and the place a fix
for that path is written (``fix_target``; ``None`` means the fix can only be shown).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kspm_lint.location import Path, Span


@dataclass(frozen=True, slots=True)
class Location:
    """A region of a file. ``file`` is the displayed path (relative to the working
    directory when possible); ``message`` says what the place is, for related locations."""

    file: str
    span: Span
    message: str | None = None

    def __reduce__(self) -> tuple:  # compact pickles: findings come back from worker processes
        return Location, (self.file, self.span, self.message)


@dataclass(frozen=True, slots=True)
class FixTarget:
    """Where a fix for one path is written: ``path`` inside document ``document`` of
    ``file`` (a file on disk that a person edits)."""

    file: str
    document: int
    path: Path


class Origin(Protocol):
    """The answers a source gives about one object's paths."""

    def locate(self, path: Path) -> Location:
        """Where ``path`` is written; its nearest written ancestor when it is missing."""
        ...

    def rendered(self, path: Path) -> Location | None:
        """Where ``path`` sits in rendered output, when that differs from ``locate``."""
        ...

    def explain(self, path: Path) -> tuple[Location, ...]:
        """Other places that explain the value at ``path`` (values keys, patches)."""
        ...

    def fix_target(self, path: Path) -> FixTarget | None:
        """Where a fix for ``path`` would be written, or None (the fix is display-only)."""
        ...
