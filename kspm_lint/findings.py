"""Findings and severities: what every output format is built from."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from kspm_lint.location import Path, Span


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
class ResourceRef:
    kind: str
    namespace: str
    name: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "namespace": self.namespace, "name": self.name}

    def __str__(self) -> str:
        if self.namespace:
            return f"{self.kind}/{self.namespace}/{self.name}"
        return f"{self.kind}/{self.name}"


@dataclass(slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    file: str
    span: Span
    resource: ResourceRef | None = None
    container: str | None = None
    path: Path = ()
    suppressed: bool = False
    suppression_reason: str | None = None
    document_index: int | None = None
    fix: Any = None  # kspm_lint.fix.model.Fix when the rule has an automatic fix
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.span.line, self.span.column, self.rule, self.message)
