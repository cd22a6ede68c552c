"""One view of the pod spec for every kind that carries one.

Container settings override pod settings the way the kubelet applies them; the
``effective`` helpers say both the value and where it was written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kspm_lint.location import Path, value_at
from kspm_lint.resources import Resource

CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")

_TEMPLATE_KINDS = {
    "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job",
    "DeploymentConfig",  # OpenShift (apps.openshift.io/v1): spec.template like a ReplicationController
}


@dataclass(frozen=True)
class Container:
    """A container of a pod spec. ``path`` is relative to the resource."""

    data: dict[str, Any]
    path: Path
    list_name: str
    index: int

    @property
    def name(self) -> str:
        name = self.data.get("name")
        return str(name) if name is not None else f"{self.list_name}[{self.index}]"

    @property
    def security_context(self) -> dict[str, Any]:
        return _mapping(self.data.get("securityContext"))


@dataclass(frozen=True)
class PodSpec:
    """A pod spec inside a resource: ``path`` locates the spec mapping itself."""

    resource: Resource
    data: dict[str, Any]
    path: Path
    template_metadata_path: Path | None

    @property
    def security_context(self) -> dict[str, Any]:
        return _mapping(self.data.get("securityContext"))

    @property
    def template_metadata(self) -> dict[str, Any]:
        if self.template_metadata_path is None:
            return self.resource.metadata
        return _mapping(value_at(self.resource.data, self.template_metadata_path))

    @property
    def annotations(self) -> dict[str, Any]:
        """Pod annotations: the template's for controllers, the object's for a Pod."""
        return _mapping(self.template_metadata.get("annotations"))

    @property
    def is_windows(self) -> bool:
        return _mapping(self.data.get("os")).get("name") == "windows"

    @property
    def host_users_disabled(self) -> bool:
        return self.data.get("hostUsers") is False

    def containers(self) -> list[Container]:
        """Init, regular and ephemeral containers, in that order (computed once)."""
        cached = self.__dict__.get("_containers")
        if cached is not None:
            return cached
        found: list[Container] = []
        for list_name in CONTAINER_LISTS:
            items = self.data.get(list_name)
            if not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    found.append(Container(item, self.path + (list_name, index), list_name, index))
        self.__dict__["_containers"] = found
        return found

    def volumes(self) -> list[tuple[int, dict[str, Any]]]:
        items = self.data.get("volumes")
        if not isinstance(items, list):
            return []
        return [(index, item) for index, item in enumerate(items) if isinstance(item, dict)]

    def mounts_of(self, volume: str) -> tuple[tuple[Path, str], ...]:
        """(path, description) of every volumeMount that uses ``volume``."""
        found = []
        for container in self.containers():
            mounts = container.data.get("volumeMounts")
            for index, mount in enumerate(mounts if isinstance(mounts, list) else []):
                if isinstance(mount, dict) and mount.get("name") == volume:
                    found.append((container.path + ("volumeMounts", index),
                                  f"mounted by container '{container.name}' at {mount.get('mountPath', '?')}"))
        return tuple(found)

    def effective(self, container: Container, field: str) -> tuple[Any, Path | None]:
        """A securityContext field with container-over-pod precedence: (value, where)."""
        if field in container.security_context and container.security_context[field] is not None:
            return container.security_context[field], container.path + ("securityContext", field)
        if field in self.security_context and self.security_context[field] is not None:
            return self.security_context[field], self.path + ("securityContext", field)
        return None, None


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def spec_paths(data: dict[str, Any]) -> tuple[Path, Path | None] | None:
    """(pod spec path, pod template metadata path) of an object's data, for kinds that
    carry a pod."""
    kind = str(data.get("kind", ""))
    if kind == "Pod":
        return ("spec",), None
    if kind == "PodTemplate":
        return ("template", "spec"), ("template", "metadata")
    if kind == "CronJob":
        return (
            ("spec", "jobTemplate", "spec", "template", "spec"),
            ("spec", "jobTemplate", "spec", "template", "metadata"),
        )
    if kind in _TEMPLATE_KINDS:
        return ("spec", "template", "spec"), ("spec", "template", "metadata")
    # Unknown kinds (Argo Rollouts, OpenKruise, ...) count when they look like one.
    spec = value_at(data, ("spec", "template", "spec"))
    if isinstance(spec, dict) and isinstance(spec.get("containers"), list):
        return ("spec", "template", "spec"), ("spec", "template", "metadata")
    return None


def pod_spec_data(data: dict[str, Any]) -> dict[str, Any] | None:
    """The pod spec mapping of an object's data: ``pod_spec_of(resource).data`` for a
    resource with that data, for callers that have only the data (``fix.invariants``)."""
    paths = spec_paths(data)
    if paths is None:
        return None
    spec = value_at(data, paths[0])
    return spec if isinstance(spec, dict) else None


def pod_spec_of(resource: Resource) -> PodSpec | None:
    paths = spec_paths(resource.data)
    if paths is None:
        return None
    spec = value_at(resource.data, paths[0])
    if not isinstance(spec, dict):
        return None
    return PodSpec(resource, spec, paths[0], paths[1])
