"""Risk ranking: the few findings that matter first.

A finding's risk is its severity raised by what the repository says about its workload:
reachable from outside (a LoadBalancer or NodePort Service, an Ingress or an HTTPRoute
that selects its pods), privileged (another finding on the workload grants host or
kernel access, or its service account is over-privileged), close to data (it mounts or
reads Secrets), and without a blast-radius limit (no default-deny ingress policy in its
namespace). The same context raises every finding of the workload, so a hardening gap
on an exposed privileged pod outranks the same gap on an internal batch job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kspm_lint.findings import Finding, ObjectAddress, Risk, Severity
from kspm_lint.inventory import Inventory, InventoryObject

# Where a severity starts on a 0-10 scale (GitHub code scanning's security-severity bands).
BASE = {Severity.CRITICAL: 9.0, Severity.HIGH: 7.5, Severity.MEDIUM: 5.0, Severity.LOW: 2.5, Severity.INFO: 0.5}
# Each context closes this share of the distance between the score and 10, so scores
# order without piling up at the top: a high finding on an exposed, privileged workload
# comes out at 9.2, the same finding on an internal one stays at 7.5.
WEIGHTS = {"exposed": 0.5, "privileged": 0.35, "data": 0.2, "no-isolation": 0.15}
# Findings that give a container host or kernel access: context for the rest of the workload.
PRIVILEGE_RULES = frozenset({
    "privileged-container", "host-namespaces", "capabilities-beyond-baseline", "host-path-volume",
    "sensitive-host-path", "container-runtime-socket", "windows-host-process", "workload-sa-overprivileged",
})
NO_ISOLATION_RULES = frozenset({"namespace-missing-default-deny-ingress"})
EXPOSING_SERVICE_TYPES = frozenset({"LoadBalancer", "NodePort"})


@dataclass
class _Context:
    exposed: list[str]
    privileged: list[str]
    data: list[str]
    isolation: list[str]

    def reasons(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for key, items in (("exposed", self.exposed), ("privileged", self.privileged), ("data", self.data),
                           ("no-isolation", self.isolation)):
            if items:
                text = "; ".join(dict.fromkeys(items))
                out.append((key, f"privileged ({text})" if key == "privileged" else text))
        return out


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def pod_template(obj: InventoryObject) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(pod labels, pod spec) of a workload object, or None for other kinds."""
    data, kind = obj.data, obj.ref.kind
    if kind == "Pod":
        return _mapping(_mapping(data.get("metadata")).get("labels")), _mapping(data.get("spec"))
    spec = _mapping(data.get("spec"))
    if kind == "CronJob":
        spec = _mapping(_mapping(spec.get("jobTemplate")).get("spec"))
    template = _mapping(spec.get("template"))
    pod = _mapping(template.get("spec"))
    if not isinstance(pod.get("containers"), list):
        return None
    return _mapping(_mapping(template.get("metadata")).get("labels")), pod


def _selects(selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    """A Service selector: every key equal; an empty selector selects nothing."""
    return bool(selector) and all(labels.get(key) == value for key, value in selector.items())


def _backend_services(obj: InventoryObject) -> set[str]:
    """Names of the Services an Ingress or an HTTPRoute sends traffic to."""
    spec = _mapping(obj.data.get("spec"))
    names: set[str] = set()
    if obj.ref.kind == "Ingress":
        backends = [_mapping(spec.get("defaultBackend")), _mapping(spec.get("backend"))]
        for rule in _list(spec.get("rules")):
            for path in _list(_mapping(_mapping(rule).get("http")).get("paths")):
                backends.append(_mapping(_mapping(path).get("backend")))
        for backend in backends:
            name = _mapping(backend.get("service")).get("name") or backend.get("serviceName")
            if isinstance(name, str):
                names.add(name)
    else:  # HTTPRoute, GRPCRoute, TLSRoute
        for rule in _list(spec.get("rules")):
            for ref in _list(_mapping(rule).get("backendRefs")):
                ref = _mapping(ref)
                if ref.get("kind", "Service") == "Service" and isinstance(ref.get("name"), str):
                    names.add(ref["name"])
    return names


def _secret_use(pod: dict[str, Any]) -> list[str]:
    found = [f"mounts Secret '{_mapping(v.get('secret')).get('secretName')}'"
             for v in _list(pod.get("volumes")) if isinstance(v, dict) and isinstance(v.get("secret"), dict)]
    for container in [*_list(pod.get("containers")), *_list(pod.get("initContainers"))]:
        container = _mapping(container)
        for env in _list(container.get("env")):
            ref = _mapping(_mapping(_mapping(env).get("valueFrom")).get("secretKeyRef"))
            if ref.get("name"):
                found.append(f"reads Secret '{ref['name']}' into its environment")
        for source in _list(container.get("envFrom")):
            ref = _mapping(_mapping(source).get("secretRef"))
            if ref.get("name"):
                found.append(f"reads Secret '{ref['name']}' into its environment")
    return found


def _exposure(inventory: Inventory) -> dict[ObjectAddress, list[str]]:
    """Workload address -> how it is reachable from outside the cluster."""
    routed: dict[tuple[str, str], list[str]] = {}
    for route in inventory.of_kind("Ingress", "HTTPRoute", "GRPCRoute", "TLSRoute"):
        for name in _backend_services(route):
            routed.setdefault((route.ref.namespace, name), []).append(f"{route.ref.kind} '{route.ref.name}'")
    # Only Services that reach outside matter; each is indexed by one pair of its
    # selector, so a workload meets only the Services that could select it.
    candidates: dict[tuple[str, str, Any], list[tuple[InventoryObject, dict[str, Any]]]] = {}
    for service in inventory.of_kind("Service"):
        spec = _mapping(service.data.get("spec"))
        selector = _mapping(spec.get("selector"))
        key = (service.ref.namespace, service.ref.name)
        if not selector or (spec.get("type", "ClusterIP") not in EXPOSING_SERVICE_TYPES and key not in routed):
            continue
        label, value = next(iter(selector.items()))
        candidates.setdefault((service.ref.namespace, label, str(value)), []).append((service, spec))
    found: dict[ObjectAddress, list[str]] = {}
    for workload in inventory.objects:
        template = pod_template(workload)
        if template is None:
            continue
        labels, pod = template
        reasons: list[str] = []
        namespace = workload.ref.namespace
        for label, value in labels.items():
            for service, spec in candidates.get((namespace, label, str(value)), []):
                if not _selects(_mapping(spec.get("selector")), labels):
                    continue
                name, kind = service.ref.name, spec.get("type", "ClusterIP")
                if kind in EXPOSING_SERVICE_TYPES:
                    reasons.append(f"exposed by Service '{name}' ({kind})")
                for via in routed.get((namespace, name), []):
                    reasons.append(f"reachable through {via} -> Service '{name}'")
        if pod.get("hostNetwork") is True:
            reasons.append("on the node's network (hostNetwork)")
        if reasons:
            found[workload.address] = reasons
    return found


def rank(findings: Iterable[Finding], inventory: Inventory) -> None:
    """Set ``finding.risk`` on every active finding of a workload or object."""
    active = [f for f in findings if not f.suppressed]
    exposure = _exposure(inventory)
    workloads = {o.address: o for o in inventory.objects if pod_template(o) is not None}
    contexts: dict[ObjectAddress, _Context] = {}
    for address, obj in workloads.items():
        template = pod_template(obj)
        assert template is not None
        contexts[address] = _Context(list(exposure.get(address, [])), [], _secret_use(template[1]), [])
    isolated: dict[str, list[str]] = {}
    for finding in active:
        if finding.rule in NO_ISOLATION_RULES and finding.resource is not None:
            namespace = finding.resource.name if finding.resource.kind == "Namespace" else finding.resource.namespace
            isolated.setdefault(namespace, []).append(f"no default-deny ingress policy in namespace '{namespace}'")
        context = contexts.get(finding.address) if finding.address is not None else None
        if context is not None and finding.rule in PRIVILEGE_RULES:
            context.privileged.append(finding.rule)
    for address, context in contexts.items():
        context.isolation.extend(isolated.get(workloads[address].ref.namespace, []))
    for finding in active:
        context = contexts.get(finding.address) if finding.address is not None else None
        base = BASE[finding.severity]
        if context is None:
            finding.risk = Risk(base)
            continue
        reasons = [(key, text) for key, text in context.reasons()
                   if not (key == "privileged" and context.privileged == [finding.rule])]  # not by itself alone
        remaining = 10.0 - base
        for key, _ in reasons:
            remaining *= 1.0 - WEIGHTS[key]
        finding.risk = Risk(round(10.0 - remaining, 1), tuple(text for _, text in reasons))


def top_workloads(findings: Iterable[Finding], limit: int = 5) -> list[tuple[float, Finding, int, tuple[str, ...]]]:
    """(score, the workload's riskiest finding, how many active findings it has, reasons)
    for the riskiest workloads whose context raised their score, riskiest first."""
    groups: dict[ObjectAddress, list[Finding]] = {}
    for finding in findings:
        if not finding.suppressed and finding.risk is not None and finding.address is not None:
            groups.setdefault(finding.address, []).append(finding)
    top = []
    for group in groups.values():
        worst = max(group, key=lambda f: (f.risk.score if f.risk else 0.0, f.severity))
        if worst.risk is not None and worst.risk.reasons:
            top.append((worst.risk.score, worst, len(group), worst.risk.reasons))
    top.sort(key=lambda item: (-item[0], item[1].sort_key))
    return top[:limit]
