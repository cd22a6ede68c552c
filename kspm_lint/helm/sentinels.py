"""Values probes: a render in which string values are unique tokens.

Every non-empty string leaf of the effective values becomes ``kspm<N>x``; a rendered
field whose text is a token came from that values key, one that holds tokens among
other text was composed from them (``{{ .Values.repo }}:{{ .Values.tag }}``, or a
helper that builds the image). Strings the templates compare, convert or look up
(``eq``, ``has``, ``int``, ``index``...) keep their value so that
the probe render takes the same branches; booleans, numbers and empty strings are kept
too (they decide branches and loops). Objects of the probe render are used only when
they match the plain render's object by template, position and kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kspm_lint.location import Path

TOKEN = re.compile(r"kspm(\d+)x", re.IGNORECASE)
_ACTION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_DECIDING = re.compile(
    r"\b(?:eq|ne|lt|gt|le|ge|has|hasKey|hasPrefix|hasSuffix|contains|regexMatch|mustRegexMatch|"
    r"semverCompare|int|int64|atoi|float64|toDecimal|index|get|tpl|splitList|split|regexFind|"
    r"regexReplaceAll|trimPrefix|trimSuffix|replace|typeIs|kindIs|lookup)\b"
)
_REFERENCE = re.compile(r"\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
_NUMBER_OR_FLAG = re.compile(r"-?\d+(\.\d+)?|true|false|yes|no|on|off|null", re.IGNORECASE)


@dataclass
class Probe:
    """The probe values and, per token number, the values path it stands for."""

    values: dict[str, Any]
    paths: dict[int, Path] = field(default_factory=dict)

    def path_of(self, text: str) -> Path | None:
        """The values path when ``text`` is exactly one token."""
        match = TOKEN.fullmatch(text)
        return self.paths.get(int(match.group(1))) if match else None

    def parts_of(self, text: str) -> list[Path]:
        """The values paths of every token inside ``text``, in order."""
        return [self.paths[int(m.group(1))] for m in TOKEN.finditer(text) if int(m.group(1)) in self.paths]


def deciding_paths(templates: list[tuple[Path, str]]) -> set[Path]:
    """Values paths that an action compares, converts or hands on: ``(prefix, text)``
    per template file, the prefix being where that (sub)chart's values live."""
    found: set[Path] = set()
    for prefix, text in templates:
        for action in _ACTION.finditer(text):
            body = action.group(0)
            if _DECIDING.search(body):
                for reference in _REFERENCE.finditer(body):
                    found.add(prefix + tuple(reference.group(1).strip(".").split(".")))
    return found


def make_probe(effective: dict[str, Any], keep: set[Path], given: dict[str, Any]) -> Probe:
    """Probe values for ``effective``; the nulls of ``given`` (the user's values) are kept,
    so that the keys they delete are deleted in the probe render too."""
    probe = Probe({})
    probe.values = _replace(effective, (), keep, probe)
    _copy_nulls(given, probe.values)
    return probe


def _copy_nulls(given: dict[str, Any], target: dict[str, Any]) -> None:
    for key, value in given.items():
        if value is None:
            target[key] = None
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _copy_nulls(value, target[key])


def _replace(node: Any, path: Path, keep: set[Path], probe: Probe) -> Any:
    if any(path[:len(k)] == k for k in keep if len(k) <= len(path)):
        return node
    if isinstance(node, dict):
        return {key: _replace(value, path + (key,), keep, probe) for key, value in node.items()}
    if isinstance(node, list):
        return [_replace(value, path + (index,), keep, probe) for index, value in enumerate(node)]
    if isinstance(node, str) and node.strip() and not _NUMBER_OR_FLAG.fullmatch(node.strip()):
        number = len(probe.paths) + 1
        probe.paths[number] = path
        return f"kspm{number}x"
    return node
