"""Kustomize tests render with the real engine from the checkout root (paths display
relative to it), and skip only when no engine is installed."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import ROOT

EXAMPLES = ROOT / "examples" / "kustomize"
ENGINE = shutil.which("kustomize") or shutil.which("kubectl")
needs_engine = pytest.mark.skipif(ENGINE is None, reason="neither kustomize nor kubectl is on PATH")


@pytest.fixture(autouse=True)
def _at_checkout_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def write_tree(root, files: dict[str, str]):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root
