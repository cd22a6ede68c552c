"""Find the manifest files under the paths a user names."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from typing import Protocol

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".terraform"}
STDIN = "-"


@dataclass(frozen=True)
class Target:
    path: str  # what to open ("-" for stdin)
    display: str  # what to show: relative to the working directory when possible
    source: str = "file"  # the ``kspm_lint.sources`` entry that reads it
    variant: str = ""  # which rendering of the target (a Helm chart's value set)


def display_path(path: str) -> str:
    if path == STDIN:
        return "<stdin>"
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive on Windows
        return absolute.replace(os.sep, "/")
    shown = absolute if relative.startswith("..") else relative
    return shown.replace(os.sep, "/")


def excluded(display: str, patterns: Iterable[str]) -> bool:
    """Globs match the displayed path or any trailing part of it (``*.json``, ``charts/**``)."""
    pure = PurePosixPath(display)
    for pattern in patterns:
        if fnmatchcase(display, pattern) or pure.match(pattern):
            return True
        if pattern.endswith("/**") and (display + "/").startswith(pattern[:-2]):
            return True
    return False


def is_helm_template_dir(directory: str) -> bool:
    """Helm ``templates/`` hold Go templates, not YAML: they are linted by rendering."""
    return os.path.basename(directory) == "templates" and os.path.isfile(
        os.path.join(os.path.dirname(directory), "Chart.yaml")
    )


@dataclass
class Claim:
    """What a directory source (Helm, Kustomize) takes over from the plain-file walk:
    the units it renders, and the files (real paths) it consumes, which are then not
    linted as manifests of their own."""

    targets: list[Target] = field(default_factory=list)
    consumed: set[str] = field(default_factory=set)


class DirectorySource(Protocol):
    """A source that owns whole directories. ``markers``: file names that make a
    directory one of its roots; ``opaque``: nothing below a root is walked for plain
    manifests; ``plan`` turns the marked directories of a walk into a ``Claim``."""

    name: str
    markers: frozenset[str]
    opaque: bool

    def plan(self, directories: list[str], exclude: list[str]) -> Claim: ...


DIRECTORY_SOURCES: list[DirectorySource] = []  # registered by kspm_lint.sources


def discover(paths: Iterable[str], exclude: Iterable[str] = ()) -> Iterator[Target]:
    """The lint targets under ``paths``: plain manifest files, stdin, and the roots that
    directory sources claim (their consumed files are left out)."""
    patterns = list(exclude)
    seen: set[str] = set()
    plain: list[tuple[str, str]] = []  # (path, display), in walk order
    marked: dict[str, list[str]] = {source.name: [] for source in DIRECTORY_SOURCES}
    for path in paths:
        if path == STDIN:
            plain.append((STDIN, display_path(STDIN)))
            continue
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                if _marked(root, set(files), marked):
                    dirs[:] = []
                    continue
                dirs[:] = sorted(
                    d for d in dirs
                    if d not in SKIP_DIRS and not is_helm_template_dir(os.path.join(root, d))
                    and not excluded(display_path(os.path.join(root, d)), patterns)
                )
                plain.extend((os.path.join(root, name), "") for name in sorted(files)
                             if name.endswith(MANIFEST_SUFFIXES))
        else:
            if not _inside_rendered_root(path, marked):
                plain.append((path, ""))
    claims = [source.plan(marked[source.name], patterns) for source in DIRECTORY_SOURCES if marked[source.name]]
    consumed = set().union(*(claim.consumed for claim in claims))
    for path, display in plain:
        if path == STDIN:
            yield Target(STDIN, display, "stdin")
        elif not consumed or os.path.realpath(path) not in consumed:
            yield from _target(path, patterns, seen)
    for claim in claims:
        for target in claim.targets:
            if target.display not in seen and not excluded(target.display, patterns):
                seen.add(target.display)
                yield target


def _inside_rendered_root(path: str, marked: dict[str, list[str]]) -> bool:
    """A file named on its own (pre-commit, --changed-since) that belongs to a chart or
    an overlay: mark the root that renders it. True when the file is then not linted as
    a manifest of its own (anything in a chart: templates are not YAML; the outermost
    chart renders its subcharts). A file next to a kustomization stays a candidate: the
    Kustomize plan leaves it plain unless a kustomization reads it."""
    directory = os.path.dirname(os.path.abspath(path))
    chart: str | None = None
    nearest: dict[str, str] = {}
    while True:
        try:
            names = set(os.listdir(directory))
        except OSError:
            names = set()
        for source in DIRECTORY_SOURCES:
            if source.markers & names:
                if source.opaque:
                    chart = directory  # keep going: the outermost chart wins
                nearest.setdefault(source.name, directory)
        parent = os.path.dirname(directory)
        if parent == directory:
            break
        directory = parent
    for source in DIRECTORY_SOURCES:
        root = chart if source.opaque else nearest.get(source.name)
        if root is not None and source.name in nearest:
            shown = os.path.relpath(root) if not os.path.relpath(root).startswith("..") else root
            if shown not in marked[source.name]:
                marked[source.name].append(shown)
    return chart is not None


def _marked(root: str, files: set[str], marked: dict[str, list[str]]) -> bool:
    """Record ``root`` for each directory source whose marker it holds; True when one
    of them is opaque (the walk stops there)."""
    opaque = False
    for source in DIRECTORY_SOURCES:
        if source.markers & files:
            marked[source.name].append(root)
            opaque = opaque or source.opaque
    return opaque


def _target(path: str, patterns: list[str], seen: set[str]) -> Iterator[Target]:
    shown = display_path(path)
    if shown in seen or excluded(shown, patterns):
        return
    seen.add(shown)
    yield Target(path, shown)
