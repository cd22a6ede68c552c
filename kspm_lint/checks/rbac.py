"""RBAC posture: what Roles and ClusterRoles grant, who bindings grant it to, and which
workloads run with that power. Aggregated ClusterRoles count with the rules they
aggregate from the run (see :class:`kspm_lint.relations.RoleIndex`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from kspm_lint import relations as rel
from kspm_lint.checks import template
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.engine.parameters import Parameter
from kspm_lint.engine.runner import CrossViolation, run_wide
from kspm_lint.inventory import Inventory, InventoryObject
from kspm_lint.location import Path

BINDINGS = ("RoleBinding", "ClusterRoleBinding")


@dataclass(frozen=True)
class Grant:
    """A dangerous permission one rule gives: where in the rule, and what it is."""

    path: Path  # relative to the rule's owner
    what: str


Analysis = Callable[[rel.RoleRule, dict[str, Any]], Grant | None]


# --- what one rule grants -------------------------------------------------------------


def wildcard_grant(rr: rel.RoleRule, params: dict[str, Any]) -> Grant | None:
    fields = []
    first: Path | None = None
    for field in [k for k in rr.rule if k in ("verbs", "resources", "apiGroups")]:  # as written
        values = rr.rule.get(field)
        for index, value in enumerate(values if isinstance(values, list) else []):
            if value == "*":
                fields.append(field)
                if first is None:
                    first = (*rr.path, field, index)
                break
    if first is None:
        return None
    groups = rr.rule.get("apiGroups")
    scope = ""
    if "apiGroups" not in fields and isinstance(groups, list):
        scope = f" (apiGroups: {', '.join(repr(g) if g == '' else str(g) for g in groups)})"
    return Grant(first, f"'*' in {' and '.join(fields)}{scope}")


def secrets_read_grant(rr: rel.RoleRule, params: dict[str, Any]) -> Grant | None:
    if rel.narrowed(rr.rule):
        return None  # only the Secrets it names
    verbs = rel.grants(rr.rule, ("get", "list", "watch"), "", "secrets")
    if not verbs:
        return None
    index = rel.resource_index(rr.rule, "secrets")
    if index is None:
        return None
    written = rr.rule["resources"][index]
    on = "secrets" if written == "secrets" else f"'{written}' (which includes secrets)"
    return Grant(rr.path + ("resources", index), f"{'/'.join(verbs)} on {on}")


# (verbs, API group, resource) triples that let the holder gain more than it was given.
ESCALATIONS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("escalate", "bind"), "rbac.authorization.k8s.io", "roles"),
    (("escalate", "bind"), "rbac.authorization.k8s.io", "clusterroles"),
    (("impersonate",), "", "users"),
    (("impersonate",), "", "groups"),
    (("impersonate",), "", "serviceaccounts"),
    (("impersonate",), "authentication.k8s.io", "uids"),
    (("impersonate",), "authentication.k8s.io", "userextras"),
    (("create", "get"), "", "pods/exec"),
    (("create", "get"), "", "pods/attach"),
    (("create",), "", "serviceaccounts/token"),
    (("get", "create", "update", "patch", "delete"), "", "nodes/proxy"),
    (("approve",), "certificates.k8s.io", "signers"),
    (("update", "patch"), "certificates.k8s.io", "certificatesigningrequests/approval"),
    (rel.WRITE_VERBS, "admissionregistration.k8s.io", "mutatingwebhookconfigurations"),
    (rel.WRITE_VERBS, "admissionregistration.k8s.io", "validatingwebhookconfigurations"),
)
# Requests on these carry no namespace, so a (namespaced) Role cannot grant them.
CLUSTER_SCOPED = frozenset({
    "users", "groups", "uids", "userextras", "nodes/proxy", "signers", "certificatesigningrequests/approval",
    "mutatingwebhookconfigurations", "validatingwebhookconfigurations",
})


def escalation_grant(rr: rel.RoleRule, params: dict[str, Any]) -> Grant | None:
    if rel.narrowed(rr.rule):
        return None  # e.g. bind limited to named roles: the documented safe pattern
    namespaced = rr.owner.ref.kind == "Role" or bool(params.get("through-rolebinding"))
    found: list[str] = []
    for verbs, group, resource in ESCALATIONS:
        if namespaced and resource in CLUSTER_SCOPED:
            continue
        allowed = rel.grants(rr.rule, verbs, group, resource)
        if allowed:
            found.append(f"{'/'.join(allowed)} on {resource}")
    if not found:
        return None
    return Grant(rr.path, ", ".join(dict.fromkeys(found)))


ANALYSES: dict[str, Analysis] = {
    "wildcard": wildcard_grant, "secrets-read": secrets_read_grant, "escalation": escalation_grant,
}


# --- the three role rules ---------------------------------------------------------------


def _kind_name(obj: InventoryObject) -> str:
    return f"{obj.ref.kind} '{obj.ref.name}'"


def _role_findings(inventory: Inventory, params: dict[str, Any], analyse: Analysis) -> Iterator[CrossViolation]:
    namespaces = rel.Namespaces.of(inventory)
    index = rel.RoleIndex(inventory, namespaces)
    for role in inventory.of_kind("Role", "ClusterRole"):
        aggregated: list[tuple[rel.RoleRule, Grant]] = []
        for rr in index.effective_rules(role):
            grant = analyse(rr, params)
            if grant is None:
                continue
            if rr.owner is role:
                yield CrossViolation(role, Violation(
                    grant.path, f"{_kind_name(role)} rules[{rr.index}] grants {grant.what}", at=grant.path))
            else:
                aggregated.append((rr, grant))
        if aggregated:
            sources = ", ".join(dict.fromkeys(_kind_name(rr.owner) for rr, _ in aggregated))
            what = "; ".join(dict.fromkeys(g.what for _, g in aggregated))
            yield CrossViolation(
                role,
                Violation(("aggregationRule", "clusterRoleSelectors"),
                          f"{_kind_name(role)} aggregates rules that grant {what} (from {sources})"),
                tuple((rr.owner, g.path, f"aggregated from {_kind_name(rr.owner)} rules[{rr.index}]")
                      for rr, g in aggregated))


@template("rbac-wildcard", "run", "RBAC rule grants a wildcard.")
@run_wide
def rbac_wildcard(inventory: Inventory, params: dict[str, Any]) -> Iterator[CrossViolation]:
    return _role_findings(inventory, params, wildcard_grant)


@template("rbac-secrets-read", "run", "RBAC rule reads Secrets.")
@run_wide
def rbac_secrets_read(inventory: Inventory, params: dict[str, Any]) -> Iterator[CrossViolation]:
    return _role_findings(inventory, params, secrets_read_grant)


@template("rbac-escalation-verbs", "run", "RBAC rule grants a privilege-escalation path.")
@run_wide
def rbac_escalation_verbs(inventory: Inventory, params: dict[str, Any]) -> Iterator[CrossViolation]:
    return _role_findings(inventory, params, escalation_grant)


# --- bindings -----------------------------------------------------------------------------


def _binding_scope(resource_kind: str, namespace: str) -> str:
    if resource_kind == "ClusterRoleBinding":
        return "cluster-wide"
    return f"in namespace '{namespace}'" if namespace else "in the namespace it is applied to"


def _subject_text(subject: dict[str, Any]) -> str:
    kind, name = subject.get("kind", "?"), subject.get("name", "?")
    namespace = subject.get("namespace")
    return f"{kind} '{namespace}/{name}'" if kind == "ServiceAccount" and namespace else f"{kind} '{name}'"


def _role_ref(data: dict[str, Any]) -> tuple[str, str]:
    ref = data.get("roleRef")
    ref = ref if isinstance(ref, dict) else {}
    return str(ref.get("kind", "")), str(ref.get("name", ""))


@template("cluster-admin-binding", "resource", "Binding to the cluster-admin ClusterRole.",
          Parameter('exempt-subjects', 'string-list', 'Subjects (Kind/name) expected to hold cluster-admin.',
                    ['Group/system:masters']))
def cluster_admin_binding(ctx: CheckContext) -> Iterator[Violation]:
    resource = ctx.resource
    if resource.kind not in BINDINGS or _role_ref(resource.data) != ("ClusterRole", "cluster-admin"):
        return
    exempt = {str(s) for s in ctx.params.get("exempt-subjects", [])}
    items = resource.data.get("subjects")
    scope = _binding_scope(resource.kind, resource.namespace)
    for index, subject in enumerate(items if isinstance(items, list) else []):
        if not isinstance(subject, dict):
            continue
        if f"{subject.get('kind')}/{subject.get('name')}" in exempt:
            continue
        yield Violation(("subjects", index),
                        f"{resource.kind} '{resource.name}' gives {_subject_text(subject)} cluster-admin {scope}",
                        related=((("roleRef", "name"), "the cluster-admin ClusterRole it binds"),))


ANONYMOUS = {"system:anonymous": "unauthenticated requests", "system:unauthenticated": "unauthenticated requests",
             "system:authenticated": "every authenticated user and service account"}


@template("rbac-anonymous-subject", "resource", "Role granted to anonymous or every authenticated user.",
          Parameter('discovery-roles', 'string-list', 'Roles anyone may hold (API discovery, public info).',
                    ['system:discovery', 'system:basic-user', 'system:public-info-viewer']))
def rbac_anonymous_subject(ctx: CheckContext) -> Iterator[Violation]:
    resource = ctx.resource
    if resource.kind not in BINDINGS:
        return
    kind, name = _role_ref(resource.data)
    if kind == "ClusterRole" and name in set(ctx.params.get("discovery-roles", [])):
        return
    items = resource.data.get("subjects")
    for index, subject in enumerate(items if isinstance(items, list) else []):
        if not isinstance(subject, dict) or subject.get("kind") not in ("User", "Group"):
            continue
        who = ANONYMOUS.get(str(subject.get("name")))
        if who is None:
            continue
        yield Violation(("subjects", index, "name"),
                        f"{resource.kind} '{resource.name}' grants {kind} '{name}' to "
                        f"'{subject.get('name')}' ({who})",
                        related=((("roleRef", "name"), "the role it grants"),))


# --- workloads and their service accounts -----------------------------------------------------

# Built-in ClusterRoles a repository binds without defining them.
BUILTIN_POWER = {
    "cluster-admin": "cluster-admin (every verb on every resource)",
    "admin": "built-in ClusterRole 'admin' (reads Secrets, execs into pods, manages RBAC in the namespace)",
    "edit": "built-in ClusterRole 'edit' (reads Secrets, execs into pods)",
}


@dataclass(frozen=True)
class Power:
    """Why a binding makes its subjects powerful, and where that is written."""

    binding: InventoryObject
    summary: str
    elsewhere: tuple[tuple[InventoryObject, Path, str], ...]


def _unique(places: list[tuple[InventoryObject, Path, str]]) -> tuple[tuple[InventoryObject, Path, str], ...]:
    """Places in order, each once (objects hold dicts: compare them by identity)."""
    seen: set[tuple[int, Path, str]] = set()
    kept = []
    for obj, path, what in places:
        key = (id(obj), path, what)
        if key not in seen:
            seen.add(key)
            kept.append((obj, path, what))
    return tuple(kept)


def binding_power(binding: InventoryObject, index: rel.RoleIndex) -> Power | None:
    kind, name, role = index.resolve(binding)
    scope = _binding_scope(binding.ref.kind, binding.ref.namespace)
    label = f"{binding.ref.kind} '{binding.ref.name}'"
    builtin = kind == "ClusterRole" and (name == "cluster-admin" or (role is None and name in BUILTIN_POWER))
    if builtin:
        return Power(binding, f"{label} grants {BUILTIN_POWER[name]} {scope}",
                     ((binding, ("roleRef", "name"), f"{label} binds ClusterRole '{name}'"),))
    if role is None:
        return None
    reasons: list[str] = []
    places: list[tuple[InventoryObject, Path, str]] = [
        (binding, ("roleRef", "name"), f"{label} binds {kind} '{name}'")]
    # Through a RoleBinding even a ClusterRole grants only in one namespace.
    params = {"through-rolebinding": binding.ref.kind == "RoleBinding"}
    for rr in index.effective_rules(role):
        for analyse in ANALYSES.values():
            grant = analyse(rr, params)
            if grant is not None:
                reasons.append(grant.what)
                places.append((rr.owner, grant.path, f"{_kind_name(rr.owner)} rules[{rr.index}] grants {grant.what}"))
    if not reasons:
        return None
    return Power(binding, f"{label} grants {kind} '{name}' {scope}, which grants "
                          f"{'; '.join(dict.fromkeys(reasons))}", _unique(places))


@template("workload-sa-overprivileged", "run", "Workload runs as an over-privileged service account.")
@run_wide
def workload_sa_overprivileged(inventory: Inventory, params: dict[str, Any]) -> Iterator[CrossViolation]:
    namespaces = rel.Namespaces.of(inventory)
    index = rel.RoleIndex(inventory, namespaces)
    # Candidate subjects by account name (groups apart), so each workload looks up only
    # the bindings that can name its account: linear in workloads plus subjects.
    by_account: dict[str, list[tuple[int, InventoryObject, Power, int, dict[str, Any]]]] = {}
    groups: list[tuple[int, InventoryObject, Power, int, dict[str, Any]]] = []
    order = 0
    for binding in inventory.of_kind(*BINDINGS):
        power = binding_power(binding, index)
        if power is None:
            continue
        for number, subject in rel.subjects(binding):
            entry = (order, binding, power, number, subject)
            if subject.get("kind") == "Group":
                groups.append(entry)
            elif subject.get("kind") == "ServiceAccount":
                by_account.setdefault(str(subject.get("name")), []).append(entry)
        order += 1
    if not by_account and not groups:
        return
    for obj, pod in rel.workloads(inventory):
        account, written = rel.service_account_of(pod)
        namespace = namespaces.of_object(obj)
        first: dict[int, tuple[Power, int]] = {}  # binding order -> (power, its first matching subject)
        for order, binding, power, number, subject in [*by_account.get(account, []), *groups]:
            if order not in first and rel.subject_is_account(binding, subject, namespaces, account, namespace):
                first[order] = (power, number)
        matched = [first[k] for k in sorted(first)]
        if not matched:
            continue
        who = f"'{namespace}/{account}'" if namespace else f"'{account}'"
        message = (f"{obj.ref.kind} '{obj.ref.name}' runs as service account {who}: "
                   + "; ".join(p.summary for p, _ in matched))
        elsewhere: list[tuple[InventoryObject, Path, str]] = []
        for power, number in matched:
            elsewhere.append((power.binding, ("subjects", number), "the binding subject naming this account"))
            elsewhere.extend(power.elsewhere)
        path = written if written is not None else pod.path + ("serviceAccountName",)
        yield CrossViolation(obj, Violation(path, message, at=written if written is not None else pod.path),
                             _unique(elsewhere))
