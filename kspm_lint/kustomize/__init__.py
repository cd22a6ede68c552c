"""Kustomize roots: find them, render them with the real engine, and map every rendered
field back to the base or patch line that wrote it."""

from kspm_lint.kustomize.layout import KustomizeLayout, find_roots
from kspm_lint.kustomize.origin import Attribution, KustomizeOrigin
from kspm_lint.kustomize.render import (
    RENDER_FAILED,
    KustomizeRender,
    RenderOptions,
    RenderProblem,
    render_overlay,
)

__all__ = [
    "RENDER_FAILED",
    "Attribution",
    "KustomizeLayout",
    "KustomizeOrigin",
    "KustomizeRender",
    "RenderOptions",
    "RenderProblem",
    "find_roots",
    "render_overlay",
]
