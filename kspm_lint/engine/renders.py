"""One finding for one written line, however many renders show it.

A base shared by two overlays, or a chart rendered with two value sets, renders the
same source line into several objects: the finding is reported once, at that line,
naming the renders it appears in."""

from __future__ import annotations

from kspm_lint.findings import Finding

_RENDER_SUFFIXES = (" (kustomize build)",)


def _label(unit: str) -> str:
    for suffix in _RENDER_SUFFIXES:
        if unit.endswith(suffix):
            return unit[: -len(suffix)]
    return unit


def merge_rendered(findings: list[Finding]) -> list[Finding]:
    """``findings`` with the duplicates of rendered findings folded into the first one
    (in order); its message names every render it came from."""
    first: dict[tuple, Finding] = {}
    units: dict[int, list[str]] = {}
    kept: list[Finding] = []
    for finding in findings:
        address = finding.address
        if address is None or address.unit == finding.file:  # a plain file: nothing to fold
            kept.append(finding)
            continue
        relative = finding.path[len(address.base):]
        key = (finding.rule, finding.file, finding.span, finding.container, relative, finding.suppressed)
        seen = first.get(key)
        if seen is None:
            first[key] = finding
            units[id(finding)] = [address.unit]
            kept.append(finding)
        elif address.unit not in units[id(seen)]:
            units[id(seen)].append(address.unit)
    for finding in first.values():
        names = units[id(finding)]
        if len(names) > 1:
            finding.message += f" (in {len(names)} renders: {', '.join(_label(n) for n in names)})"
    return kept
