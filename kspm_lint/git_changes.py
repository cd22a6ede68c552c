"""``--changed-since REF``: the manifests changed between a git REF and the working tree.

A pull-request job on a large GitOps repository should lint the files the pull request
touches, not all of them. Changed means added, modified, renamed-to or type-changed
since REF, whether committed, staged or not, plus untracked files git does not ignore.
Deleted files are left out. Only files under the PATHS the user named are kept, with
the same rules as directory discovery (manifest suffixes, skipped directories, no Helm
``templates/``); an explicitly named file is kept whatever its suffix.

gitpython is imported here only, so ordinary runs do not pay for it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING

from kspm_lint.discovery import MANIFEST_SUFFIXES, SKIP_DIRS, STDIN, is_helm_template_dir

if TYPE_CHECKING:
    from git import Commit, Repo


class GitError(Exception):
    """Git cannot answer: not a repository, unknown REF, git missing. Says what to do."""


def _open_repo(start: str) -> tuple[ModuleType, Repo]:
    try:
        import git
    except ImportError as exc:  # gitpython raises ImportError when the git binary is missing
        raise GitError(f"--changed-since needs git: {exc}") from None
    try:
        return git, git.Repo(start, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(f"--changed-since: {start} is not inside a git repository") from None


def _resolve(git: ModuleType, repo: Repo, ref: str) -> Commit:
    try:
        return repo.commit(ref)
    except (git.BadName, git.BadObject, ValueError, git.GitCommandError):
        raise GitError(f"--changed-since: unknown git revision '{ref}'{_shallow_hint(git, repo)}") from None


def _shallow_hint(git: ModuleType, repo: Repo) -> str:
    """CI checkouts are often shallow, and then the base commit is simply not there."""
    try:
        shallow = repo.git.rev_parse("--is-shallow-repository").strip() == "true"
    except git.GitCommandError:
        shallow = False
    if not shallow:
        return ""
    return (" (this clone is shallow: fetch the base first, e.g. `git fetch --depth=1 origin <branch>`, "
            "or check out with fetch-depth: 0)")


def changed_files(ref: str, start: str | None = None) -> list[str]:
    """Absolute paths of the files changed since ``ref`` that exist in the work tree of
    the repository holding ``start`` (default: the working directory)."""
    git, repo = _open_repo(start or os.getcwd())
    commit = _resolve(git, repo, ref)
    root = repo.working_tree_dir
    if root is None:
        raise GitError("--changed-since: the repository has no working tree")
    changed: set[str] = set()
    try:
        for diff in commit.diff(None):
            # diff(None) compares REF (a side) with the work tree (b side).
            if diff.change_type == "D" or diff.deleted_file:
                continue
            path = diff.b_path or diff.a_path
            if path:
                changed.add(path)
        changed.update(repo.untracked_files)
    except git.GitCommandError as exc:
        detail = (exc.stderr or "").strip().removeprefix("stderr:").strip(" '\n") or str(exc)
        raise GitError(f"--changed-since: git failed: {detail}{_shallow_hint(git, repo)}") from None
    return sorted(p for p in (os.path.join(root, path) for path in changed) if os.path.isfile(p))


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _discoverable(path: str, directory: str) -> bool:
    """Would walking ``directory`` yield ``path``? Same suffix and directory rules."""
    if not path.endswith(MANIFEST_SUFFIXES):
        return False
    parent = os.path.dirname(path)
    while _inside(parent, directory) and parent != directory:
        if os.path.basename(parent) in SKIP_DIRS or is_helm_template_dir(parent):
            return False
        parent = os.path.dirname(parent)
    return True


def chart_of(path: str) -> str | None:
    """The Helm chart directory a changed file belongs to (a template, Chart.yaml,
    values): such a change is linted by rendering the chart, so the chart is the target."""
    probe = os.path.dirname(path)
    while True:
        if is_helm_template_dir(probe):
            return os.path.dirname(probe)
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    directory, name = os.path.split(path)
    if name.startswith(("Chart.", "values")) and os.path.isfile(os.path.join(directory, "Chart.yaml")):
        return directory
    return None


def _shown(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def select(changed: Iterable[str], paths: Sequence[str]) -> list[str]:
    """The changed files that linting ``paths`` would cover, relative to the working
    directory when inside it, sorted; a changed Helm chart is given as its directory.
    ``-`` (stdin) is passed through."""
    changed = [os.path.realpath(p) for p in changed]
    chosen: set[str] = set()
    keep_stdin = False
    for target in paths or ["."]:
        if target == STDIN:
            keep_stdin = True
            continue
        absolute = os.path.realpath(target)
        if os.path.isdir(absolute):
            for path in changed:
                if not _inside(path, absolute):
                    continue
                chart = chart_of(path)
                if chart is not None and _inside(chart, absolute):
                    chosen.add(chart)
                elif _discoverable(path, absolute):
                    chosen.add(path)
        elif absolute in changed:
            chosen.add(absolute)
    out = sorted(_shown(p) for p in chosen)
    return [*out, STDIN] if keep_stdin else out


def changed_paths(ref: str, paths: Sequence[str]) -> list[str]:
    """What ``--changed-since REF PATHS`` lints. The repository is the one holding the
    first named path (the working directory for none or stdin). Raises GitError with a
    readable message."""
    named = [p for p in paths if p != STDIN]
    start = None
    if named:
        first = os.path.abspath(named[0])
        start = first if os.path.isdir(first) else os.path.dirname(first)
    return select(changed_files(ref, start), paths)
