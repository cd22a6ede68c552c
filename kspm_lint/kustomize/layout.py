"""Find Kustomize roots in a tree and what each of them consumes."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

from kspm_lint.discovery import SKIP_DIRS
from kspm_lint.kustomize.kustomization import Kustomization, Reference, kustomization_file, read_kustomization

_PATCH_FIELDS = ("patches", "patchesStrategicMerge", "patchesJson6902")


@dataclass
class KustomizeLayout:
    """Every kustomization under the paths, and how they use each other.

    ``kustomizations`` maps an absolute directory to its parsed kustomization; ``roots``
    are the directories no other kustomization in the tree uses (sorted); ``patch_files``
    and ``component_dirs`` must never be linted as whole objects; ``consumed`` is every
    file some kustomization reads (resources, patches, generator inputs, the kustomization
    files themselves); ``files_of_root`` says which of them each root renders from.
    """

    kustomizations: dict[str, Kustomization] = field(default_factory=dict)
    roots: list[str] = field(default_factory=list)
    patch_files: set[str] = field(default_factory=set)
    component_dirs: set[str] = field(default_factory=set)
    consumed: set[str] = field(default_factory=set)
    files_of_root: dict[str, set[str]] = field(default_factory=dict)
    remote: list[tuple[str, Reference]] = field(default_factory=list)  # (kustomization file, reference)
    missing: list[tuple[str, Reference]] = field(default_factory=list)  # local references that do not exist

    def remote_of_root(self, root: str) -> list[tuple[str, Reference]]:
        """Remote references reachable from ``root`` (through local bases and components)."""
        reachable = {k.file for k in self.chain_members(root)}
        return [(file, ref) for file, ref in self.remote if file in reachable]

    def chain_members(self, root: str) -> list[Kustomization]:
        """The kustomizations ``root`` loads, itself first (depth first, each once)."""
        seen: list[Kustomization] = []
        stack = [os.path.abspath(root)]
        visited: set[str] = set()
        while stack:
            directory = stack.pop()
            if directory in visited:
                continue
            visited.add(directory)
            k = self.kustomizations.get(directory) or read_kustomization(directory)
            if k is None:
                continue
            self.kustomizations.setdefault(directory, k)
            seen.append(k)
            for ref in reversed(k.references):
                if ref.field in ("resources", "components") and not ref.remote and os.path.isdir(ref.path):
                    stack.append(ref.path)
        return seen


def _walk(paths: Iterable[str]) -> list[str]:
    found: list[str] = []
    for path in paths:
        if not os.path.isdir(path):
            continue
        for directory, dirs, _files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            if kustomization_file(directory) is not None:
                found.append(os.path.abspath(directory))
    return found


def find_roots(paths: Iterable[str]) -> KustomizeLayout:
    """Every kustomization under ``paths``, the top-level roots, and the files they consume.

    A root that is only reached through a base outside the named paths still counts: its
    bases are read (never rendered here) so that their files are known to belong to it.
    Remote references are recorded, never fetched.
    """
    layout = KustomizeLayout()
    in_tree = _walk(paths)
    for directory in in_tree:
        k = read_kustomization(directory)
        if k is not None:
            layout.kustomizations[directory] = k
    used: set[str] = set()
    for directory in in_tree:
        for k in layout.chain_members(directory):
            for ref in k.references:
                _note(layout, k, ref)
                if ref.field in ("resources", "components") and not ref.remote and ref.path != k.directory:
                    used.add(ref.path)
    layout.roots = sorted(
        d for d in in_tree if d not in used and layout.kustomizations[d].data.get("kind") != "Component"
    )
    for root in layout.roots:
        files: set[str] = set()
        for k in layout.chain_members(root):
            files.add(k.file)
            files.update(ref.path for ref in k.references if not ref.remote and os.path.isfile(ref.path))
        layout.files_of_root[root] = files
    layout.remote = sorted(set(layout.remote), key=lambda item: (item[0], item[1].span))
    layout.missing = sorted(set(layout.missing), key=lambda item: (item[0], item[1].span))
    return layout


def _note(layout: KustomizeLayout, k: Kustomization, ref: Reference) -> None:
    layout.consumed.add(k.file)
    if ref.remote:
        layout.remote.append((k.file, ref))
        return
    if not os.path.exists(ref.path):
        layout.missing.append((k.file, ref))
        return
    if ref.field in _PATCH_FIELDS:
        layout.patch_files.add(ref.path)
    if ref.field == "components" and os.path.isdir(ref.path):
        layout.component_dirs.add(ref.path)
    if os.path.isfile(ref.path):
        layout.consumed.add(ref.path)
