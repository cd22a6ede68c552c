"""A workload whose service account the repository binds to a role keeps its token."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from kspm_lint.cli import main

APP = Path(__file__).resolve().parent.parent.parent / "examples" / "insecure-app"


def test_a_bound_account_keeps_its_token_and_the_other_gets_the_fix(tmp_path, monkeypatch):
    shutil.copytree(APP, tmp_path / "app")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--format", "json", "--select", "service-account-token-automount", "app"])
    findings = {f["resource"]["name"]: f for f in json.loads(result.stdout)["findings"]}
    web, worker = findings["web"], findings["worker"]
    assert web["message"].endswith("(service account 'web' is bound to ClusterRole 'storefront-web' by "
                                   "ClusterRoleBinding 'storefront-web': the workload calls the API, so its "
                                   "token stays; no automatic fix)")
    assert web["fix"]["applicable"] is False and web["fix"]["edits"] == []
    assert worker["fix"]["applicable"] is True and worker["fix"]["edits"]
    before = (tmp_path / "app" / "web.yaml").read_text()
    CliRunner().invoke(main, ["--fix", "--unsafe-fixes", "--select", "service-account-token-automount", "app"])
    assert (tmp_path / "app" / "web.yaml").read_text() == before
    assert "automountServiceAccountToken: false" in (tmp_path / "app" / "worker.yaml").read_text()


def test_a_withheld_fix_is_display_only(tmp_path, monkeypatch):
    shutil.copytree(APP, tmp_path / "app")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["--format", "json", "--select", "service-account-token-automount", "app"])
    fixes = {f["resource"]["name"]: f["fix"] for f in json.loads(result.stdout)["findings"]}
    assert (fixes["web"]["applicability"], fixes["worker"]["applicability"]) == ("display-only", "unsafe")
