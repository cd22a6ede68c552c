"""Shared by the CI formats (SARIF, GitHub, rdjson, JUnit): repository-relative paths,
severity mappings and a stable finding order.

Findings carry paths relative to the working directory; code scanning, annotations and
reviewdog all resolve paths against the repository root, so a run started in a
subdirectory must still produce ``deploy/app.yaml``, not ``app.yaml``.
"""

from __future__ import annotations

import os
from functools import lru_cache
from urllib.parse import quote

from kspm_lint.findings import Finding, Severity

HOMEPAGE = "https://github.com/kspm-lint/kspm-lint"
STDIN_DISPLAY = "<stdin>"

# GitHub code scanning reads security-severity as a CVSS-like score:
# >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}
# SARIF result levels; GitHub workflow commands use the same split (note -> notice).
SARIF_LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


@lru_cache(maxsize=8)
def _root_for(cwd: str) -> str:
    """The git work tree holding ``cwd`` (a ``.git`` dir or file), else ``cwd`` itself.

    Walks the file system instead of importing gitpython: the formats must stay fast."""
    from kspm_lint.context import repository_root

    return repository_root(cwd) or cwd


def repo_root() -> str:
    """Absolute path of the repository root (or the working directory outside git)."""
    return _root_for(os.path.realpath(os.getcwd()))


def repo_relative(file: str) -> str | None:
    """``file`` (as findings show it) relative to the repository root, with ``/``.

    ``None`` for stdin and for files outside the repository.
    """
    if file in (STDIN_DISPLAY, "-"):
        return None
    absolute = os.path.realpath(os.path.abspath(file))
    root = repo_root()
    try:
        relative = os.path.relpath(absolute, root)
    except ValueError:  # another drive on Windows
        return None
    if relative == ".." or relative.startswith(".." + os.sep):
        return None
    return relative.replace(os.sep, "/")


def display_file(file: str) -> str:
    """The path a CI system should show: repo-relative when possible, else as given."""
    return repo_relative(file) or file


def file_uri(path: str, directory: bool = False) -> str:
    """A ``file://`` URI for an absolute path (directories end with ``/``, as SARIF wants)."""
    posix = path.replace(os.sep, "/")
    if not posix.startswith("/"):
        posix = "/" + posix
    uri = "file://" + quote(posix)
    return uri + "/" if directory and not uri.endswith("/") else uri


def by_severity(findings: list[Finding]) -> list[Finding]:
    """Most severe first, then by file and position: consumers that show only the first
    few entries (GitHub annotations, code scanning's 5,000) show the ones that matter."""
    return sorted(findings, key=lambda f: (-int(f.severity), f.sort_key))


def rule_url(rule_id: str, references: list[str] | None = None) -> str:
    """Where to read about a rule: its first reference, else the project's rule file."""
    if references:
        return references[0]
    return f"{HOMEPAGE}/blob/main/rules/{rule_id}.yaml"
