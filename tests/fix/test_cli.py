"""``--fix``, ``--diff`` and ``--format json`` through the real command line."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kspm_lint.cli import main
from kspm_lint.fix.edits import apply_edits
from kspm_lint.fix.model import TextEdit
from tests.fix.conftest import FIXABLE, cwd

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
WEB = Path(__file__).parent / "data" / "web.yaml"  # a frozen copy of the first insecure example


def copy(source: Path, directory: Path, name: str | None = None) -> Path:
    target = directory / (name or source.name)
    shutil.copyfile(source, target)
    return target


def test_diff_writes_nothing_exits_1_and_is_a_patch_that_applies(cli, tmp_path):
    target = copy(WEB, tmp_path, "web.yaml")
    before = target.read_bytes()
    mtime = target.stat().st_mtime_ns
    result = cli("--diff", "--unsafe-fixes", "web.yaml")
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/web.yaml\n+++ b/web.yaml\n@@ ")
    assert target.read_bytes() == before and target.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kspm-lint.yaml", "web.yaml"]

    if shutil.which("patch") is None:
        pytest.skip("patch(1) is not installed")
    (tmp_path / "web.diff").write_text(result.stdout)
    subprocess.run(["patch", "-s", "-p1", "-i", "web.diff"], cwd=tmp_path, check=True)
    patched = target.read_bytes()
    copy(WEB, tmp_path, "web.yaml")
    cli("--fix", "--unsafe-fixes", "web.yaml")
    assert patched == target.read_bytes()


def test_diff_of_a_clean_file_is_empty_and_exits_0(cli, tmp_path):
    copy(EXAMPLES / "hardened" / "api-deployment.yaml", tmp_path)
    result = cli("--diff", "--unsafe-fixes", "api-deployment.yaml")
    assert (result.exit_code, result.stdout) == (0, "")


def test_diff_marks_a_missing_final_newline(cli, tmp_path):
    (tmp_path / "p.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
                                     "  - name: a\n    image: a:1\n    securityContext: {privileged: true}")
    result = cli("--diff", "--unsafe-fixes", "--select", "privileged-container", "p.yaml")
    assert result.stdout.endswith("-    image: a:1\n-    securityContext: {privileged: true}\n"
                                  "\\ No newline at end of file\n+    image: a:1\n\\ No newline at end of file\n")


def test_fix_without_unsafe_applies_only_safe_fixes(cli, tmp_path):
    target = copy(WEB, tmp_path)
    result = cli("--fix", "-q", target.name)
    assert result.exit_code == 1  # privileged-container and friends remain
    text = target.read_text()
    assert "type: RuntimeDefault" in text
    assert "privileged: true" in text and "hostPort: 8080" in text
    assert "privileged-container" in result.stdout and "seccomp-profile-missing" not in result.stdout
    # allowPrivilegeEscalation: false beside privileged: true would be rejected by the API server.
    assert "allowPrivilegeEscalation" not in text
    assert ("web.yaml: fix not applied: privilege-escalation at line 20: container 'web' would have "
            "allowPrivilegeEscalation: false with privileged: true") in result.stderr


def test_fix_with_select_fixes_only_the_selected_rules(cli, tmp_path):
    target = copy(WEB, tmp_path)
    cli("--fix", "--unsafe-fixes", "--select", "host-port", target.name)
    assert target.read_text() == WEB.read_text().replace("              hostPort: 8080\n", "")


def test_examples_fixed_then_a_lint_of_fixable_rules_reports_nothing(cli, tmp_path):
    # The plain manifests: a chart's and an overlay's fixes are shown, not written (tests/sources).
    shutil.copytree(EXAMPLES, tmp_path / "examples", ignore=shutil.ignore_patterns("helm", "kustomize"))
    result = cli("--fix", "--unsafe-fixes", "examples")
    assert "fixed" in result.stderr and "fix not applied" not in result.stderr
    after = cli("--format", "json", "--select", ",".join(FIXABLE), "examples")
    # What stays is what a fix would break: the token of an account bound to a role.
    left = json.loads(after.stdout)["findings"]
    assert [(f["rule"], f["resource"]["name"], f["fix"]["applicable"]) for f in left] == \
        [("service-account-token-automount", "web", False)]
    again = cli("--diff", "--unsafe-fixes", "examples")
    assert (again.exit_code, again.stdout) == (0, "")


def test_stdin_is_never_written(cli):
    with cwd(cli.directory):
        result = CliRunner().invoke(main, ["--fix", "--unsafe-fixes", "-"], input=WEB.read_text())
    assert "<stdin>: fix not applied: the input is not a file on disk" in result.stderr
    assert result.exit_code == 1  # the findings still stand
    assert "privileged-container" in result.stdout


def test_fix_keeps_the_file_mode(cli, tmp_path):
    target = copy(WEB, tmp_path)
    os.chmod(target, 0o640)
    cli("--fix", target.name)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert "seccompProfile" in target.read_text()


def test_suppressed_findings_are_not_fixed(cli, tmp_path):
    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: csi\nspec:\n  containers:\n  - name: driver\n"
            "    image: csi:1\n    securityContext:\n"
            "      privileged: true  # kspm-lint: disable=privileged-container the driver needs devices\n")
    (tmp_path / "csi.yaml").write_text(text)
    cli("--fix", "--unsafe-fixes", "--select", "privileged-container", "csi.yaml")
    assert (tmp_path / "csi.yaml").read_text() == text


def test_json_fix_edits_turn_the_file_into_the_fixed_one(cli, tmp_path):
    target = copy(WEB, tmp_path)
    original = target.read_text()
    report = json.loads(cli("--format", "json", target.name).stdout)
    fixes = {f["rule"]: f["fix"] for f in report["findings"]}
    assert fixes["image-latest-tag"] is None
    assert fixes["service-account-token-automount"] == {
        "safety": "unsafe",
        "description": fixes["service-account-token-automount"]["description"],
        "applicable": True,
        "reason": None,
        "ops": [{"op": "set", "path": "spec.template.spec.automountServiceAccountToken", "value": False,
                 "prune": False}],
        "edits": [{"line": 19, "column": 1, "end_line": 19, "end_column": 1,
                   "text": "      automountServiceAccountToken: false\n"}],
        "applicability": "unsafe",
    }
    assert fixes["host-port"]["edits"] == [
        {"line": 24, "column": 1, "end_line": 25, "end_column": 1, "text": ""}]
    assert fixes["privileged-container"]["edits"] == [
        {"line": 29, "column": 1, "end_line": 30, "end_column": 1, "text": ""}]
    alone = fixes["privilege-escalation"]
    assert alone["applicable"] is False and "the API server rejects" in alone["reason"]
    for rule in ("seccomp-profile-missing", "host-port", "capabilities-not-dropped", "run-as-non-root",
                 "read-only-root-filesystem", "privileged-container"):
        edits = [TextEdit(**e) for e in fixes[rule]["edits"]]
        (tmp_path / "one.yaml").write_text(apply_edits(original, edits))
        again = json.loads(cli("--format", "json", "--select", rule, "one.yaml").stdout)
        assert again["findings"] == [], rule


def test_json_says_why_a_fix_cannot_apply(cli, tmp_path):
    copy(Path(__file__).parent / "golden" / "anchors-aliases" / "input.yaml", tmp_path, "pair.yaml")
    report = json.loads(cli("--format", "json", "--select", "privilege-escalation", "pair.yaml").stdout)
    first = report["findings"][0]["fix"]
    assert first["applicable"] is False and first["edits"] == []
    assert "anchor or alias used in more than one place" in first["reason"]
    assert report["findings"][2]["fix"]["applicable"] is True


@pytest.mark.parametrize("case", sorted(p.name for p in (Path(__file__).parent / "golden").iterdir()))
def test_each_findings_edits_alone_fix_that_finding(case, cli, tmp_path):
    """On every golden input (multi-document, CRLF, JSON...): apply one finding's edits
    to the original text, as a SARIF or rdjson consumer would; that finding is gone."""
    source = next((Path(__file__).parent / "golden" / case).glob("input.*"))
    original = source.read_bytes().decode("utf-8-sig")
    target = tmp_path / f"{case}{source.suffix}"
    target.write_bytes(source.read_bytes())
    report = json.loads(cli("--format", "json", "--select", ",".join(FIXABLE), target.name).stdout)
    applicable = [f for f in report["findings"] if f["fix"] and f["fix"]["applicable"]]
    assert applicable
    for finding in applicable:
        one = tmp_path / f"one{source.suffix}"
        one.write_text(apply_edits(original, [TextEdit(**e) for e in finding["fix"]["edits"]]), newline="")
        again = json.loads(cli("--format", "json", "--select", finding["rule"], one.name).stdout)
        still = [(f["rule"], f["path"], f["resource"]) for f in again["findings"]]
        assert (finding["rule"], finding["path"], finding["resource"]) not in still, finding


def test_insertions_keep_line_above_suppressions_attached_to_their_line(cli, tmp_path):
    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n"
            "  # kspm-lint: disable=host-namespaces the agent watches host processes\n"
            "  hostPID: true\n  containers:\n  - name: agent\n    image: agent:1\n")
    (tmp_path / "agent.yaml").write_text(text)
    rules = "host-namespaces,service-account-token-automount,unused-suppression"
    result = cli("--fix", "--unsafe-fixes", "--select", rules, "agent.yaml")
    assert (tmp_path / "agent.yaml").read_text() == text.replace(
        "spec:\n", "spec:\n  automountServiceAccountToken: false\n")
    assert result.exit_code == 0, result.stdout
