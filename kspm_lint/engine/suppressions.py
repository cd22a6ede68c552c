"""Suppressions: inline comments, object annotations and config-side ignores.

Every suppression remembers which of its rule ids matched a finding, so stale ones
can be reported (``unused-suppression``) instead of piling up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from kspm_lint.findings import Finding, ObjectAddress, SuppressionOrigin, SuppressionRecord
from kspm_lint.location import Path, Span
from kspm_lint.origin import Location
from kspm_lint.parsing.document import ParsedFile
from kspm_lint.resources import Resource
from kspm_lint.workload import pod_spec_of

COMMENT = re.compile(
    r"(?:^|(?<=\s))#\s*kspm-lint:\s*(disable-file|disable)="
    r"([A-Za-z0-9_-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_-]+)*)[ \t]*(.*)$"
)
# The line breaks YAML counts (str.splitlines also splits on form feeds and others).
YAML_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
ANNOTATION = "kspm-lint.io/ignore"


@dataclass(frozen=True, slots=True)
class Everywhere:
    """``disable-file``: every finding located in ``file``."""

    file: str

    def applies(self, finding: Finding) -> bool:
        return finding.file == self.file


@dataclass(frozen=True, slots=True)
class OnLines:
    """A comment on a line (and, standing alone, the line below it)."""

    file: str
    lines: frozenset[int]

    def applies(self, finding: Finding) -> bool:
        return finding.file == self.file and finding.span.line in self.lines


@dataclass(frozen=True, slots=True)
class InDocument:
    """A comment heading a document: findings on that document's objects."""

    file: str
    document: int

    def applies(self, finding: Finding) -> bool:
        address = finding.address
        return address is not None and address.unit == self.file and address.document == self.document \
            and finding.file == self.file


@dataclass(frozen=True, slots=True)
class OnObject:
    """An annotation: findings on one object (one container of it, when named)."""

    address: ObjectAddress
    container: str | None

    def applies(self, finding: Finding) -> bool:
        if finding.address != self.address:
            return False
        return self.container is None or finding.container == self.container


@dataclass(frozen=True, slots=True)
class Matching:
    """A config ignore: kind/namespace/name/container/file globs."""

    globs: tuple[tuple[str, str], ...]

    def applies(self, finding: Finding) -> bool:
        resource = finding.resource
        values = {
            "kind": resource.kind if resource else "",
            "namespace": resource.namespace if resource else "",
            "name": resource.name if resource else "",
            "container": finding.container or "",
            "file": finding.file,
        }
        return all(fnmatchcase(values[k], pattern) for k, pattern in self.globs)


Scope = Everywhere | OnLines | InDocument | OnObject | Matching


@dataclass
class Suppression:
    """Plain data (it travels back from worker processes): which rules, why, where it
    is written and which findings it covers."""

    rules: frozenset[str]
    reason: str
    origin: SuppressionOrigin
    file: str | None
    span: Span | None
    scope: Scope
    used: set[str] = field(default_factory=set)

    def matches(self, finding: Finding) -> bool:
        if finding.rule not in self.rules and "all" not in self.rules:
            return False
        return self.scope.applies(finding)


def _split_rules(text: str) -> frozenset[str]:
    return frozenset(part.strip() for part in text.split(",") if part.strip())



def comment_suppressions(parsed: ParsedFile) -> list[Suppression]:
    """``# kspm-lint: disable=a,b reason`` on a line, above a line, heading a document,
    and ``disable-file=`` anywhere in the file."""
    if "kspm-lint:" not in parsed.text:
        return []
    found: list[Suppression] = []
    doc_starts = [(d.start_line, d.index) for d in parsed.documents]
    doc_ends = {d.index: d.end_line for d in parsed.documents}
    inside_text = _text_scalars(parsed)
    for number, line in enumerate(YAML_LINE_BREAK.split(parsed.text), start=1):
        if "kspm-lint:" not in line:
            continue
        match = COMMENT.search(line)
        if match is None or _within(inside_text, number, match.start() + 1):
            continue  # not a comment: text inside a string (a script in a ConfigMap, say)
        kind, rules, reason = match.group(1), _split_rules(match.group(2)), match.group(3).strip()
        span = Span(number, match.start() + 1, number, len(line) + 1)
        standalone = line[: match.start()].strip() == ""
        file = parsed.path
        if kind == "disable-file":
            found.append(Suppression(rules, reason, "comment", file, span, Everywhere(file)))
            continue
        heading = _document_headed_by(number, doc_starts, doc_ends) if standalone else None
        if heading is not None:
            found.append(Suppression(rules, reason, "comment", file, span, InDocument(file, heading)))
            continue
        lines = {number, number + 1} if standalone else {number}
        found.append(Suppression(rules, reason, "comment", file, span, OnLines(file, frozenset(lines))))
    return found


def _text_scalars(parsed: ParsedFile) -> list[tuple[int, int, int, int]]:
    """Regions of scalars whose text could hold ``# kspm-lint:``: a data string must never
    be able to silence the linter."""
    regions: list[tuple[int, int, int, int]] = []
    seen: set[int] = set()
    stack = [document.root for document in parsed.documents]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node.value, str):
            if "#" in node.value:
                start, end = node.start_mark, node.end_mark
                regions.append((start.line + 1, start.column + 1, end.line + 1, end.column + 1))
        elif node.value and isinstance(node.value[0], tuple):
            stack.extend(item for pair in node.value for item in pair)
        else:
            stack.extend(node.value)
    return regions


def _within(regions: list[tuple[int, int, int, int]], line: int, column: int) -> bool:
    return any((sl, sc) <= (line, column) < (el, ec) for sl, sc, el, ec in regions)


def _document_headed_by(line: int, starts: list[tuple[int, int]], ends: dict[int, int]) -> int | None:
    """The document whose content begins after ``line`` with nothing but comments between."""
    previous_end = 0
    for start, index in starts:
        if start > line:
            return index if line > previous_end else None
        previous_end = ends[index]
    return None


def annotation_suppressions(resource: Resource, address: ObjectAddress,
                            locate: Callable[[Path], Location]) -> list[Suppression]:
    """``kspm-lint.io/ignore`` on the object or its pod template, and
    ``kspm-lint.io/ignore.<container>`` for one container. ``locate`` is the object's
    origin: where each annotation is written (for stale-suppression reports)."""
    found: list[Suppression] = []
    places: list[tuple[tuple, dict[str, Any]]] = [(("metadata",), resource.metadata)]
    pod = pod_spec_of(resource)
    if pod is not None and pod.template_metadata_path is not None:
        places.append((pod.template_metadata_path, pod.template_metadata))
    for meta_path, meta in places:
        annotations = meta.get("annotations")
        if not isinstance(annotations, dict):
            continue
        for key, value in annotations.items():
            if not (key == ANNOTATION or key.startswith(ANNOTATION + ".")) or not isinstance(value, str):
                continue
            container = key[len(ANNOTATION) + 1:] or None
            where = locate(meta_path + ("annotations", key))
            found.append(Suppression(_split_rules(value), f"annotation {key}", "annotation",
                                     where.file, where.span, OnObject(address, container)))
    return found


def config_suppressions(entries: Iterable[dict[str, Any]], file: str | None = None,
                        line_of: Callable[[int], int] | None = None) -> list[Suppression]:
    """Config ``ignores`` entries: rules plus kind/namespace/name/container/file globs.
    ``file`` and ``line_of(index)`` say where each entry is written, for stale reports."""
    found: list[Suppression] = []
    for index, entry in enumerate(entries):
        rules = entry.get("rules", ["all"])
        rules = _split_rules(rules) if isinstance(rules, str) else frozenset(rules)
        globs = tuple((k, str(entry[k])) for k in ("kind", "namespace", "name", "container", "file") if k in entry)
        reason = str(entry.get("reason", "")) or "config ignore"
        span = Span.point(line_of(index)) if file and line_of else None
        found.append(Suppression(rules, reason, "config", file, span, Matching(globs)))
    return found


def apply(findings: list[Finding], suppressions: list[Suppression]) -> None:
    """Mark findings suppressed (kept, with the reason), noting which suppressions were used."""
    if not suppressions:
        return
    for finding in findings:
        for suppression in suppressions:
            if suppression.matches(finding):
                suppression.used.add(finding.rule)
                if finding.suppression is None:
                    finding.suppression = SuppressionRecord(
                        suppression.origin, suppression.reason or f"{suppression.origin} suppression")


def unused(suppressions: list[Suppression], ran: set[str], known: set[str]) -> list[tuple[Suppression, str, str]]:
    """(suppression, rule id, why) for each listed rule that suppressed nothing.

    A rule that did not run this time (not selected) cannot be judged, so it is skipped.
    """
    stale: list[tuple[Suppression, str, str]] = []
    for suppression in suppressions:
        for rule in sorted(suppression.rules):
            if rule == "all":
                if not suppression.used:
                    stale.append((suppression, rule, "suppresses nothing"))
            elif rule not in known:
                stale.append((suppression, rule, "names an unknown rule"))
            elif rule in ran and rule not in suppression.used:
                stale.append((suppression, rule, "matches no finding"))
    return stale
