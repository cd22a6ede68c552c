"""Which ops fix which finding: one small function per rule, reading the document data.

A generator looks at the finding (its rule, path and container) and at the data of
the object it sits in, and returns ``PatchOp``s with document-relative paths. It
never looks at text: the same ops serve ``--fix``, ``--diff``, JSON, SARIF and
rdjson. A finding no generator can fix soundly raises ``NoFix`` with the reason.

Two findings about the same container get identical ops for shared changes (the
capability fixes compute the container's whole capability patch), so the planner
can de-duplicate them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kspm_lint.findings import Finding
from kspm_lint.fix.model import PatchOp
from kspm_lint.fix.ops import get_path
from kspm_lint.location import Path
from kspm_lint.parsing.document import Document, ParsedFile
from kspm_lint.resources import Resource
from kspm_lint.workload import Container, PodSpec, pod_spec_of

NON_ROOT_UID = 65532  # the "nonroot" user of distroless and many hardened base images
TMP = "/tmp"
BIND = "NET_BIND_SERVICE"


class NoFix(Exception):
    """This finding has no sound automatic patch here; the message says why."""


@dataclass
class Target:
    """What a finding is about, with document-relative paths."""

    finding: Finding
    data: Any  # the whole document
    base: Path  # where the object sits in the document (``items[i]`` in a List)
    pod: PodSpec | None
    pod_path: Path
    container: Container | None
    container_path: Path

    @property
    def path(self) -> Path:
        return self.finding.path

    def need_container(self) -> tuple[Container, Path]:
        if self.container is None:
            raise NoFix("the finding does not point into a container")
        return self.container, self.container_path

    def need_pod(self) -> tuple[PodSpec, Path]:
        if self.pod is None:
            raise NoFix("the object has no pod spec")
        return self.pod, self.pod_path


def target_of(finding: Finding, parsed: ParsedFile, document: Document) -> Target:
    base = finding.address.base if finding.address is not None else ()
    data = get_path(document.data, base)
    if not isinstance(data, dict):
        raise NoFix("the finding's object is not in the document any more")
    pod = pod_spec_of(Resource(parsed, document, base, data))
    container, container_path = None, ()
    if pod is not None:
        for candidate in pod.containers():
            path = base + candidate.path
            if finding.path[:len(path)] == path:
                container, container_path = candidate, path
                break
    pod_path = base + pod.path if pod is not None else ()
    return Target(finding, document.data, base, pod, pod_path, container, container_path)


def _profile(target: Target, profile_path: Path, kind: str) -> list[PatchOp]:
    """Set a seccomp/AppArmor profile type; ``localhostProfile`` only goes with Localhost."""
    current = get_path(target.data, profile_path)
    ops = [PatchOp("set", profile_path + ("type",), kind)]
    if isinstance(current, dict) and "localhostProfile" in current:
        ops.append(PatchOp("remove", profile_path + ("localhostProfile",)))
    return ops


def _through(target: Target, field: str) -> Path:
    """The finding's path up to and including ``field`` (a securityContext, a profile)."""
    path = target.path
    if field not in path:
        raise NoFix(f"the finding does not point into a {field}")
    return path[:path.index(field) + 1]


def privilege_escalation(target: Target) -> list[PatchOp]:
    _, path = target.need_container()
    return [PatchOp("set", path + ("securityContext", "allowPrivilegeEscalation"), False)]


def seccomp_profile(target: Target) -> list[PatchOp]:
    """Pod level when the finding is about the pod, else the container it names."""
    return _profile(target, _through(target, "securityContext") + ("seccompProfile",), "RuntimeDefault")


def seccomp_unconfined(target: Target) -> list[PatchOp]:
    return _profile(target, _through(target, "seccompProfile"), "RuntimeDefault")


def apparmor_unconfined(target: Target) -> list[PatchOp]:
    if "annotations" in target.path:
        return [PatchOp("set", target.path, "runtime/default")]
    return _profile(target, _through(target, "appArmorProfile"), "RuntimeDefault")


def proc_mount(target: Target) -> list[PatchOp]:
    _, path = target.need_container()
    return [PatchOp("set", path + ("securityContext", "procMount"), "Default")]


def privileged_container(target: Target) -> list[PatchOp]:
    _, path = target.need_container()
    return [PatchOp("remove", path + ("securityContext", "privileged"), prune=True)]


def _declares_low_port(container: Container) -> bool:
    ports = container.data.get("ports")
    return any(
        isinstance(port, dict) and type(port.get("containerPort")) is int and 0 < port["containerPort"] < 1024
        for port in (ports if isinstance(ports, list) else [])
    )


def capabilities(target: Target) -> list[PatchOp]:
    """drop: [ALL]; remove added capabilities, except NET_BIND_SERVICE for a container that
    declares a port below 1024 (which, with ALL dropped, it needs to bind that port)."""
    container, path = target.need_container()
    caps_path = path + ("securityContext", "capabilities")
    caps = container.security_context.get("capabilities")
    caps = caps if isinstance(caps, dict) else {}
    ops: list[PatchOp] = []
    drop = caps.get("drop")
    if isinstance(drop, list):
        if "ALL" not in drop:
            ops.append(PatchOp("append", caps_path + ("drop",), "ALL"))
    elif drop is None:
        ops.append(PatchOp("set", caps_path + ("drop",), ["ALL"]))
    else:
        raise NoFix("capabilities.drop is not a list")
    bind = _declares_low_port(container)
    add = caps.get("add")
    if add is None:
        if bind:
            ops.append(PatchOp("set", caps_path + ("add",), [BIND]))
        return ops
    if not isinstance(add, list):
        raise NoFix("capabilities.add is not a list")
    removed = [i for i, cap in enumerate(add) if not (bind and cap == BIND)]
    if bind and BIND not in add:
        ops.append(PatchOp("append", caps_path + ("add",), BIND))
    if not bind and len(removed) == len(add):
        ops.append(PatchOp("remove", caps_path + ("add",)))
    else:
        ops.extend(PatchOp("remove", caps_path + ("add", i)) for i in reversed(removed))
    return ops


def _is_root(value: Any) -> bool:
    return type(value) is int and value == 0


def _no_root_uid(target: Target, container: Container | None) -> list[PatchOp]:
    """runAsUser: 0 contradicts runAsNonRoot: true (the kubelet refuses to start it)."""
    pod, pod_path = target.need_pod()
    ops: list[PatchOp] = []
    for candidate in [container] if container is not None else pod.containers():
        if _is_root(candidate.security_context.get("runAsUser")):
            ops.append(PatchOp("set", target.base + candidate.path + ("securityContext", "runAsUser"),
                               NON_ROOT_UID))
    covered = container is None or container.security_context.get("runAsUser") is None
    if covered and _is_root(pod.security_context.get("runAsUser")):
        ops.append(PatchOp("set", pod_path + ("securityContext", "runAsUser"), NON_ROOT_UID))
    return ops


def run_as_non_root(target: Target) -> list[PatchOp]:
    if target.container is not None:
        container, path = target.need_container()
        return [PatchOp("set", path + ("securityContext", "runAsNonRoot"), True),
                *_no_root_uid(target, container)]
    _, pod_path = target.need_pod()
    return [PatchOp("set", pod_path + ("securityContext", "runAsNonRoot"), True), *_no_root_uid(target, None)]


def run_as_root_user(target: Target) -> list[PatchOp]:
    if target.path[-1:] != ("runAsUser",):
        raise NoFix("the finding does not point at runAsUser")
    return [PatchOp("set", target.path, NON_ROOT_UID)]


def _tmp_volume_name(pod: PodSpec) -> tuple[str, bool]:
    """(name, exists): an existing emptyDir called tmp, or the first free tmp name."""
    volumes = {volume["name"]: volume for _, volume in pod.volumes() if isinstance(volume.get("name"), str)}
    existing = volumes.get("tmp")
    if isinstance(existing, dict) and "emptyDir" in existing and len(existing) == 2:
        return "tmp", True
    name, number = "tmp", 1
    while name in volumes:
        name, number = f"tmp-{number}", number + 1
    return name, False


def read_only_root_filesystem(target: Target) -> list[PatchOp]:
    container, path = target.need_container()
    pod, pod_path = target.need_pod()
    ops = [PatchOp("set", path + ("securityContext", "readOnlyRootFilesystem"), True)]
    mounts = container.data.get("volumeMounts")
    mounted = any(isinstance(m, dict) and isinstance(m.get("mountPath"), str)
                  and m["mountPath"].rstrip("/") == TMP for m in (mounts if isinstance(mounts, list) else []))
    if not mounted:
        name, exists = _tmp_volume_name(pod)
        ops.append(PatchOp("append", path + ("volumeMounts",), {"name": name, "mountPath": TMP}))
        if not exists:
            ops.append(PatchOp("append", pod_path + ("volumes",), {"name": name, "emptyDir": {}}))
    return ops


def service_account_token_automount(target: Target) -> list[PatchOp]:
    _, pod_path = target.need_pod()
    return [PatchOp("set", pod_path + ("automountServiceAccountToken",), False)]


def remove_field(target: Target) -> list[PatchOp]:
    """host-namespaces, host-port: delete the offending field itself."""
    return [PatchOp("remove", target.path)]


def host_port(target: Target) -> list[PatchOp]:
    """Remove an explicit hostPort. A containerPort reported because of hostNetwork has
    nothing to remove: only dropping hostNetwork (host-namespaces) unbinds it."""
    if target.path and target.path[-1] != "hostPort":
        raise NoFix("with hostNetwork: true every containerPort is a host port; removing hostNetwork "
                    "(host-namespaces, --unsafe-fixes) is the fix")
    return remove_field(target)


Generator = Callable[[Target], list[PatchOp]]

# rule id -> (generator, the safety class the rule file must declare)
GENERATORS: dict[str, tuple[Generator, str]] = {
    "privilege-escalation": (privilege_escalation, "safe"),
    "seccomp-profile-missing": (seccomp_profile, "safe"),
    "seccomp-unconfined": (seccomp_unconfined, "safe"),
    "apparmor-unconfined": (apparmor_unconfined, "safe"),
    "proc-mount": (proc_mount, "safe"),
    "proc-mount-restricted": (proc_mount, "safe"),
    "privileged-container": (privileged_container, "unsafe"),
    "capabilities-not-dropped": (capabilities, "unsafe"),
    "capabilities-beyond-baseline": (capabilities, "unsafe"),
    "run-as-non-root": (run_as_non_root, "unsafe"),
    "run-as-root-user": (run_as_root_user, "unsafe"),
    "read-only-root-filesystem": (read_only_root_filesystem, "unsafe"),
    "service-account-token-automount": (service_account_token_automount, "unsafe"),
    "host-namespaces": (remove_field, "unsafe"),
    "host-port": (host_port, "unsafe"),
}


def ops_for(finding: Finding, parsed: ParsedFile, document: Document) -> list[PatchOp]:
    entry = GENERATORS.get(finding.rule)
    if entry is None:
        raise NoFix(f"no automatic fix for {finding.rule}")
    ops = entry[0](target_of(finding, parsed, document))
    if not ops:
        raise NoFix("nothing to change")
    return ops
