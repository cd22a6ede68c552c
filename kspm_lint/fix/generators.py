"""Which ops fix which finding: one small function per rule, reading the document data.

A generator looks at the finding (its rule, path and container) and at the data of
the object it sits in, and returns ``PatchOp``s with document-relative paths. It
never looks at text: the same ops serve ``--fix``, ``--diff``, JSON, SARIF and
rdjson. A finding no generator can fix soundly raises ``NoFix`` with the reason.

Rule files name their generator (``fix: {generator: NAME}``, from ``NAMED``) or, for
declarative rules, write the ops themselves (``OpsFix``); loading the rules binds each
rule id to its fix in ``GENERATORS``, which ``ops_for`` reads.

Two findings about the same container get identical ops for shared changes (the
capability fixes compute the container's whole capability patch), so the planner
can de-duplicate them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from kspm_lint.findings import Finding
from kspm_lint.fix.model import PatchOp, Safety
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
    container: Container | None = None
    container_path: Path = ()
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


@dataclass(frozen=True)
class FixGenerator:
    """A named fix that rule files refer to (``fix: {generator: NAME, ...}``).

    ``safety`` is the least cautious class a rule may declare for it: a ``safe``
    generator may be declared safe or unsafe, an ``unsafe`` one only unsafe, and
    ``None`` (removing a field: it depends on the field) leaves it to the rule.
    """

    name: str
    function: Generator
    safety: Safety | None
    summary: str

    @property
    def module(self) -> str:
        return self.function.__module__


def _named(*entries: tuple[str, Generator, Safety | None, str]) -> dict[str, FixGenerator]:
    return {name: FixGenerator(name, function, safety, summary) for name, function, safety, summary in entries}


NAMED: dict[str, FixGenerator] = _named(
    ("privilege-escalation", privilege_escalation, "safe",
     "Sets the container's allowPrivilegeEscalation: false."),
    ("seccomp-profile", seccomp_profile, "safe",
     "Sets seccompProfile.type: RuntimeDefault where the finding points (pod or container)."),
    ("seccomp-unconfined", seccomp_unconfined, "safe",
     "Replaces an unconfined seccomp profile type with RuntimeDefault."),
    ("apparmor-unconfined", apparmor_unconfined, "safe",
     "Replaces an unconfined AppArmor annotation or profile with runtime/default / RuntimeDefault."),
    ("proc-mount", proc_mount, "safe", "Sets the container's procMount: Default."),
    ("privileged-container", privileged_container, "unsafe",
     "Removes privileged: true (and a securityContext it leaves empty)."),
    ("capabilities", capabilities, "unsafe",
     "Drops ALL capabilities and removes added ones (NET_BIND_SERVICE kept for ports below 1024)."),
    ("run-as-non-root", run_as_non_root, "unsafe",
     "Sets runAsNonRoot: true and replaces a runAsUser: 0 that contradicts it."),
    ("run-as-root-user", run_as_root_user, "unsafe", f"Replaces runAsUser: 0 with {NON_ROOT_UID}."),
    ("read-only-root-filesystem", read_only_root_filesystem, "unsafe",
     "Sets readOnlyRootFilesystem: true and mounts an emptyDir at /tmp."),
    ("remove-field", remove_field, None, "Removes the field the finding points at."),
    ("host-port", host_port, "unsafe", "Removes an explicit hostPort."),
)


@dataclass(frozen=True)
class OpsFix:
    """A declarative fix: ops written in a rule file, relative to the check's scope."""

    scope: str  # resource, workload, pod or container (as the declarative check)
    ops: tuple[PatchOp, ...]  # paths relative to the scope

    def __call__(self, target: Target) -> list[PatchOp]:
        if self.scope == "container":
            base = target.need_container()[1]
        elif self.scope == "pod":
            base = target.need_pod()[1]
        else:
            base = target.base
        return [PatchOp(op.op, base + op.path, op.value, op.prune) for op in self.ops]


@dataclass(frozen=True)
class FixBinding:
    """A rule's automatic fix, as its rule file names it."""

    safety: Safety
    description: str
    generator: Generator
    defined_in: str  # "generator NAME (module)" or "declarative in FILE", for --explain


class RuleFixes(Mapping[str, tuple[Generator, Safety]]):
    """rule id -> (generator, declared safety) of the rules last loaded that have a fix.

    ``engine.catalog.load_rules`` binds the rules it loads (built-in and custom; a new
    load replaces the previous set); the fix code looks rules up here by the finding's
    rule id. Reading it before any rules were loaded loads the built-in ones first,
    through the loader the catalog installs (this module never imports the engine).
    """

    def __init__(self) -> None:
        self._bound: dict[str, tuple[Generator, Safety]] = {}
        self._loaded = False
        self._loader: Callable[[], object] | None = None

    def install_loader(self, loader: Callable[[], object]) -> None:
        self._loader = loader

    def bind(self, bindings: Mapping[str, FixBinding]) -> None:
        """The fixes of a freshly loaded rule set, replacing the previous ones."""
        self._bound = {rule_id: (b.generator, b.safety) for rule_id, b in bindings.items()}
        self._loaded = True

    def _ready(self) -> dict[str, tuple[Generator, Safety]]:
        if not self._loaded and self._loader is not None:
            self._loader()
        return self._bound

    def __getitem__(self, rule_id: str) -> tuple[Generator, Safety]:
        return self._ready()[rule_id]

    def __iter__(self) -> Iterator[str]:
        return iter(dict(self._ready()))

    def __len__(self) -> int:
        return len(self._ready())


GENERATORS = RuleFixes()


def ops_for(finding: Finding, parsed: ParsedFile, document: Document) -> list[PatchOp]:
    entry = GENERATORS.get(finding.rule)
    if entry is None:
        raise NoFix(f"no automatic fix for {finding.rule}")
    ops = entry[0](target_of(finding, parsed, document))
    if not ops:
        raise NoFix("nothing to change")
    return ops
