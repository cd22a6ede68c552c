"""Fixtures for the output formats: lint real manifests in a throw-away git repository
(so repository-relative paths are exercised) and validate every SARIF log produced."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import lint, shared_path

INSECURE_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
spec:
  hostNetwork: true
  containers:
    - name: app
      image: nginx:1.25
      securityContext:
        privileged: true
"""
SELECT = ["privileged-container", "host-namespaces"]


@pytest.fixture(scope="session")
def sarif_schema() -> dict:
    return json.loads(shared_path("schemas", "sarif-schema-2.1.0.json").read_text())


@pytest.fixture
def validate_sarif(sarif_schema):
    """Parse SARIF text, validate it against the OASIS 2.1.0 schema, return the data."""
    from jsonschema import Draft4Validator

    def check(text: str) -> dict:
        data = json.loads(text)
        errors = sorted(Draft4Validator(sarif_schema).iter_errors(data), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
        return data

    return check


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """An empty git work tree as the working directory."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def lint_repo(repo):
    """Write ``{relative path: text}`` into the repo and lint the paths; returns the Report."""

    def run(files: dict[str, str], select=SELECT, paths=None, **settings):
        for name, text in files.items():
            path = repo / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        return lint(paths or list(files), select=select, **settings)

    return run
