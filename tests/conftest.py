"""Shared test helpers: lint text or files through the real engine."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kspm_lint.api import Settings, lint_paths
from kspm_lint.config import Config

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
if os.environ.get("KSPM_LINT_SHARED"):
    SHARED = Path(os.environ["KSPM_LINT_SHARED"])


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when the checkout has none (a user's clone)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared holds the reference data (present in CI and dev machines)")
    return path


def lint(paths, select=(), config: Config | None = None, context: bool = False, **settings):
    """Lint ``paths`` as given: the rest of this repository (test fixtures of every kind)
    is not loaded as context for relation rules unless ``context``."""
    config = config or Config()
    merged = Settings.merge(config, select=list(select), **settings)
    merged.repository_context = context
    return lint_paths([str(p) for p in paths], merged, config).report


@pytest.fixture
def lint_text(tmp_path):
    """Write manifest text to a file and lint it; returns the active findings."""

    def run(text: str, select=(), name: str = "manifest.yaml", **settings):
        path = tmp_path / name
        path.write_text(text)
        report = lint([path], select=select, **settings)
        return [f for f in report.findings if not f.suppressed]

    return run


def rule_lines(findings, rule: str) -> list[int]:
    return [f.span.line for f in findings if f.rule == rule]
