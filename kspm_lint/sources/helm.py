"""Helm charts as a source: each chart directory is rendered once per value set."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING

from kspm_lint.discovery import Claim, Target, display_path
from kspm_lint.sources import LoadedUnit
from kspm_lint.sources.rendered import rendered_unit

if TYPE_CHECKING:
    from kspm_lint.helm import HelmOptions


class HelmSource:
    """A directory with ``Chart.yaml``; nothing below it is linted as plain YAML (its
    subcharts render with it)."""

    name = "helm"
    markers = frozenset({"Chart.yaml"})
    opaque = True

    def __init__(self) -> None:
        self.flags: tuple = ((), (), None, None, None)
        self.value_sets: dict[str, list[tuple[str, ...]]] = {}  # chart dir (real path) -> values files

    def configure(self, values: tuple[str, ...], set_values: tuple[str, ...], release: str | None,
                  namespace: str | None, kube_version: str | None,
                  value_sets: dict[str, list[tuple[str, ...]]]) -> None:
        """The run's ``helm template`` flags (kept plain: the Helm package is imported
        only when a chart is rendered)."""
        self.flags = (values, set_values, release, namespace, kube_version)
        self.value_sets = {os.path.realpath(chart): sets for chart, sets in value_sets.items()}

    def options(self) -> HelmOptions:
        from kspm_lint.helm.options import DEFAULT_RELEASE, HelmOptions

        values, set_values, release, namespace, kube_version = self.flags
        return HelmOptions(values_files=values, set_values=set_values, release=release or DEFAULT_RELEASE,
                           namespace=namespace, kube_version=kube_version)

    def plan(self, directories: list[str], exclude: list[str]) -> Claim:
        targets = []
        for directory in directories:
            sets = self.value_sets.get(os.path.realpath(directory)) or [()]
            for number in range(len(sets)):
                targets.append(Target(directory, display_path(directory), self.name, str(number)))
        return Claim(targets)

    def load(self, target: Target) -> LoadedUnit:
        from kspm_lint.helm import render_chart

        options = self.options()
        sets = self.value_sets.get(os.path.realpath(target.path))
        if sets:
            chart_files = tuple(os.path.join(target.path, f) for f in sets[int(target.variant or 0)])
            options = replace(options, values_files=chart_files + options.values_files)
        render = render_chart(target.path, options)
        name = render.parsed.path if render.parsed is not None else f"{render.chart} (rendered with {render.value_set})"
        return rendered_unit(name, render.parsed, render.objects,
                             ((p.rule, p.message, p.location) for p in render.problems), render.suppression_files)
