"""Helpers for the fix tests: run the real CLI in a directory, lint files in-process."""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from kspm_lint.api import LintRun, Settings, lint_paths
from kspm_lint.cli import main
from kspm_lint.config import Config
from kspm_lint.fix.generators import GENERATORS

FIXABLE = sorted(GENERATORS)


@contextmanager
def cwd(path: Path):
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


class Cli:
    """``kspm-lint`` run through click in a working directory, with no config file around."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        (directory / ".kspm-lint.yaml").write_text("{}\n")  # stops the upward config search

    def __call__(self, *args: str):
        with cwd(self.directory):
            return CliRunner().invoke(main, ["--no-color", *args], catch_exceptions=False)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def lint_run(paths: Sequence[Path | str], select: Sequence[str] = (), directory: Path | None = None) -> LintRun:
    """A real lint run in-process (as the CLI builds it), optionally from ``directory``."""
    config = Config()
    settings = Settings.merge(config, select=list(select))
    with cwd(directory or Path.cwd()):
        return lint_paths([str(p) for p in paths], settings, config)
