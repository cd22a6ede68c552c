"""Where an engine's error message says the problem is: ``<chart>/templates/x.yaml:12:5``
in Go-template messages, mapped to the file in the chart directory."""

from __future__ import annotations

import os
import re

from kspm_lint.helm.paths import display_path
from kspm_lint.location import Span
from kspm_lint.origin import Location

_TEMPLATE_POSITION = re.compile(r"([\w.+-]+(?:/charts/[\w.+-]+)*/templates/[^\s:()\"]+):(\d+)(?::(\d+))?")


def template_file(chart_dir: str, name: str) -> str | None:
    """The file in ``chart_dir`` for a template name such as ``shop/charts/cache/templates/x.yaml``
    (the first part is the chart's name, not its directory)."""
    _, _, relative = name.partition("/")
    path = os.path.join(chart_dir, *relative.split("/"))
    return path if relative and os.path.isfile(path) else None


def error_location(chart_dir: str, message: str) -> Location:
    """The template file and line the engine names; the chart's Chart.yaml, line 1, and
    a note saying so, when it names none."""
    for match in _TEMPLATE_POSITION.finditer(message):
        path = template_file(chart_dir, match.group(1))
        if path is not None:
            line = int(match.group(2))
            column = int(match.group(3)) if match.group(3) else 1
            return Location(display_path(path), Span.point(line, column))
    chart_yaml = display_path(os.path.join(chart_dir, "Chart.yaml"))
    return Location(chart_yaml, Span.point(1), "the engine named no template line")
