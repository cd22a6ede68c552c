"""deprecated-api: an apiVersion/kind that the target Kubernetes version no longer
serves, or that is deprecated and will be removed, with the version that replaces it
(from the Kubernetes deprecated API migration guide)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kspm_lint.checks import template
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.engine.parameters import Parameter


@dataclass(frozen=True)
class Removal:
    api_version: str
    kinds: tuple[str, ...]
    removed_in: tuple[int, int]
    replacement: str  # the apiVersion to use instead, or a sentence when there is none


def _removals() -> tuple[Removal, ...]:
    table: list[Removal] = []

    def add(api_version: str, kinds: str, removed: str, replacement: str) -> None:
        major, minor = removed.split(".")
        table.append(Removal(api_version, tuple(kinds.split()), (int(major), int(minor)), replacement))

    add("extensions/v1beta1", "Deployment DaemonSet ReplicaSet", "1.16", "apps/v1")
    add("apps/v1beta1", "Deployment StatefulSet ReplicaSet", "1.16", "apps/v1")
    add("apps/v1beta2", "Deployment StatefulSet DaemonSet ReplicaSet", "1.16", "apps/v1")
    add("extensions/v1beta1", "NetworkPolicy", "1.16", "networking.k8s.io/v1")
    add("extensions/v1beta1", "PodSecurityPolicy", "1.16", "policy/v1beta1 (itself removed in 1.25)")
    add("extensions/v1beta1", "Ingress", "1.22", "networking.k8s.io/v1")
    add("networking.k8s.io/v1beta1", "Ingress IngressClass", "1.22", "networking.k8s.io/v1")
    add("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration ValidatingWebhookConfiguration",
        "1.22", "admissionregistration.k8s.io/v1")
    add("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "1.22", "apiextensions.k8s.io/v1")
    add("apiregistration.k8s.io/v1beta1", "APIService", "1.22", "apiregistration.k8s.io/v1")
    add("authentication.k8s.io/v1beta1", "TokenReview", "1.22", "authentication.k8s.io/v1")
    add("authorization.k8s.io/v1beta1", "SubjectAccessReview LocalSubjectAccessReview SelfSubjectAccessReview",
        "1.22", "authorization.k8s.io/v1")
    add("certificates.k8s.io/v1beta1", "CertificateSigningRequest", "1.22", "certificates.k8s.io/v1")
    add("coordination.k8s.io/v1beta1", "Lease", "1.22", "coordination.k8s.io/v1")
    add("rbac.authorization.k8s.io/v1beta1", "ClusterRole ClusterRoleBinding Role RoleBinding", "1.22",
        "rbac.authorization.k8s.io/v1")
    add("scheduling.k8s.io/v1beta1", "PriorityClass", "1.22", "scheduling.k8s.io/v1")
    add("storage.k8s.io/v1beta1", "CSIDriver CSINode StorageClass VolumeAttachment", "1.22", "storage.k8s.io/v1")
    add("batch/v1beta1", "CronJob", "1.25", "batch/v1")
    add("discovery.k8s.io/v1beta1", "EndpointSlice", "1.25", "discovery.k8s.io/v1")
    add("events.k8s.io/v1beta1", "Event", "1.25", "events.k8s.io/v1")
    add("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.25", "autoscaling/v2")
    add("policy/v1beta1", "PodDisruptionBudget", "1.25", "policy/v1")
    add("policy/v1beta1", "PodSecurityPolicy", "1.25",
        "no replacement: use Pod Security Admission (namespace labels) or a policy engine")
    add("node.k8s.io/v1beta1", "RuntimeClass", "1.25", "node.k8s.io/v1")
    add("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema PriorityLevelConfiguration", "1.26",
        "flowcontrol.apiserver.k8s.io/v1")
    add("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26", "autoscaling/v2")
    add("storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.27", "storage.k8s.io/v1")
    add("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema PriorityLevelConfiguration", "1.29",
        "flowcontrol.apiserver.k8s.io/v1")
    add("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema PriorityLevelConfiguration", "1.32",
        "flowcontrol.apiserver.k8s.io/v1")
    return tuple(table)


REMOVALS = _removals()
_BY_KIND = {(r.api_version, kind): r for r in REMOVALS for kind in r.kinds}


def _target(text: object) -> tuple[int, int] | None:
    value = str(text).strip().lower().lstrip("v")
    if value in ("", "latest"):
        return None
    parts = value.split(".")
    try:
        return int(parts[0]), int(parts[1])
    except (IndexError, ValueError):
        raise ValueError(f"kube-version '{text}' is not a Kubernetes version such as 1.33") from None


@template('deprecated-api', 'resource',
          'apiVersion/kind removed or deprecated at the target Kubernetes version.',
          Parameter('kube-version', 'string', 'Target Kubernetes version (latest: the newest shipped).', 'latest'))
def deprecated_api(ctx: CheckContext) -> Iterator[Violation]:
    resource = ctx.resource
    removal = _BY_KIND.get((resource.api_version, resource.kind))
    if removal is None:
        return
    target = _target(ctx.params.get("kube-version", "latest"))
    removed = f"{removal.removed_in[0]}.{removal.removed_in[1]}"
    instead = removal.replacement if removal.replacement.startswith("no ") else f"use {removal.replacement}"
    if target is None or target >= removal.removed_in:
        shown = "" if target is None else f" (target v{target[0]}.{target[1]})"
        message = (f"{resource.api_version} {resource.kind} is no longer served since Kubernetes v{removed}"
                   f"{shown}: applying it fails; {instead}")
    else:
        message = (f"{resource.api_version} {resource.kind} is deprecated and removed in Kubernetes v{removed}; "
                   f"{instead}")
    yield Violation(("apiVersion",), message)
