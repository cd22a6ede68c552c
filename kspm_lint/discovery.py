"""Find the manifest files under the paths a user names."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".terraform"}
STDIN = "-"


@dataclass(frozen=True)
class Target:
    path: str  # what to open ("-" for stdin)
    display: str  # what to show: relative to the working directory when possible
    source: str = "file"  # the ``kspm_lint.sources`` entry that reads it


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


def discover(paths: Iterable[str], exclude: Iterable[str] = ()) -> Iterator[Target]:
    patterns = list(exclude)
    seen: set[str] = set()
    for path in paths:
        if path == STDIN:
            yield Target(STDIN, display_path(STDIN), "stdin")
            continue
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(
                    d for d in dirs
                    if d not in SKIP_DIRS and not is_helm_template_dir(os.path.join(root, d))
                    and not excluded(display_path(os.path.join(root, d)), patterns)
                )
                for name in sorted(files):
                    if name.endswith(MANIFEST_SUFFIXES):
                        yield from _target(os.path.join(root, name), patterns, seen)
        else:
            yield from _target(path, patterns, seen)


def _target(path: str, patterns: list[str], seen: set[str]) -> Iterator[Target]:
    shown = display_path(path)
    if shown in seen or excluded(shown, patterns):
        return
    seen.add(shown)
    yield Target(path, shown)
