"""Kustomize overlays as a source: every top-level root is rendered; the files that
kustomizations read (bases, patches, components) are not linted on their own."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from kspm_lint.discovery import Claim, Target, display_path
from kspm_lint.sources import LoadedUnit
from kspm_lint.sources.rendered import rendered_unit

if TYPE_CHECKING:
    from kspm_lint.kustomize.layout import KustomizeLayout

MARKERS = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})


class KustomizeSource:
    name = "kustomize"
    markers = MARKERS
    opaque = False  # overlays nest; plain files next to a kustomization may be linted on their own

    def __init__(self) -> None:
        self.layout: KustomizeLayout | None = None

    def plan(self, directories: list[str], exclude: list[str]) -> Claim:
        from kspm_lint.kustomize.layout import find_roots

        layout = self.layout = find_roots(directories)
        consumed = {os.path.realpath(path) for path in layout.consumed | layout.patch_files}
        for directory in layout.component_dirs:
            for root, _, files in os.walk(directory):
                consumed.update(os.path.realpath(os.path.join(root, name)) for name in files)
        return Claim([Target(root, display_path(root), self.name) for root in layout.roots], consumed)

    def load(self, target: Target) -> LoadedUnit:
        from kspm_lint.kustomize.render import RenderOptions, render_overlay

        layout = self.layout if self.layout is not None and target.path in self.layout.kustomizations else None
        render = render_overlay(target.path, RenderOptions(layout=layout))
        name = render.parsed.path if render.parsed is not None else f"{render.root_display} (kustomize build)"
        return rendered_unit(name, render.parsed, render.objects,
                             ((p.rule, p.message, p.location) for p in render.problems), render.source_files)
