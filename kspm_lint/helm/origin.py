"""The origin of an object a chart rendered: template lines and values keys."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from kspm_lint.helm.sentinels import Probe
from kspm_lint.helm.sourcemap import LineSource, SourceMap
from kspm_lint.helm.values import ValuesIndex
from kspm_lint.location import Path, Span, value_at
from kspm_lint.origin import FixTarget, Location
from kspm_lint.resources import Resource

NO_LINE = "no exact template line is known for this field; line 1 is a placeholder"
PASTED = "written by the action on this line (include, toYaml or range)"
VALUES_KEY = "the values key that sets this"
VALUES_PART = "a values key whose text is part of this value"
CALL_SITE = "the template line that pastes this value"


@dataclass(frozen=True)
class Trace:
    """How a rendered field maps back: its template line (or None) and the values path
    that sets it (None when the value is written in the template)."""

    source: LineSource | None
    values_path: Path | None


class HelmOrigin:
    """Answers ``Origin`` questions for one rendered object."""

    def __init__(self, resource: Resource, source_map: SourceMap, values: ValuesIndex,
                 rendered_file: str) -> None:
        self.resource = resource
        self.source_map = source_map
        self.values = values
        self.rendered_file = rendered_file
        self.probe: Probe | None = None  # set when the probe render has this object
        self.probe_data: Any = None

    # -- Origin protocol ---------------------------------------------------------------

    def locate(self, path: Path) -> Location:
        existing = self._existing(path)
        trace = self._trace(existing)
        if trace.source is None:
            return self._fallback(existing)
        if not trace.source.own and trace.values_path is not None:
            where = self.values.location(trace.values_path, None)
            if where is not None:
                return Location(where.file, where.span)
        return self._template_location(trace.source, existing)

    def rendered(self, path: Path) -> Location | None:
        return Location(self.rendered_file, self.resource.locate(path), "in the rendered output")

    def explain(self, path: Path) -> tuple[Location, ...]:
        existing = self._existing(path)
        trace = self._trace(existing)
        if trace.source is not None and trace.values_path is None:
            return self._parts(existing, trace.source)
        if trace.source is None or trace.values_path is None:
            return ()
        values_location = self.values.location(trace.values_path, VALUES_KEY)
        if values_location is None:
            return ()
        if trace.source.own:
            return (values_location,)
        template = self._template_location(trace.source, existing)
        return (Location(template.file, template.span, CALL_SITE),)

    def fix_target(self, path: Path) -> FixTarget | None:
        existing = self._existing(path)
        trace = self._trace(existing)
        if trace.values_path is None:
            return None
        return self.values.fix_target(trace.values_path + tuple(path[len(existing):]))

    # -- tracing -----------------------------------------------------------------------

    def _existing(self, path: Path) -> Path:
        for cut in range(len(path), -1, -1):
            if self.resource.exists(tuple(path[:cut])):
                return tuple(path[:cut])
        return ()

    def _trace(self, path: Path) -> Trace:
        line = self.resource.locate(path).line
        source = self.source_map.line_source(line)
        if source is None:
            return Trace(None, None)
        if path and isinstance(path[-1], str):
            text = self.source_map.template_line(source.file, source.line)
            written = _key_column(text, path[-1])[0] is not None
            if source.own and not written and "{{" in text:
                # The line's marker is the call site's: the key came out of the action.
                source = replace(source, own=False)
            elif not source.own and written:
                # ``key: {{- toYaml ... | nindent }}``: the trim moved the marker off the
                # key's line, but the key is written on the call site's line.
                source = replace(source, own=True)
        return Trace(source, self._values_path(path, source))

    def _probed(self, path: Path) -> Any:
        return value_at(self.probe_data, path) if self.probe is not None and path else None

    def _values_path(self, path: Path, source: LineSource) -> Path | None:
        probed = self._probed(path)
        if isinstance(probed, str) and self.probe is not None:
            exact = self.probe.path_of(probed)
            if exact is not None and self.values.exists(exact):
                return exact
        data = self.resource.data
        prefix = source.values_prefix
        # The line's own file first, then every template of the same (sub)chart: a helper
        # elsewhere may paste the subtree.
        references = self.source_map.values_references(source.file) + [
            reference for reference in self.source_map.chart_references(prefix)
            if reference not in self.source_map.values_references(source.file)
        ]
        # A collection pasted from values (toYaml, with): the nearest ancestor whose whole
        # subtree equals a values subtree the template names.
        for cut in range(len(path), 0, -1):
            ancestor = tuple(path[:cut])
            rendered = value_at(data, ancestor)
            if not isinstance(rendered, (dict, list)) or not rendered:
                continue
            for reference in references:
                full = prefix + reference
                if _pasted_from(rendered, self.values.value(full)):
                    return full + tuple(path[cut:])
        # A scalar written by {{ .Values.x }} on the key's own line.
        if not source.own or not path:
            return None
        rendered = value_at(data, path)
        if isinstance(rendered, (dict, list)):
            return None
        line_text = self.source_map.template_line(source.file, source.line)
        for reference in _line_references(line_text):
            full = prefix + reference
            if self.values.exists(full) and _same_scalar(self.values.value(full), rendered):
                return full
        return None

    def _parts(self, path: Path, source: LineSource) -> tuple[Location, ...]:
        """Values keys whose text is part of a scalar composed on the key's own line
        (``"{{ .Values.repo }}:{{ .Values.tag }}"``, ``--flag={{ .Values.on }}``, ``upper``):
        related places, never a fix target."""
        rendered = value_at(self.resource.data, path)
        if not isinstance(rendered, str) or not path:
            return ()
        found: list[Location] = []
        probed = self._probed(path)
        if isinstance(probed, str) and self.probe is not None:
            for full in dict.fromkeys(self.probe.parts_of(probed)):
                where = self.values.location(full, VALUES_PART)
                if where is not None:
                    found.append(where)
        if found or not source.own:
            return tuple(found)
        line_text = self.source_map.template_line(source.file, source.line)
        for reference in _line_references(line_text):
            full = source.values_prefix + reference
            value = self.values.value(full)
            text = _text(value).lower()
            if isinstance(value, (str, int, float)) and text and text in rendered.lower():
                where = self.values.location(full, VALUES_PART)
                if where is not None:
                    found.append(where)
        return tuple(found)

    # -- locations ---------------------------------------------------------------------

    def _template_location(self, source: LineSource, path: Path) -> Location:
        text = self.source_map.template_line(source.file, source.line)
        key = path[-1] if path else None
        column, width = _key_column(text, key) if source.own else (None, 0)
        if column is None:
            column = len(text) - len(text.lstrip()) + 1
            span = Span.point(source.line, column)
        else:
            span = Span(source.line, column, source.line, column + width)
        return Location(source.file, span, None if source.own else PASTED)

    def _fallback(self, path: Path) -> Location:
        block = self.source_map.block_at(self.resource.locate(path).line)
        file = block.file if block is not None and block.file else self.source_map.chart_yaml
        return Location(file, Span.point(1), NO_LINE)


_LINE_REFERENCE = re.compile(r"\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")


def _line_references(text: str) -> list[Path]:
    return [tuple(m.group(1).strip(".").split(".")) for m in _LINE_REFERENCE.finditer(text)]


def _pasted_from(rendered: Any, values: Any) -> bool:
    """True when ``rendered`` is ``values`` pasted, maybe with keys left out (``omit``)."""
    if isinstance(rendered, dict) and isinstance(values, dict):
        return all(key in values and values[key] == value for key, value in rendered.items())
    return rendered == values


def _same_scalar(expected: Any, rendered: Any) -> bool:
    return _text(expected) == _text(rendered)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _key_column(text: str, key: Any) -> tuple[int | None, int]:
    """1-based column and width of ``key:`` written literally on ``text`` (of the ``-``
    for a list item)."""
    if not isinstance(key, str):
        dash = re.match(r"\s*-(?:\s|$)", text)
        return (len(text) - len(text.lstrip()) + 1, 1) if dash else (None, 0)
    pattern = re.compile(r"(?:^|(?<=[\s{,]))([\"']?)" + re.escape(key) + r"\1\s*:(?:\s|$)")
    match = pattern.search(text)
    if match is None:
        return None, 0
    return match.start() + 1, len(key) + 2 * len(match.group(1))
