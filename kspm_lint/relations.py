"""Relations between objects of a run, with Kubernetes' own semantics: label selectors,
the namespace an object lands in, RBAC rule matching, role aggregation and binding
subjects. Cross-object checks share these so they agree with each other."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from kspm_lint.inventory import Inventory, InventoryObject
from kspm_lint.location import Path
from kspm_lint.resources import Resource
from kspm_lint.workload import PodSpec, pod_spec_of

# --- label selectors ---------------------------------------------------------------


def _label_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def selects_everything(selector: Any) -> bool:
    """``{}`` (or an omitted selector where the API reads it as empty) selects all."""
    if selector is None:
        return True
    if not isinstance(selector, dict):
        return False
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


def selector_matches(selector: Any, labels: Any) -> bool:
    """A LabelSelector against a label set: every matchLabels pair AND every
    matchExpressions term (In, NotIn, Exists, DoesNotExist) must hold."""
    if selector is None:
        return True
    if not isinstance(selector, dict):
        return False
    have = {str(k): _label_text(v) for k, v in labels.items()} if isinstance(labels, dict) else {}
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, dict):
        for key, value in match_labels.items():
            if have.get(str(key)) != _label_text(value):
                return False
    expressions = selector.get("matchExpressions")
    for term in expressions if isinstance(expressions, list) else []:
        if not isinstance(term, dict):
            return False
        key, operator = str(term.get("key", "")), term.get("operator")
        values = {_label_text(v) for v in term.get("values") or []} if isinstance(term.get("values"), list) else set()
        if operator == "In":
            if key not in have or have[key] not in values:
                return False
        elif operator == "NotIn":
            if key in have and have[key] in values:
                return False
        elif operator == "Exists":
            if key not in have:
                return False
        elif operator == "DoesNotExist":
            if key in have:
                return False
        else:
            return False  # an unknown operator: the API server would reject the selector
    return True


# --- namespaces ----------------------------------------------------------------------


@dataclass(frozen=True)
class Namespaces:
    """Where objects land. A namespace written in the object wins; an object without one
    lands in ``default`` when the run declares its Namespace objects (the repository
    describes the cluster's namespaces, so a missing one means the default), and in an
    unknown namespace (``None``) otherwise: kustomize or ``kubectl -n`` decides it."""

    declared: dict[str, InventoryObject]

    @classmethod
    def of(cls, inventory: Inventory) -> Namespaces:
        declared: dict[str, InventoryObject] = {}
        for obj in inventory.of_kind("Namespace"):
            declared.setdefault(obj.ref.name, obj)
        return cls(declared)

    def of_object(self, obj: InventoryObject) -> str | None:
        if obj.ref.namespace:
            return obj.ref.namespace
        return "default" if self.declared else None


# --- workloads -----------------------------------------------------------------------


def pod_of(obj: InventoryObject) -> PodSpec | None:
    """The pod spec of an inventory object (paths relative to the object).

    Pod-spec readers only look at the object's kind and data, so the parse tree the
    Resource would normally carry is not needed here."""
    resource = Resource(cast(Any, None), cast(Any, None), (), obj.data)
    return pod_spec_of(resource)


def workloads(inventory: Inventory) -> Iterator[tuple[InventoryObject, PodSpec]]:
    for obj in inventory.objects:
        pod = pod_of(obj)
        if pod is not None:
            yield obj, pod


def service_account_of(pod: PodSpec) -> tuple[str, Path | None]:
    """(account name, where it is written); ``default`` with no path when unset."""
    for field in ("serviceAccountName", "serviceAccount"):
        value = pod.data.get(field)
        if isinstance(value, str) and value:
            return value, pod.path + (field,)
    return "default", None


# --- RBAC rules ------------------------------------------------------------------------

WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def verb_allowed(rule: dict[str, Any], verb: str) -> bool:
    verbs = _strings(rule.get("verbs"))
    return "*" in verbs or verb in verbs


def group_allowed(rule: dict[str, Any], group: str) -> bool:
    groups = _strings(rule.get("apiGroups"))
    return "*" in groups or group in groups


def resource_index(rule: dict[str, Any], resource: str) -> int | None:
    """Index of the ``resources`` entry that matches ``resource`` (``pods/exec`` for a
    subresource), as the RBAC authorizer matches: ``*``, the exact name, or ``*/sub``."""
    _, _, sub = resource.partition("/")
    for index, written in enumerate(_strings(rule.get("resources"))):
        if written == "*" or written == resource:
            return index
        if sub and written == "*/" + sub:
            return index
    return None


def narrowed(rule: dict[str, Any]) -> bool:
    """A rule with resourceNames grants only on those named objects."""
    return bool(_strings(rule.get("resourceNames")))


def grants(rule: dict[str, Any], verbs: Iterable[str], group: str, resource: str) -> list[str]:
    """The verbs of ``verbs`` the rule grants on ``group``/``resource`` (empty: none)."""
    if not isinstance(rule, dict) or not group_allowed(rule, group) or resource_index(rule, resource) is None:
        return []
    return [verb for verb in verbs if verb_allowed(rule, verb)]


# --- roles and aggregation ---------------------------------------------------------------


@dataclass(frozen=True)
class RoleRule:
    """One policy rule a role grants: ``owner`` is the role that writes it (the role
    itself, or a ClusterRole it aggregates), ``index`` its position in ``rules``."""

    owner: InventoryObject
    index: int
    rule: dict[str, Any]

    @property
    def path(self) -> Path:
        return ("rules", self.index)


def own_rules(role: InventoryObject) -> list[RoleRule]:
    rules = role.data.get("rules")
    return [RoleRule(role, i, r) for i, r in enumerate(rules if isinstance(rules, list) else [])
            if isinstance(r, dict)]


class RoleIndex:
    """Roles and ClusterRoles of a run, each with the rules it grants, aggregation
    resolved: a ClusterRole with ``aggregationRule.clusterRoleSelectors`` grants the
    rules of every ClusterRole in the run whose labels match one of the selectors
    (transitively, as the controller keeps aggregates of aggregates up to date)."""

    def __init__(self, inventory: Inventory, namespaces: Namespaces) -> None:
        self.namespaces = namespaces
        self.cluster_roles: dict[str, InventoryObject] = {}
        self.roles: dict[tuple[str | None, str], InventoryObject] = {}
        for obj in inventory.of_kind("ClusterRole"):
            self.cluster_roles.setdefault(obj.ref.name, obj)
        for obj in inventory.of_kind("Role"):
            self.roles.setdefault((namespaces.of_object(obj), obj.ref.name), obj)
        self._effective: dict[int, list[RoleRule]] = {}

    def aggregated_from(self, role: InventoryObject) -> list[InventoryObject]:
        aggregation = role.data.get("aggregationRule")
        selectors = aggregation.get("clusterRoleSelectors") if isinstance(aggregation, dict) else None
        if role.ref.kind != "ClusterRole" or not isinstance(selectors, list):
            return []
        found = []
        for other in self.cluster_roles.values():
            if other is role:
                continue
            metadata = other.data.get("metadata")
            labels = metadata.get("labels") if isinstance(metadata, dict) else None
            if any(isinstance(s, dict) and selector_matches(s, labels or {}) for s in selectors):
                found.append(other)
        return found

    def effective_rules(self, role: InventoryObject) -> list[RoleRule]:
        """The role's own rules, then those of the ClusterRoles it aggregates."""
        key = id(role)
        cached = self._effective.get(key)
        if cached is not None:
            return cached
        self._effective[key] = []  # a cycle of aggregates ends here
        seen: set[int] = {key}
        result = list(own_rules(role))
        pending = self.aggregated_from(role)
        while pending:
            other = pending.pop(0)
            if id(other) in seen:
                continue
            seen.add(id(other))
            result.extend(own_rules(other))
            pending.extend(self.aggregated_from(other))
        self._effective[key] = result
        return result

    def resolve(self, binding: InventoryObject) -> tuple[str, str, InventoryObject | None]:
        """(roleRef kind, roleRef name, the role in the run or None) of a binding."""
        ref = binding.data.get("roleRef")
        ref = ref if isinstance(ref, dict) else {}
        kind, name = str(ref.get("kind", "")), str(ref.get("name", ""))
        if kind == "ClusterRole":
            return kind, name, self.cluster_roles.get(name)
        if kind == "Role" and binding.ref.kind == "RoleBinding":
            return kind, name, self.roles.get((self.namespaces.of_object(binding), name))
        return kind, name, None


# --- binding subjects ----------------------------------------------------------------------


def subjects(binding: InventoryObject) -> list[tuple[int, dict[str, Any]]]:
    items = binding.data.get("subjects")
    return [(i, s) for i, s in enumerate(items if isinstance(items, list) else []) if isinstance(s, dict)]


def subject_namespace(binding: InventoryObject, subject: dict[str, Any], namespaces: Namespaces) -> str | None:
    """A ServiceAccount subject's namespace: written, else the RoleBinding's own."""
    written = subject.get("namespace")
    if isinstance(written, str) and written:
        return written
    if binding.ref.kind == "RoleBinding":
        return namespaces.of_object(binding)
    return None


def subject_is_account(binding: InventoryObject, subject: dict[str, Any], namespaces: Namespaces,
                       account: str, namespace: str | None) -> bool:
    """Does the subject name the service account ``namespace``/``account``?

    ServiceAccount subjects match by name and namespace; the groups
    ``system:serviceaccounts`` (every account) and ``system:serviceaccounts:NS`` match
    too. An unknown namespace (``None``, see :class:`Namespaces`) on either side matches
    any namespace, except for the ``default`` account, which every namespace has: there
    both must be known and equal, or both unknown."""
    kind, name = subject.get("kind"), subject.get("name")
    if kind == "Group" and isinstance(name, str):
        if name == "system:serviceaccounts":
            return True
        if name.startswith("system:serviceaccounts:"):
            return namespace is None or name.split(":", 2)[2] == namespace
        return False
    if kind != "ServiceAccount" or name != account:
        return False
    other = subject_namespace(binding, subject, namespaces)
    if account == "default":
        return other == namespace
    return other is None or namespace is None or other == namespace
