"""``--format json``: the stable machine interface (documented in the README).

Keys are only ever added, never renamed or removed.
"""

from __future__ import annotations

from functools import lru_cache
from json.encoder import encode_basestring, encode_basestring_ascii
from typing import Any

from kspm_lint import __version__
from kspm_lint.findings import Finding
from kspm_lint.location import format_path
from kspm_lint.report import RenderOptions, Report

SCHEMA_VERSION = 1

_path_text = lru_cache(maxsize=16384)(format_path)  # the same few paths recur in every file


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.label,
        "message": finding.message,
        "file": finding.file,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "resource": finding.resource.as_dict() if finding.resource else None,
        "container": finding.container,
        "path": _path_text(finding.path),
        "suppressed": finding.suppressed,
        "suppression_reason": finding.suppression_reason,
        # null, or {"safety", "description", "applicable", "reason", "ops", "edits"}: the
        # automatic fix (kspm_lint.fix.model.Fix.as_dict); ops are the patch as data, edits
        # the 1-based, end-exclusive text replacements of the original file for this fix alone.
        "fix": finding.fix.as_dict() if finding.fix is not None else None,
        # null (suppressed, or not ranked), or {"score": 0-10, "reasons": [...]}: the severity
        # raised by what the repository says about the workload (exposure, privilege, ...).
        "risk": finding.risk.as_dict() if finding.risk is not None else None,
    }


def dumps(value: Any, ensure_ascii: bool = True) -> str:
    """Exactly ``json.dumps(value, indent=2, ensure_ascii=ensure_ascii)``, several times
    faster: the standard library encodes indented output in pure Python, one generator
    step per token, and holds every token of a large report in memory at once."""
    return _encoders[ensure_ascii](value, "\n")


def encode_at(value: Any, newline: str, ensure_ascii: bool = True) -> str:
    """``value`` as ``dumps`` writes it where its lines start with ``newline``."""
    return _encoders[ensure_ascii](value, newline)


def _make_encoder(ensure_ascii: bool) -> Any:
    text = encode_basestring_ascii if ensure_ascii else encode_basestring
    int_repr, float_repr = int.__repr__, float.__repr__

    def number(value: float) -> str:
        if value != value:
            return "NaN"
        if value == _INFINITY:
            return "Infinity"
        if value == -_INFINITY:
            return "-Infinity"
        return float_repr(value)

    def key(name: Any) -> str:
        if isinstance(name, str):
            return text(name)
        if isinstance(name, float):
            return text(number(name))
        if name is True:
            return '"true"'
        if name is False:
            return '"false"'
        if name is None:
            return '"null"'
        if isinstance(name, int):
            return text(int_repr(name))
        raise TypeError(f"keys must be str, int, float, bool or None, not {name.__class__.__name__}")

    def encode(value: Any, newline: str) -> str:
        kind = type(value)
        if kind is str:
            return text(value)
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if kind is int:
            return int_repr(value)
        if kind is dict:
            if not value:
                return "{}"
            inner = newline + "  "
            return "{" + inner + ("," + inner).join([
                (text(k) if type(k) is str else key(k)) + ": " + (text(v) if type(v) is str else encode(v, inner))
                for k, v in value.items()]) + newline + "}"
        if kind is list or kind is tuple:
            if not value:
                return "[]"
            inner = newline + "  "
            return "[" + inner + ("," + inner).join([text(v) if type(v) is str else encode(v, inner)
                                                     for v in value]) + newline + "]"
        if kind is float:
            return number(value)
        # Subclasses, in the order the standard encoder tests them.
        if isinstance(value, str):
            return text(value)
        if isinstance(value, int):
            return int_repr(value)
        if isinstance(value, float):
            return number(value)
        if isinstance(value, (list, tuple)):
            return encode(list(value), newline)
        if isinstance(value, dict):
            return encode(dict(value), newline)
        raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")

    return encode


_INFINITY = float("inf")
_encoders = {True: _make_encoder(True), False: _make_encoder(False)}


def render(report: Report, options: RenderOptions) -> str:
    findings = _FINDINGS  # encoded one finding at a time, below, so that no list of them is kept
    document = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "kspm-lint", "version": __version__},
        "findings": findings,
        "summary": {
            "files": report.files,
            "resources": report.resources,
            "findings": len(report.active),
            "suppressed": len(report.findings) - len(report.active),
            "by_severity": report.counts(),
            "fail_on": report.fail_on.label,
            "failed": bool(report.failing),
        },
    }
    if report.framework is not None:
        from kspm_lint.frameworks import compliance

        summary = document["summary"]
        assert isinstance(summary, dict)
        summary["compliance"] = [result.as_dict()
                                 for result in compliance(report.framework, report.rules, report.findings)]
    head, tail = dumps(document).split(dumps(_FINDINGS_TEXT))
    encode, inner = _encoders[True], "\n    "
    if not report.findings:
        return head + "[]" + tail + "\n"
    # One finding at a time, and the texts of a few hundred joined as soon as they are
    # there: neither the findings' dicts nor their small texts are all held at once (a
    # large tree's report is big), and the big pieces go back to the system when joined.
    chunks, parts, size = [head, "["], [], 0
    separator = inner
    for finding in report.findings:
        text = encode(finding_dict(finding), inner)
        parts.append(separator)
        parts.append(text)
        separator = "," + inner
        size += len(text)
        if size > _CHUNK:
            chunks.append("".join(parts))
            parts, size = [], 0
    chunks.append("".join(parts))
    chunks.append("\n  ]")
    chunks.append(tail)
    chunks.append("\n")
    return "".join(chunks)


_CHUNK = 1 << 22  # characters of findings' text joined at a time
_FINDINGS_TEXT = "kspm-lint findings placeholder \u0000"
_FINDINGS = _FINDINGS_TEXT
