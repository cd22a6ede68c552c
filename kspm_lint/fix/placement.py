"""Where a new key goes in an existing mapping: where a person would have written it.

Kubernetes authors follow a loose order (``name``, ``image``, ``ports``, ``env``,
``resources``, ``volumeMounts``, then ``securityContext`` in a container; the service
account and ``securityContext`` before ``containers`` in a pod spec). A new key goes
after the last existing key that comes earlier in that order, or before the first
that comes later; keys the order does not know are not moved around.
"""

from __future__ import annotations

from collections.abc import Sequence

from kspm_lint.location import Path
from kspm_lint.workload import CONTAINER_LISTS

CONTAINER_ORDER = (
    "name", "image", "imagePullPolicy", "command", "args", "workingDir", "ports", "envFrom", "env",
    "resources", "resizePolicy", "restartPolicy", "volumeMounts", "volumeDevices", "livenessProbe",
    "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath", "terminationMessagePolicy",
    "securityContext", "stdin", "stdinOnce", "tty",
)
POD_SPEC_ORDER = (
    "priorityClassName", "restartPolicy", "terminationGracePeriodSeconds", "activeDeadlineSeconds",
    "dnsPolicy", "nodeSelector", "serviceAccountName", "serviceAccount", "automountServiceAccountToken",
    "hostNetwork", "hostPID", "hostIPC", "hostUsers", "shareProcessNamespace", "securityContext",
    "initContainers", "containers", "ephemeralContainers", "volumes",
)
SECURITY_CONTEXT_ORDER = (
    "runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup", "fsGroupChangePolicy", "supplementalGroups",
    "allowPrivilegeEscalation", "privileged", "readOnlyRootFilesystem", "procMount", "capabilities",
    "seccompProfile", "appArmorProfile", "seLinuxOptions", "windowsOptions", "sysctls",
)
CAPABILITIES_ORDER = ("drop", "add")
PROFILE_ORDER = ("type", "localhostProfile")


def order_for(path: Path, keys: Sequence[str]) -> Sequence[str]:
    """The conventional key order of the mapping at ``path`` (empty: append at the end)."""
    last = path[-1] if path else None
    if last == "securityContext":
        return SECURITY_CONTEXT_ORDER
    if last == "capabilities":
        return CAPABILITIES_ORDER
    if last in ("seccompProfile", "appArmorProfile"):
        return PROFILE_ORDER
    if len(path) >= 2 and isinstance(last, int) and path[-2] in CONTAINER_LISTS:
        return CONTAINER_ORDER
    if "containers" in keys or "initContainers" in keys:
        return POD_SPEC_ORDER
    return ()


def ordered(path: Path, value: object) -> object:
    """A new nested value with every mapping's keys in conventional order (unknown keys
    last, as given), so one inserted block reads like keys inserted one by one."""
    if isinstance(value, dict):
        keys = list(value)
        rank = {key: number for number, key in enumerate(order_for(path, keys))}
        keys.sort(key=lambda key: rank.get(key, len(rank)))
        return {key: ordered((*path, key), value[key]) for key in keys}
    return value


def choose(path: Path, keys: Sequence[str], new_key: str) -> tuple[str, int]:
    """("after", i) or ("before", i): the position of the new key relative to keys[i]."""
    order = order_for(path, keys)
    rank = {key: number for number, key in enumerate(order)}
    mine = rank.get(new_key)
    if mine is not None:
        earlier = [i for i, key in enumerate(keys) if rank.get(key, mine) < mine]
        if earlier:
            return "after", earlier[-1]
        later = [i for i, key in enumerate(keys) if rank.get(key, mine) > mine]
        if later:
            return "before", later[0]
    return "after", len(keys) - 1
