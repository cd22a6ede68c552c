"""Fix data shared by ``--fix``, ``--diff``, JSON, SARIF ``fixes`` and rdjson suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from kspm_lint.location import Path

Safety = Literal["safe", "unsafe"]


@dataclass(frozen=True)
class PatchOp:
    """One change to a document's data. ``path`` is relative to the document root.

    ``op`` is ``set`` (create or replace the value, creating parent mappings),
    ``remove`` (delete the key or list item) or ``append`` (add ``value`` to a list).
    """

    op: Literal["set", "remove", "append"]
    path: Path
    value: Any = None


@dataclass(frozen=True)
class TextEdit:
    """Replace the text between two 1-based positions (end exclusive) with ``text``."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@dataclass
class Fix:
    """The automatic fix for one finding."""

    safety: Safety
    description: str
    ops: list[PatchOp]
    edits: list[TextEdit] = field(default_factory=list)  # filled in when the patch is rendered
    applicable: bool = True
    reason: str | None = None  # why it cannot be applied here (alias, Helm output, ...)
