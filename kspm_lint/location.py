"""Source positions: 1-based lines and columns, as editors show them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PathElement = str | int
Path = tuple[PathElement, ...]


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """A region of a file. All four numbers are 1-based; the end is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def from_marks(cls, start, end) -> Span:
        """Build from PyYAML marks (0-based line and column)."""
        return cls(start.line + 1, start.column + 1, end.line + 1, end.column + 1)

    @classmethod
    def point(cls, line: int, column: int = 1) -> Span:
        return cls(line, column, line, column)


def value_at(data: Any, path: Path) -> Any:
    """The value at ``path`` in plain data, or None when any step is missing."""
    for element in path:
        if isinstance(element, str) and isinstance(data, dict):
            data = data.get(element)
        elif isinstance(element, int) and isinstance(data, list) and 0 <= element < len(data):
            data = data[element]
        else:
            return None
    return data


def format_path(path: Path) -> str:
    """Render a path as JSONPath-style text: ``spec.containers[0].image``."""
    out: list[str] = []
    for element in path:
        if isinstance(element, int):
            out.append(f"[{element}]")
        elif _is_plain_key(element):
            out.append(f".{element}" if out else element)
        else:
            escaped = element.replace("\\", "\\\\").replace("'", "\\'")
            out.append(f"['{escaped}']")
    return "".join(out)


def _is_plain_key(key: str) -> bool:
    return bool(key) and all(ch.isalnum() or ch in "_-" for ch in key)
