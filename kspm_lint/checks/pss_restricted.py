"""Pod Security Standards, restricted level (policy v1.37).

Windows pods (``spec.os.name: windows``) are exempt from the privilege-escalation,
seccomp and capabilities controls; ``hostUsers: false`` relaxes the run-as controls.
"""

from __future__ import annotations

from collections.abc import Iterator

from kspm_lint.checks import template
from kspm_lint.checks.pss_baseline import GOOD_PROFILE_TYPES, added_capabilities, mapping, unmasked_proc_mounts
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.engine.parameters import Parameter


@template("restricted-volume-types",
          "pod",
          "Volumes whose type is not in the allowed list.",
          Parameter("allowed", "string-list", "Volume types a pod may use."))
def restricted_volume_types(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None:
        return
    allowed = set(ctx.params["allowed"])
    for index, volume in pod.volumes():
        # A volume with no source is defaulted to emptyDir by the API server.
        for key, value in volume.items():
            if key == "name" or key in allowed or value is None:  # a null source is no source
                continue
            yield Violation(pod.path + ("volumes", index, key),
                            f"volume '{volume.get('name', index)}' uses the '{key}' volume type, "
                            "which the restricted standard does not allow")


@template("privilege-escalation",
          "container",
          "Containers that do not set allowPrivilegeEscalation: false (not Windows pods).")
def privilege_escalation(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None or pod.is_windows:
        return
    for container in pod.containers():
        value = container.security_context.get("allowPrivilegeEscalation")
        if value is False:
            continue
        path = container.path + ("securityContext", "allowPrivilegeEscalation")
        if value is None:
            yield Violation(path, f"container '{container.name}' does not set "
                            "allowPrivilegeEscalation: false", container.name, at=container.path)
        else:
            yield Violation(path, f"container '{container.name}' allows privilege escalation",
                            container.name)


@template("run-as-non-root",
          "pod",
          "Pods and containers not required to run as non-root (pod-level setting covers containers).")
def run_as_non_root(ctx: CheckContext) -> Iterator[Violation]:
    """Pod ``runAsNonRoot: true`` covers containers that leave it unset; any written value
    other than the boolean true (false, a quoted "true") fails where it is written."""
    pod = ctx.pod
    if pod is None or pod.host_users_disabled:
        return
    pod_path = pod.path + ("securityContext", "runAsNonRoot")
    pod_value = pod.security_context.get("runAsNonRoot")
    if pod_value is not None and pod_value is not True:
        yield Violation(pod_path, f"pod sets runAsNonRoot: {_shown(pod_value)}")
    unset = []
    for container in pod.containers():
        value = container.security_context.get("runAsNonRoot")
        if value is None:
            unset.append(container)
        elif value is not True:
            yield Violation(container.path + ("securityContext", "runAsNonRoot"),
                            f"container '{container.name}' sets runAsNonRoot: {_shown(value)}", container.name)
    if pod_value is True or not unset:
        return
    if pod_value is None and len(unset) == len(pod.containers()):
        yield Violation(pod_path, "neither the pod nor any container sets runAsNonRoot: true")
        return
    for container in unset:
        yield Violation(container.path + ("securityContext", "runAsNonRoot"),
                        f"container '{container.name}' does not set runAsNonRoot: true "
                        "and the pod does not either", container.name, at=container.path)


def _shown(value: object) -> str:
    """A value as it reads in YAML: false stays false, a string is quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return f'"{value}"' if isinstance(value, str) else str(value)


def _is_root(value: object) -> bool:
    return type(value) is int and value == 0


@template("run-as-root-user", "pod", "Pods and containers with runAsUser: 0.")
def run_as_root_user(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None or pod.host_users_disabled:
        return
    if _is_root(pod.security_context.get("runAsUser")):
        yield Violation(pod.path + ("securityContext", "runAsUser"), "pod runs as user 0 (root)")
    for container in pod.containers():
        if _is_root(container.security_context.get("runAsUser")):
            yield Violation(container.path + ("securityContext", "runAsUser"),
                            f"container '{container.name}' runs as user 0 (root)", container.name)


def _seccomp_type(context: dict) -> tuple[bool, object]:
    profile = context.get("seccompProfile")
    if profile is None:
        return False, None
    return True, mapping(profile).get("type")


@template("seccomp-profile-missing",
          "pod",
          "Containers left without a RuntimeDefault or Localhost seccomp profile.")
def seccomp_profile_missing(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None or pod.is_windows:
        return
    pod_set, pod_type = _seccomp_type(pod.security_context)
    pod_path = pod.path + ("securityContext", "seccompProfile")
    if pod_set and pod_type not in GOOD_PROFILE_TYPES:
        yield Violation(pod_path + ("type",), f"pod seccomp profile type '{pod_type or ''}' "
                        "is not RuntimeDefault or Localhost")
    uncovered = []
    for container in pod.containers():
        own_set, own_type = _seccomp_type(container.security_context)
        if own_set:
            if own_type not in GOOD_PROFILE_TYPES:
                yield Violation(container.path + ("securityContext", "seccompProfile", "type"),
                                f"container '{container.name}' seccomp profile type '{own_type or ''}' "
                                "is not RuntimeDefault or Localhost", container.name)
        elif not pod_set:
            uncovered.append(container)
    if not uncovered:
        return
    if len(uncovered) == len(pod.containers()):
        yield Violation(pod_path, "no seccomp profile is set for the pod or its containers "
                        "(set seccompProfile.type: RuntimeDefault)")
        return
    for container in uncovered:
        yield Violation(container.path + ("securityContext", "seccompProfile"),
                        f"container '{container.name}' has no seccomp profile and the pod sets none",
                        container.name, at=container.path)


@template("capabilities-not-dropped",
          "container",
          "Containers that do not drop ALL, or add a capability outside the allowed list.",
          Parameter("allowed-add", "string-list", "Capabilities a container may add.", ["NET_BIND_SERVICE"]))
def capabilities_not_dropped(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None or pod.is_windows:
        return
    allowed_add = set(ctx.params["allowed-add"])
    for container in pod.containers():
        caps = mapping(container.security_context.get("capabilities"))
        drop = caps.get("drop")
        caps_path = container.path + ("securityContext", "capabilities")
        if not (isinstance(drop, list) and "ALL" in drop):
            at = caps_path + ("drop",) if drop is not None else container.path
            yield Violation(caps_path + ("drop",),
                            f"container '{container.name}' does not drop ALL capabilities",
                            container.name, at=at)
        for index, capability in added_capabilities(container):
            if capability not in allowed_add:
                yield Violation(caps_path + ("add", index),
                                f"container '{container.name}' adds capability '{capability}' "
                                "(restricted allows only NET_BIND_SERVICE)", container.name)


@template("proc-mount-restricted", "container", "Containers that unmask /proc in a pod with hostUsers: false.")
def proc_mount_restricted(ctx: CheckContext) -> Iterator[Violation]:
    """The restricted procMount control without the user-namespace relaxation.

    Only reports pods with ``hostUsers: false``: elsewhere ``proc-mount`` already does.
    """
    pod = ctx.pod
    if pod is None or not pod.host_users_disabled:
        return
    yield from unmasked_proc_mounts(pod)
