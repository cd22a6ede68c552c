"""Pod Security Standards, baseline level (policy v1.37).

Allowed-value lists live in the rule files as ``parameters`` so users can see and
tune them; the defaults there follow the pod-security-admission policy code.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kspm_lint.checks import template
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.engine.parameters import Parameter
from kspm_lint.workload import Container, PodSpec

APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def security_contexts(pod: PodSpec) -> Iterator[tuple[tuple, dict[str, Any], Container | None]]:
    """The pod's securityContext, then each container's: (path, mapping, container or None)."""
    yield pod.path + ("securityContext",), pod.security_context, None
    for container in pod.containers():
        yield container.path + ("securityContext",), container.security_context, container


def _who(container: Container | None) -> str:
    return f"container '{container.name}'" if container else "pod"


GOOD_PROFILE_TYPES = ("RuntimeDefault", "Localhost")


def bad_profile_types(pod: PodSpec, field: str, label: str) -> Iterator[Violation]:
    """Each written seccompProfile / appArmorProfile (pod and containers, no precedence)
    whose type is not RuntimeDefault or Localhost; a profile without a type fails too."""
    for path, context, container in security_contexts(pod):
        if context.get(field) is None:
            continue
        kind = mapping(context[field]).get("type")
        if kind not in GOOD_PROFILE_TYPES:
            where = path + (field, "type") if kind else path + (field,)
            yield Violation(where, f"{_who(container)} sets {label} profile type '{kind or ''}' "
                            "(use RuntimeDefault or Localhost)", container.name if container else None)


@template("host-namespaces", "pod", "Pods that set hostNetwork, hostPID or hostIPC to true.")
def host_namespaces(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None:
        return
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.data.get(field) is True:
            yield Violation(pod.path + (field,), f"pod shares the host's namespace: {field}: true")


@template("privileged-container", "container", "Containers with securityContext.privileged: true.")
def privileged_container(ctx: CheckContext) -> Iterator[Violation]:
    if ctx.pod is None:
        return
    for container in ctx.pod.containers():
        if container.security_context.get("privileged") is True:
            yield Violation(container.path + ("securityContext", "privileged"),
                            f"container '{container.name}' runs privileged", container.name)


def added_capabilities(container: Container) -> Iterator[tuple[int, Any]]:
    add = mapping(container.security_context.get("capabilities")).get("add")
    if isinstance(add, list):
        yield from enumerate(add)


@template("capabilities-beyond-baseline",
          "container",
          "Containers that add a capability outside the allowed list.",
          Parameter("allowed", "string-list", "Capabilities a container may add."))
def capabilities_beyond_baseline(ctx: CheckContext) -> Iterator[Violation]:
    if ctx.pod is None:
        return
    allowed = set(ctx.params["allowed"])
    for container in ctx.pod.containers():
        for index, capability in added_capabilities(container):
            if capability not in allowed:
                yield Violation(container.path + ("securityContext", "capabilities", "add", index),
                                f"container '{container.name}' adds capability '{capability}', "
                                "which the baseline standard does not allow", container.name)


@template("host-path-volume", "pod", "Pods with any hostPath volume.")
def host_path_volume(ctx: CheckContext) -> Iterator[Violation]:
    if ctx.pod is None:
        return
    for index, volume in ctx.pod.volumes():
        if volume.get("hostPath") is not None:
            path = mapping(volume.get("hostPath")).get("path", "")
            name: Any = volume.get("name")  # may be missing: then only unnamed mounts match
            yield Violation(ctx.pod.path + ("volumes", index, "hostPath"),
                            f"volume '{volume.get('name', index)}' mounts host path '{path}'",
                            related=ctx.pod.mounts_of(name))


@template("host-port", "container", "Container ports bound on the host (hostPort, or any port with hostNetwork).")
def host_port(ctx: CheckContext) -> Iterator[Violation]:
    """Every non-zero hostPort; with ``hostNetwork: true`` the API server defaults each
    hostPort to its containerPort (not for ephemeral containers), and admission sees that."""
    pod = ctx.pod
    if pod is None:
        return
    host_network = pod.data.get("hostNetwork") is True
    for container in pod.containers():
        ports = container.data.get("ports")
        for index, port in enumerate(ports if isinstance(ports, list) else []):
            port = mapping(port)
            host = port.get("hostPort")
            if host not in (None, 0):
                yield Violation(container.path + ("ports", index, "hostPort"),
                                f"container '{container.name}' binds host port {host}", container.name)
            elif host_network and container.list_name != "ephemeralContainers" \
                    and port.get("containerPort") not in (None, 0):
                yield Violation(container.path + ("ports", index, "containerPort"),
                                f"container '{container.name}' binds host port {port['containerPort']} "
                                "(hostNetwork: true makes each containerPort a host port)", container.name)


@template("apparmor-unconfined",
          "pod",
          "AppArmor annotations and profiles other than RuntimeDefault or Localhost.")
def apparmor_unconfined(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None:
        return
    meta_path = pod.template_metadata_path or ("metadata",)
    for key, value in pod.annotations.items():
        if not key.startswith(APPARMOR_ANNOTATION):
            continue
        if value in ("", "runtime/default") or (isinstance(value, str) and value.startswith("localhost/")):
            continue
        target = key[len(APPARMOR_ANNOTATION):] or "?"
        yield Violation(meta_path + ("annotations", key),
                        f"AppArmor profile '{value}' for container '{target}' is not allowed "
                        "(use runtime/default or localhost/<profile>)", target)
    yield from bad_profile_types(pod, "appArmorProfile", "AppArmor")


@template("selinux-options",
          "pod",
          "SELinux options with a type outside the allowed list, or a custom user or role.",
          Parameter("allowed-types", "string-list", "SELinux types a pod or container may set."))
def selinux_options(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None:
        return
    allowed = set(ctx.params["allowed-types"]) | {""}
    for path, context, container in security_contexts(pod):
        options = context.get("seLinuxOptions")
        if not isinstance(options, dict):
            continue
        name = container.name if container else None
        kind = options.get("type")
        if kind is not None and kind not in allowed:
            yield Violation(path + ("seLinuxOptions", "type"),
                            f"{_who(container)} sets SELinux type '{kind}'", name)
        for field in ("user", "role"):
            if options.get(field) not in (None, ""):
                yield Violation(path + ("seLinuxOptions", field),
                                f"{_who(container)} sets a custom SELinux {field} '{options[field]}'", name)


def unmasked_proc_mounts(pod: PodSpec) -> Iterator[Violation]:
    for container in pod.containers():
        value = container.security_context.get("procMount")
        if value is not None and value != "Default":
            yield Violation(container.path + ("securityContext", "procMount"),
                            f"container '{container.name}' sets procMount '{value}'", container.name)


@template("proc-mount",
          "container",
          "Containers that unmask /proc (procMount other than Default), unless hostUsers: false.")
def proc_mount(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None or pod.host_users_disabled:  # user namespaces: relaxed since v1.35
        return
    yield from unmasked_proc_mounts(pod)


@template("seccomp-unconfined", "pod", "Seccomp profiles whose type is not RuntimeDefault or Localhost.")
def seccomp_unconfined(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None:
        return
    yield from bad_profile_types(pod, "seccompProfile", "seccomp")


@template("unsafe-sysctls",
          "pod",
          "Pod sysctls outside the safe list.",
          Parameter("safe-sysctls", "string-list", "Sysctls a pod may set."))
def unsafe_sysctls(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None:
        return
    safe = set(ctx.params["safe-sysctls"])
    sysctls = pod.security_context.get("sysctls")
    for index, item in enumerate(sysctls if isinstance(sysctls, list) else []):
        name = mapping(item).get("name")
        if name not in safe:
            yield Violation(pod.path + ("securityContext", "sysctls", index),
                            f"pod sets sysctl '{name}', which is not in the safe set")


@template("windows-host-process", "pod", "Windows HostProcess pods and containers.")
def windows_host_process(ctx: CheckContext) -> Iterator[Violation]:
    pod = ctx.pod
    if pod is None:
        return
    for path, context, container in security_contexts(pod):
        if mapping(context.get("windowsOptions")).get("hostProcess") is True:
            yield Violation(path + ("windowsOptions", "hostProcess"),
                            f"{_who(container)} runs as a Windows HostProcess",
                            container.name if container else None)


_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_LIFECYCLE = ("postStart", "preStop")


@template("probe-host", "container", "Probes and lifecycle hooks (httpGet, tcpSocket) that name a host.")
def probe_host(ctx: CheckContext) -> Iterator[Violation]:
    if ctx.pod is None:
        return
    for container in ctx.pod.containers():
        handlers: list[tuple[tuple[str, ...], Any]] = [((probe,), container.data.get(probe)) for probe in _PROBES]
        lifecycle = mapping(container.data.get("lifecycle"))
        handlers += [(("lifecycle", hook), lifecycle.get(hook)) for hook in _LIFECYCLE]
        for where, handler in handlers:
            for action in ("httpGet", "tcpSocket"):
                host = mapping(mapping(handler).get(action)).get("host")
                if host not in (None, ""):
                    yield Violation(container.path + where + (action, "host"),
                                    f"container '{container.name}' {'.'.join(where)} targets host "
                                    f"'{host}' (leave host unset)", container.name)
