"""Supply chain: images from registries outside an allow-list, and clusters that admit
images without checking their signatures."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kspm_lint import relations as rel
from kspm_lint.checks import template
from kspm_lint.checks.hardening import split_image
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.engine.parameters import Parameter
from kspm_lint.engine.runner import CrossViolation, needs_whole_run, run_wide
from kspm_lint.inventory import Inventory, InventoryObject


def image_name(image: str) -> str:
    """The fully qualified repository of a reference, as a container runtime resolves it:
    ``nginx`` is ``docker.io/library/nginx``; the first component is a registry when it
    has a dot or a port, or is ``localhost``."""
    repository, _, _ = split_image(image.strip())
    first, _, rest = repository.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return repository
    if not rest:
        return f"docker.io/library/{repository}"
    return f"docker.io/{repository}"


def allowed(name: str, prefixes: list[str]) -> bool:
    """A prefix allows its registry or repository path and anything below it, by
    whole components: ``ghcr.io/acme`` allows ``ghcr.io/acme/api``, not ``ghcr.io/acmex``."""
    for prefix in prefixes:
        prefix = prefix.strip().rstrip("/")
        if prefix and (name == prefix or name.startswith(prefix + "/")):
            return True
    return False


@template("image-registry-not-allowed", "resource", "Image from a registry outside the allow-list.",
          Parameter('allowed-registries', 'string-list',
                    'Registries or path prefixes images may come from (empty: silent).', []))
def image_registry_not_allowed(ctx: CheckContext) -> Iterator[Violation]:
    prefixes = [str(p) for p in ctx.params.get("allowed-registries") or []]
    if not prefixes or ctx.pod is None:
        return  # silent until an allow-list is configured
    for container in ctx.pod.containers():
        image = container.data.get("image")
        if not isinstance(image, str) or not image.strip():
            continue
        name = image_name(image)
        if not allowed(name, prefixes):
            yield Violation(container.path + ("image",),
                            f"container '{container.name}' image '{image}' ({name}) is not from an allowed "
                            f"registry ({', '.join(prefixes)})", container.name)


def _verifies_images(obj: InventoryObject) -> bool:
    group = obj.ref.group
    if obj.ref.kind == "ClusterImagePolicy" and group == "policy.sigstore.dev":
        return True
    if obj.ref.kind == "ImageValidatingPolicy" and group == "policies.kyverno.io":
        return True
    if obj.ref.kind in ("ClusterPolicy", "Policy") and group == "kyverno.io":
        spec = obj.data.get("spec")
        rules = spec.get("rules") if isinstance(spec, dict) else None
        return isinstance(rules, list) and any(isinstance(r, dict) and r.get("verifyImages") for r in rules)
    return False


@template("image-verification-policy-missing", "run", "No image-signature admission policy.")
@run_wide
@needs_whole_run
def image_verification_policy_missing(inventory: Inventory, params: dict[str, Any]) -> Iterator[CrossViolation]:
    if not inventory.of_kind("Namespace") or any(_verifies_images(obj) for obj in inventory.objects):
        return  # a run that declares no namespace does not describe a cluster: it cannot tell
    found = list(rel.workloads(inventory))
    if not found:
        return
    first, pod = found[0]
    containers = pod.containers()
    path = containers[0].path + ("image",) if containers else pod.path
    count = f"{len(found)} workload{'s' if len(found) != 1 else ''}"
    yield CrossViolation(first, Violation(
        path, f"this run deploys {count} but holds no image-signature admission policy (a Kyverno "
              "verifyImages rule or a sigstore policy-controller ClusterImagePolicy): unsigned or "
              "substituted images are admitted"))
