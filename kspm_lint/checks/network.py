"""Network isolation: NetworkPolicy rules that allow everything, Services reachable from
outside the cluster, and namespaces whose pods no default-deny policy isolates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kspm_lint import relations as rel
from kspm_lint.checks import template
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.engine.parameters import Parameter
from kspm_lint.engine.runner import CrossViolation, needs_whole_run, run_wide
from kspm_lint.inventory import Inventory, InventoryObject

DIRECTIONS = {"Ingress": ("ingress", "from"), "Egress": ("egress", "to")}
EVERYWHERE = {"0.0.0.0/0", "::/0"}


def policy_types(policy: dict[str, Any]) -> set[str]:
    """The policy's types: as written, else Ingress, plus Egress when it has egress rules
    (the API server's defaulting)."""
    spec = policy.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    written = spec.get("policyTypes")
    if isinstance(written, list) and written:
        return {str(t) for t in written}
    types = {"Ingress"}
    if isinstance(spec.get("egress"), list) and spec["egress"]:
        types.add("Egress")
    return types


@template("networkpolicy-allow-all", "resource", "NetworkPolicy rule allows all traffic.")
def networkpolicy_allow_all(ctx: CheckContext) -> Iterator[Violation]:
    resource = ctx.resource
    if resource.kind != "NetworkPolicy":
        return
    spec = resource.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    types = policy_types(resource.data)
    for direction, (field, peers_field) in DIRECTIONS.items():
        rules = spec.get(field)
        if direction not in types or not isinstance(rules, list):
            continue
        for index, rule in enumerate(rules):
            rule = rule if isinstance(rule, dict) else {}
            peers, ports = rule.get(peers_field), rule.get("ports")
            where = "from" if direction == "Ingress" else "to"
            if not peers and not ports:
                yield Violation(("spec", field, index),
                                f"NetworkPolicy '{resource.name}' {field} rule {index} is empty: it allows all "
                                f"{direction.lower()} traffic {where} anywhere on every port")
                continue
            for number, peer in enumerate(peers if isinstance(peers, list) else []):
                block = peer.get("ipBlock") if isinstance(peer, dict) else None
                if not isinstance(block, dict) or block.get("cidr") not in EVERYWHERE or block.get("except"):
                    continue
                on = "on the listed ports" if ports else "on every port"
                yield Violation(("spec", field, index, peers_field, number, "ipBlock", "cidr"),
                                f"NetworkPolicy '{resource.name}' {field} rule {index} allows {direction.lower()} "
                                f"{where} {block['cidr']} (any address) {on}")


@template("service-exposed", "resource", "Service exposed outside the cluster.")
def service_exposed(ctx: CheckContext) -> Iterator[Violation]:
    resource = ctx.resource
    spec = resource.data.get("spec")
    if resource.kind != "Service" or not isinstance(spec, dict):
        return
    kind = spec.get("type")
    if kind not in ("LoadBalancer", "NodePort"):
        return
    reach = "a cloud load balancer" if kind == "LoadBalancer" else "a port on every node"
    ranges = spec.get("loadBalancerSourceRanges")
    limit = " (limited by loadBalancerSourceRanges)" if kind == "LoadBalancer" and ranges else ""
    yield Violation(("spec", "type"), f"Service '{resource.name}' is of type {kind}: it is reachable through "
                                      f"{reach} from outside the cluster{limit}")


# --- default deny ---------------------------------------------------------------------


def is_default_deny(policy: InventoryObject, direction: str) -> bool:
    """Selects every pod of its namespace, has the type, and no rule of that direction."""
    spec = policy.data.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    field = DIRECTIONS[direction][0]
    return (rel.selects_everything(spec.get("podSelector"))
            and direction in policy_types(policy.data)
            and not spec.get(field))


def _missing_default_deny(inventory: Inventory, params: dict[str, Any], direction: str) -> Iterator[CrossViolation]:
    exempt = {str(n) for n in params.get("exempt-namespaces") or []}
    namespaces = rel.Namespaces.of(inventory)
    covered = {namespaces.of_object(p) for p in inventory.of_kind("NetworkPolicy") if is_default_deny(p, direction)}
    by_namespace: dict[str, list[InventoryObject]] = {}
    for obj, _ in rel.workloads(inventory):
        namespace = namespaces.of_object(obj)
        if namespace is None or namespace in covered or namespace in exempt:
            continue  # None: an unknown namespace; whichever it is, the run cannot tell
        by_namespace.setdefault(namespace, []).append(obj)
    field = DIRECTIONS[direction][0]
    for namespace, members in by_namespace.items():
        count = f"{len(members)} workload{'s' if len(members) != 1 else ''}"
        message = (f"namespace '{namespace}' runs {count} of this run but no NetworkPolicy denies {field} by "
                   f"default (podSelector: {{}}, policyTypes: [{direction}], no {field} rules)")
        declared = namespaces.declared.get(namespace)
        related = tuple((m, ("metadata", "name"), f"{m.ref.kind} '{m.ref.name}' in this namespace") for m in members)
        if declared is not None:
            yield CrossViolation(declared, Violation(("metadata", "name"), message), related)
            continue
        first = members[0]
        path = ("metadata", "namespace") if first.ref.namespace else ("metadata",)
        yield CrossViolation(first, Violation(path, message), related[1:])


@template("namespace-missing-default-deny-ingress", "run", "Namespace has no default-deny ingress NetworkPolicy.",
          Parameter('exempt-namespaces', 'string-list', 'Namespaces not required to deny ingress by default.', []))
@run_wide
@needs_whole_run
def namespace_missing_default_deny_ingress(inventory: Inventory, params: dict[str, Any]) -> Iterator[CrossViolation]:
    return _missing_default_deny(inventory, params, "Ingress")


@template("namespace-missing-default-deny-egress", "run", "Namespace has no default-deny egress NetworkPolicy.",
          Parameter('exempt-namespaces', 'string-list', 'Namespaces not required to deny egress by default.', []))
@run_wide
@needs_whole_run
def namespace_missing_default_deny_egress(inventory: Inventory, params: dict[str, Any]) -> Iterator[CrossViolation]:
    return _missing_default_deny(inventory, params, "Egress")
