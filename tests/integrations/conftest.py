"""Session-wide fixtures for the integration tests: a committed snapshot of this source
tree (what pre-commit installs and the action runs) and one PRE_COMMIT_HOME per session,
so pre-commit builds the hook's virtualenv once, not once per test."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.integrations.gitutil import Repo
from tests.report.conftest import sarif_schema, validate_sarif  # noqa: F401  (fixtures shared with tests/report)


@dataclass(frozen=True)
class Snapshot:
    path: Path
    sha: str


def _source_files() -> list[str]:
    """Tracked and untracked-but-not-ignored files: the tree as a developer has it."""
    if not (ROOT / ".git").exists():  # an unpacked sdist
        skip = {".venv", ".ci-venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
        return [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and not skip & set(p.parts)]
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=ROOT, capture_output=True, check=True).stdout.decode()
    return [name for name in out.split("\0") if name]


@pytest.fixture(scope="session")
def source_snapshot(tmp_path_factory) -> Snapshot:
    """This checkout, uncommitted changes included, as one commit of a fresh repository."""
    target = tmp_path_factory.mktemp("kspm-lint-src")
    for name in _source_files():
        source = ROOT / name
        if source.is_file() and not source.is_symlink():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    repo = Repo(target)
    return Snapshot(target, repo.commit(message="snapshot"))


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")
