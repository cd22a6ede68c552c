"""Render the example chart with each Helm engine present (the binary is skipped when
it is not on PATH). Paths are shown relative to the checkout root."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kspm_lint.helm import HelmOptions, HelmRender, render_chart

ROOT = Path(__file__).resolve().parents[2]
CHART = "examples/helm/shop"
CHARTS = "tests/helm/charts"


def _engines() -> list:
    return [
        pytest.param("helm_python", id="helm_python"),
        pytest.param("helm", id="helm", marks=pytest.mark.skipif(
            shutil.which("helm") is None, reason="the helm binary is not on PATH")),
    ]


ENGINES = _engines()


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def render(chart: str = CHART, **options) -> HelmRender:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return render_chart(chart, HelmOptions(**options))
    finally:
        os.chdir(cwd)
