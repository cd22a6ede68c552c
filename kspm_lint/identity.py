"""What makes a finding the same finding across commits, for SARIF fingerprints,
baselines and ``--new-since`` alike: rule, file, object, container and field path,
never the line. List items that carry a name (containers, volumes, env, ports, ...)
are named by it, so reordering a list keeps every identity."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from kspm_lint.findings import Finding
from kspm_lint.location import Path, format_path

# Lists whose items the API server itself identifies by ``name``.
NAMED_LISTS = frozenset({
    "containers", "initContainers", "ephemeralContainers", "volumes", "volumeMounts", "volumeDevices",
    "env", "ports", "imagePullSecrets", "resourceClaims",
})
_path_text = lru_cache(maxsize=16384)(format_path)


def named_path(data: Any, path: Path) -> Path | None:
    """``path`` with each index into a named list replaced by ``name=<item name>``, or
    None when nothing changes (most paths: the finding then keeps only ``path``)."""
    out: list[Any] | None = None
    node = data
    previous: Any = None
    for position, element in enumerate(path):
        if isinstance(element, int) and previous in NAMED_LISTS and isinstance(node, list) \
                and 0 <= element < len(node) and isinstance(node[element], dict):
            name = node[element].get("name")
            if isinstance(name, str) and name:
                if out is None:
                    out = list(path[:position])
                out.append(f"name={name}")
                previous, node = element, node[element]
                continue
        if out is not None:
            out.append(element)
        if isinstance(node, dict) and isinstance(element, str):
            node = node.get(element)
        elif isinstance(node, list) and isinstance(element, int) and 0 <= element < len(node):
            node = node[element]
        else:
            node = None
        previous = element
    return tuple(out) if out is not None else None


def identity(finding: Finding, file: str) -> str:
    """The identity text of ``finding``; ``file`` is its file as the report shows it
    to consumers (repository-relative for CI formats)."""
    resource = finding.resource
    path = finding.key_path if finding.key_path is not None else finding.path
    parts = [finding.rule, file,
             resource.kind if resource else "", resource.namespace if resource else "",
             resource.name if resource else "", finding.container or "", _path_text(path)]
    if resource is None and not finding.path:
        parts.append(finding.message)  # e.g. yaml-syntax: nothing else tells two apart
    return "\x1f".join(parts)


def fingerprints(findings: Iterable[Finding], file_of: Callable[[str], str]) -> list[str]:
    """A stable fingerprint per finding: a hash of its identity, and an occurrence number
    that tells equal identities apart, in report order."""
    seen: Counter[str] = Counter()
    out: list[str] = []
    for finding in findings:
        digest = hashlib.sha256(identity(finding, file_of(finding.file)).encode("utf-8")).hexdigest()[:32]
        seen[digest] += 1
        out.append(f"{digest}:{seen[digest]}")
    return out
