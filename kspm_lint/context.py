"""Partial runs (pre-commit, ``--changed-since``) and the other half of a relation.

Run-wide checks judge relations (a workload and the bindings of its service account).
When only a few files are linted, the other half usually sits in a file that was not
passed: the rest of the repository's manifests (or ``--context DIR``) are loaded as
context, relations are evaluated against the whole, and only the given files are
reported on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

from kspm_lint.discovery import STDIN, Target, discover


@dataclass(frozen=True)
class Context:
    """Where context comes from (``root``, None when it cannot be known) and the extra
    targets to load from there."""

    root: str | None
    targets: tuple[Target, ...]

    @property
    def known(self) -> bool:
        return self.root is not None


def repository_root(path: str) -> str | None:
    """The git work tree holding ``path``, or None outside one."""
    current = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


def find_context(paths: list[str], targets: Iterable[Target], exclude: Iterable[str],
                 explicit: str | None = None, repository: bool = True) -> Context:
    """The context of a run over ``paths``: ``explicit`` when given, else (when
    ``repository``) the repository holding every path; without ``repository`` the paths
    themselves are the whole run. Whole-directory runs of the repository root need none."""
    if explicit is not None:
        root: str | None = explicit
    elif not repository:  # the paths are taken as the whole of what there is
        return Context(os.path.abspath(paths[0]) if paths else None, ())
    else:
        if not paths or STDIN in paths:
            return Context(None, ())
        roots = {repository_root(p) for p in paths}
        root = roots.pop() if len(roots) == 1 else None
        if root is None:
            # Outside a repository, directories are as whole as the user asked for.
            whole = all(os.path.isdir(p) for p in paths)
            return Context(os.path.abspath(paths[0]) if whole else None, ())
    assert root is not None
    given = {os.path.realpath(t.path) for t in targets if t.path != STDIN}
    # Plain manifests only: rendering every chart and overlay of a repository for one
    # changed file would make a pre-commit run slow (rendered objects are linted when
    # their chart or overlay is).
    extra = tuple(t for t in discover([os.path.relpath(root)], exclude)
                  if t.source == "file" and os.path.realpath(t.path) not in given and _relates(t.path))
    return Context(root, extra)


# The kinds relation rules read besides workloads: a context file that holds none of them
# (most files of a repository: its workloads) cannot complete a relation of the files
# linted, and is not parsed.
_RELATION_KINDS = re.compile(
    r"""^\s*"?kind"?\s*:\s*"?(Role|ClusterRole|RoleBinding|ClusterRoleBinding|ServiceAccount|NetworkPolicy|"""
    r"""Namespace|Service|Ingress|HTTPRoute|GRPCRoute|TLSRoute|ClusterPolicy|Policy|ClusterImagePolicy|"""
    r"""List)\b""", re.MULTILINE)
_SCAN_BYTES = 4 * 1024 * 1024


def _relates(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SCAN_BYTES)
    except OSError:
        return False
    return _RELATION_KINDS.search(head.decode("utf-8", "replace")) is not None
