"""Committed ``helm template`` output, recognised by its ``# Source:`` comments."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SOURCE = re.compile(r"^# Source: ([^/\s]+)/((?:charts/[^/\s]+/)*templates/\S+)\s*$")


@dataclass(frozen=True)
class SourceComment:
    """The ``# Source:`` comment of one rendered document: ``chart`` is the chart NAME
    (from Chart.yaml), ``template`` the path inside that chart (``templates/x.yaml`` or
    ``charts/<sub>/templates/x.yaml``), ``line`` where the comment is (1-based)."""

    document: int
    chart: str
    template: str
    line: int


def source_comments(text: str) -> list[SourceComment]:
    """For each document of ``text`` that carries a ``# Source:`` comment, the chart and
    template that rendered it; documents are counted as a YAML stream counts them."""
    found: list[SourceComment] = []
    document = 0
    seen_content = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("---") and (len(line) == 3 or line[3] in " \t#"):
            if seen_content:
                document += 1
            seen_content = False
            continue
        match = _SOURCE.match(line)
        if match and not seen_content:
            if found and found[-1].document == document:
                found.pop()  # the earlier comment's document was empty
            found.append(SourceComment(document, match.group(1), match.group(2), number))
            continue
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            seen_content = True
    return found


def is_helm_output(text: str) -> bool:
    """True when ``text`` looks like ``helm template`` output (a ``# Source:`` comment
    opening a document)."""
    return bool(source_comments(text))
