"""KubeletConfiguration files (kubelet.config.k8s.io): one field per rule, judged with
the default the kubelet applies to the v1beta1 file format when the field is absent
(which differs from the command-line defaults: anonymous auth is off, authorization is
Webhook and the read-only port is 0 in a config file)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kspm_lint.checks import template
from kspm_lint.checks.settings import judge, normal
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.engine.parameters import Parameter
from kspm_lint.location import Path

MISSING = object()


def is_kubelet_config(data: dict[str, Any]) -> bool:
    return data.get("kind") == "KubeletConfiguration" and \
        str(data.get("apiVersion", "")).startswith("kubelet.config.k8s.io/")


def field_value(data: Any, path: Path) -> Any:
    """The value at ``path``, or MISSING when any step is not written."""
    for element in path:
        if not isinstance(data, dict) or element not in data:
            return MISSING
        data = data[element]
    return data


@template('kubelet-config-setting', 'resource',
          'A KubeletConfiguration field judged against its secure values and the kubelet defaults.',
          Parameter('field', 'value', 'The path of the KubeletConfiguration field.', None),
          Parameter('default', 'value', 'The value the component applies when the setting is absent.', None),
          Parameter('allowed', 'value', 'The only values allowed.', None),
          Parameter('why', 'string', 'Why the setting matters, appended to the message.', None),
          Parameter('required', 'boolean', 'The setting must be given.', None),
          Parameter('skip-when', 'value', 'Conditions under which the rule is skipped.', None),
          Parameter('forbidden', 'value', 'Values that are findings.', None),
          Parameter('forbid-zero-duration', 'boolean', 'A zero duration (no timeout at all) is a finding.', None),
          Parameter('only-items', 'value', 'The only items a list value may hold.', None),
          Parameter('min', 'integer', 'The smallest acceptable number.', None))
def kubelet_config_setting(ctx: CheckContext) -> Iterator[Violation]:
    data = ctx.resource.data
    if not is_kubelet_config(data):
        return
    params = ctx.params
    path: Path = tuple(params["field"])
    for condition in params.get("skip-when", []):
        other = field_value(data, tuple(condition["field"]))
        if other is not MISSING and normal(other) == normal(condition["value"]):
            return
    value = field_value(data, path)
    written = value is not MISSING and value is not None
    verdict = judge(".".join(str(p) for p in path), value if written else None, written, params)
    if verdict is not None:
        yield Violation(path, f"KubeletConfiguration {verdict.reason}: {params['why']}")
