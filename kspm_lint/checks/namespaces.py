"""Namespaces and admission: the Pod Security level a Namespace enforces, the workloads
that level would reject, and workloads placed in the default namespace."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any, cast

from kspm_lint import relations as rel
from kspm_lint.checks import template
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.engine.parameters import Parameter
from kspm_lint.engine.runner import CrossViolation, run_wide
from kspm_lint.inventory import Inventory
from kspm_lint.location import Path
from kspm_lint.resources import Resource
from kspm_lint.workload import pod_spec_of

ENFORCE = "pod-security.kubernetes.io/enforce"
LEVELS = ("privileged", "baseline", "restricted")
# Kinds that are workloads even when the manifest carries no pod spec (a patch, a stub).
WORKLOAD_KINDS = frozenset({
    "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
    "DeploymentConfig", "PodTemplate",
})


def _labels(data: dict[str, Any]) -> dict[str, Any]:
    metadata = data.get("metadata")
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    return labels if isinstance(labels, dict) else {}


@template("namespace-pss-enforce-missing", "resource", "Namespace does not enforce a Pod Security level.",
          Parameter('exempt-namespaces', 'string-list', 'Namespaces that need no enforce label (platform namespaces).',
                    ['kube-system']))
def namespace_pss_enforce_missing(ctx: CheckContext) -> Iterator[Violation]:
    resource = ctx.resource
    if resource.kind != "Namespace" or resource.name in set(ctx.params.get("exempt-namespaces", [])):
        return
    labels = _labels(resource.data)
    if ENFORCE not in labels:
        at: Path = ("metadata", "labels") if "labels" in resource.metadata else ("metadata",)
        yield Violation(("metadata", "labels", ENFORCE),
                        f"Namespace '{resource.name}' sets no {ENFORCE} label: Pod Security admission applies "
                        "the cluster default, privileged unless configured", at=at)
        return
    value = labels[ENFORCE]
    if value == "privileged":
        yield Violation(("metadata", "labels", ENFORCE),
                        f"Namespace '{resource.name}' enforces the privileged Pod Security level: any pod is admitted")
    elif value not in LEVELS:
        yield Violation(("metadata", "labels", ENFORCE),
                        f"Namespace '{resource.name}' {ENFORCE} label '{value}' is not a level "
                        "(privileged, baseline or restricted)")


@template("workload-in-default-namespace", "resource", "Workload deployed in the default namespace.")
def workload_in_default_namespace(ctx: CheckContext) -> Iterator[Violation]:
    """Any workload kind, with or without a pod spec, and custom kinds that carry one."""
    resource = ctx.resource
    if resource.kind not in WORKLOAD_KINDS and ctx.pod is None:
        return
    if resource.metadata.get("namespace") == "default":
        yield Violation(("metadata", "namespace"),
                        f"{resource.kind} '{resource.name}' is deployed in the 'default' namespace")


@lru_cache(maxsize=1)
def _pss_rules() -> tuple[tuple[str, str, str, Any, dict[str, Any]], ...]:
    """(level, control, rule id, check, parameters) of the shipped Pod Security rules."""
    from kspm_lint.engine.catalog import load_rules

    found = []
    for rule in sorted(load_rules(bind=False).values(), key=lambda r: r.id):
        level = rule.pss_level
        if level in ("baseline", "restricted") and rule.evaluate is not None:
            control = str(rule.frameworks["pss"].get("control", rule.id))
            found.append((level, control, rule.id, rule.evaluate, rule.parameters))
    return tuple(found)


def admission_failures(data: dict[str, Any], level: str) -> list[tuple[str, str, Violation]]:
    """(control, rule id, first violation) for every control of ``level`` (restricted
    includes baseline) that the object's pod fails, using the Pod Security rules' own checks."""
    resource = Resource(cast(Any, None), cast(Any, None), (), data)
    pod = pod_spec_of(resource)
    if pod is None:
        return []
    wanted = ("baseline",) if level == "baseline" else ("baseline", "restricted")
    failures = []
    for rule_level, control, rule_id, evaluate, params in _pss_rules():
        if rule_level not in wanted:
            continue
        violations = list(evaluate(CheckContext(resource, params, pod, True)))
        if violations:
            failures.append((control, rule_id, violations[0]))
    return failures


@template("pss-admission-violation", "run", "Workload rejected by its namespace's Pod Security level.")
@run_wide
def pss_admission_violation(inventory: Inventory, params: dict[str, Any]) -> Iterator[CrossViolation]:
    namespaces = rel.Namespaces.of(inventory)
    levels = {name: str(_labels(obj.data).get(ENFORCE)) for name, obj in namespaces.declared.items()
              if _labels(obj.data).get(ENFORCE) in ("baseline", "restricted")}
    if not levels:
        return
    for obj, _ in rel.workloads(inventory):
        namespace = namespaces.of_object(obj)
        level = levels.get(namespace) if namespace is not None else None
        if level is None:
            continue
        failures = admission_failures(obj.data, level)
        if not failures:
            continue
        controls = ", ".join(f"{control} ({rule_id})" for control, rule_id, _ in failures)
        outcome = "is rejected" if obj.ref.kind == "Pod" else "has its pods rejected"
        first = failures[0][2]
        shown = first.at if first.at is not None else first.path
        related = tuple((where, f"fails {control} ({rule_id})") for control, rule_id, v in failures[1:]
                        if (where := v.at if v.at is not None else v.path) != shown)
        message = (f"{obj.ref.kind} '{obj.ref.name}' {outcome} by Pod Security admission: namespace "
                   f"'{namespace}' enforces {level} and the pod fails {controls}")
        violation = Violation(first.path, message, first.container, first.at, related)
        declared = namespaces.declared[cast(str, namespace)]
        yield CrossViolation(obj, violation, (
            (declared, ("metadata", "labels", ENFORCE), f"namespace '{namespace}' enforces {level}"),))
