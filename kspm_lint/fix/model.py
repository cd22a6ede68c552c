"""Fix data shared by ``--fix``, ``--diff``, JSON, SARIF ``fixes`` and rdjson suggestions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from kspm_lint.location import Path, format_path

Safety = Literal["safe", "unsafe"]
Applicability = Literal["safe", "unsafe", "display-only"]
_path_text = lru_cache(maxsize=16384)(format_path)  # ops of many findings share their paths


@dataclass(frozen=True, slots=True)
class PatchOp:
    """One change to a document's data. ``path`` is relative to the document root.

    ``op`` is ``set`` (create or replace the value, creating parent mappings),
    ``remove`` (delete the key or list item) or ``append`` (add ``value`` to a list,
    creating it; nothing happens when an equal item is already there, so two findings
    that both need the same ``/tmp`` volume add it once).
    ``prune`` (remove only): when the removal empties its mapping, remove that
    mapping's key too, so ``securityContext: {privileged: true}`` goes away whole.
    """

    op: Literal["set", "remove", "append"]
    path: Path
    value: Any = None
    prune: bool = False

    def __reduce__(self) -> tuple:  # compact and fast to unpickle (fixes come back from worker processes)
        return PatchOp, (self.op, self.path, self.value, self.prune)

    def describe(self) -> str:
        """One line for people: ``set spec.x: false``."""
        where = format_path(self.path)
        if self.op == "remove":
            return f"remove {where}"
        verb = "set" if self.op == "set" else "add to"
        return f"{verb} {where}: {json.dumps(self.value)}"

    def as_dict(self) -> dict[str, Any]:
        return {"op": self.op, "path": _path_text(self.path), "value": self.value, "prune": self.prune}


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace the text between two 1-based positions (end exclusive) with ``text``."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str

    def __reduce__(self) -> tuple:
        return TextEdit, (self.line, self.column, self.end_line, self.end_column, self.text)

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "text": self.text}


@dataclass(slots=True)
class Fix:
    """The automatic fix for one finding."""

    safety: Safety
    description: str
    ops: list[PatchOp]
    edits: list[TextEdit] = field(default_factory=list)  # filled in when the patch is rendered
    applicable: bool = True
    reason: str | None = None  # why it cannot be applied here (alias, Helm output, ...)

    def __reduce__(self) -> tuple:
        return Fix, (self.safety, self.description, self.ops, self.edits, self.applicable, self.reason)

    @property
    def applicability(self) -> Applicability:
        """How the fix may be used: ``safe`` (--fix), ``unsafe`` (--fix --unsafe-fixes) or
        ``display-only`` (shown, never written: rendered output, a template, a fix that
        would break the workload, an alias; ``reason`` says which)."""
        return self.safety if self.applicable else "display-only"

    def as_dict(self) -> dict[str, Any]:
        """The ``fix`` object of ``--format json`` (keys are only ever added)."""
        return {"safety": self.safety, "description": self.description, "applicable": self.applicable,
                "reason": self.reason, "ops": [op.as_dict() for op in self.ops],
                "edits": [edit.as_dict() for edit in self.edits], "applicability": self.applicability}
