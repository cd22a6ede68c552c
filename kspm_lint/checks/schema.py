"""schema-unknown-field and schema-invalid: objects checked against the official
Kubernetes schemas of the rule's ``kube-version``. Objects whose apiVersion and kind
have no schema (custom resources, removed APIs) are skipped. The schemas are loaded
on first use, never at start-up."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from kspm_lint.checks import template
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.engine.parameters import Parameter
from kspm_lint.location import Path

SCHEMA_RULES = ("schema-unknown-field", "schema-invalid")
_last: tuple[Any, ...] = ()  # (data, version text, problems): both rules walk an object once


def verbose_note(selected: Iterable[str]) -> str | None:
    """What -v says when schema rules were selected but cannot run here, else None."""
    wanted = set(selected)
    chosen = [rule for rule in SCHEMA_RULES if rule in wanted]
    if not chosen:
        return None
    from kspm_lint.checks.schema_store import SchemaNotInstalled, schema_root

    try:
        schema_root()
    except SchemaNotInstalled as exc:
        return f"{' and '.join(chosen)} skipped: {exc}"
    return None


def _problems(ctx: CheckContext) -> list[Any]:
    global _last
    from kspm_lint.checks.schema_store import SchemaNotInstalled, SchemaUnavailable, resolve_version, schema_set

    data = ctx.resource.data
    wanted = str(ctx.params.get("kube-version", "latest"))
    if _last and _last[0] is data and _last[1] == wanted:
        return list(_last[2])
    try:
        schemas = schema_set(resolve_version(wanted))
    except SchemaNotInstalled:
        return []  # verbose output says so once (unavailable_reason)
    except SchemaUnavailable as exc:
        raise ValueError(str(exc)) from None
    root = schemas.root_for(ctx.resource.api_version, ctx.resource.kind)
    problems = schemas.problems(data, root) if root is not None else []
    problems = [p for p in problems if p.rule != "invalid" or not _sexagesimal(ctx, p.path)]
    _last = (data, wanted, problems)
    return problems


def _sexagesimal(ctx: CheckContext, path: Path) -> bool:
    """True when the value is a number only under YAML 1.1's base-60 form (``1:30``),
    which the Go YAML library behind kubectl reads as a string: not a sure error."""
    import yaml

    from kspm_lint.parsing.nodes import effective_pairs

    node = ctx.resource.document.root
    for element in ctx.resource.base + path:
        if isinstance(node, yaml.MappingNode) and isinstance(element, str):
            pair = effective_pairs(node).get(element)
            if pair is None:
                return False
            node = pair[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(element, int) and element < len(node.value):
            node = node.value[element]
        else:
            return False
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(("int", "float")) and ":" in node.value


@template('schema-unknown-field', 'resource',
          'Fields the official Kubernetes schema does not know.',
          Parameter('kube-version', 'string', 'Target Kubernetes version (latest: the newest shipped).', 'latest'))
def schema_unknown_field(ctx: CheckContext) -> Iterator[Violation]:
    for problem in _problems(ctx):
        if problem.rule == "unknown-field":
            yield Violation(problem.path, problem.message)


@template('schema-invalid', 'resource',
          'Values of the wrong type or outside the enum of the official Kubernetes schema.',
          Parameter('kube-version', 'string', 'Target Kubernetes version (latest: the newest shipped).', 'latest'))
def schema_invalid(ctx: CheckContext) -> Iterator[Violation]:
    for problem in _problems(ctx):
        if problem.rule == "invalid":
            yield Violation(problem.path, problem.message)
