"""Helm charts rendered with the real engine, every rendered field mapped back to the
template line and the values key that wrote it.

Entry points: ``render_chart(chart_dir, HelmOptions(...)) -> HelmRender`` (one value set
of one chart), ``source_comments`` (committed ``helm template`` output),
``is_go_template`` (a Go template outside a chart).

How a field is mapped (``HelmOrigin``):

- Three renders with the same engine: the chart as it is (what is linted), a marked copy
  (``markers``: which template line wrote each rendered line) and a probe (``sentinels``:
  string values replaced by tokens, to see which values key a field carries).
- ``locate`` gives the template line that writes the key, with the key's column. A key
  written by a helper maps to the helper's line in ``_helpers.tpl`` (where it is
  written), not to the ``include``. A field pasted from values (``toYaml``, ``with``)
  maps to the values key itself, in the file of the highest-precedence layer that sets
  it; a pasted field with no values key found maps to the pasting action's line. A
  missing field maps to its nearest written ancestor (the container, the pod). When no
  line is known: the template file, line 1, and the location's message says so.
- ``explain`` gives the values key behind a template-written value, or the pasting
  line behind a values-located one, or the values keys a composed string is made of.
- ``fix_target`` is the values file and path when the value (or, for a missing field,
  its parent mapping) comes from a values file; None when it is written in a template
  (a display-only fix) or set by ``--set``.
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
