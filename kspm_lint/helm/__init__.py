"""Helm charts rendered with the real engine, every rendered field mapped back to the
template line and the values key that wrote it.

Entry points: ``render_chart`` (one value set of one chart -> ``HelmRender``),
``source_comments`` (committed ``helm template`` output), ``is_go_template`` (a Go
template outside a chart).
"""

from kspm_lint.helm.gotemplate import is_go_template
from kspm_lint.helm.options import HelmOptions, HelmProblem
from kspm_lint.helm.origin import HelmOrigin
from kspm_lint.helm.render import HelmRender, render_chart, value_set_label
from kspm_lint.helm.sources import SourceComment, is_helm_output, source_comments

__all__ = [
    "HelmOptions", "HelmOrigin", "HelmProblem", "HelmRender", "SourceComment",
    "is_go_template", "is_helm_output", "render_chart", "source_comments", "value_set_label",
]
