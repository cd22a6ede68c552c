"""The real pre-commit, as a user runs it: the check hook fails on a bad manifest, the
fix hook rewrites it (and fails, as pre-commit fixers do), then the check passes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.integrations.gitutil import GIT_ENV, Repo

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
FIXABLE = ["privilege-escalation", "seccomp-profile-missing"]  # rules with safe fixes
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.25
"""
HELM_TEMPLATE = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n"

pytestmark = pytest.mark.skipif(not PRE_COMMIT.exists(), reason=f"pre-commit is not installed at {PRE_COMMIT}")


def _pre_commit(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PRE_COMMIT", None)
    return subprocess.run([str(PRE_COMMIT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_hooks_manifest_is_valid_and_keeps_fix_flags_in_entry():
    out = subprocess.run([str(PRE_COMMIT), "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert hooks["kspm-lint-fix"]["entry"] == "kspm-lint --fix" and "args" not in hooks["kspm-lint-fix"]
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types_or"] == ["yaml", "json"]


def test_try_repo_check_fails_then_fix_then_passes(tmp_path, source_snapshot, pre_commit_home):
    user = Repo(tmp_path / "gitops")
    user.commit({"README.md": "# apps\n"}, "init")
    user.write({"apps/web.yaml": DEPLOYMENT, "chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n",
                "chart/templates/pod.yaml": HELM_TEMPLATE})
    user.git("add", "-A")  # staged, as in a real commit

    # 1. pre-commit try-repo with the default rules: the hook fails and shows the finding;
    #    the Helm template lints its chart by rendering (never as YAML: no syntax error).
    check = _pre_commit(["try-repo", str(source_snapshot.path), "kspm-lint", "--ref", source_snapshot.sha],
                        user.root, pre_commit_home)
    output = check.stdout + check.stderr
    assert check.returncode == 1, output
    assert "kspm-lint" in output and "Failed" in output
    assert "apps/web.yaml" in output and "privilege-escalation" in output
    assert "yaml-syntax" not in output

    # Without a Helm engine in the hook's environment the chart is a clear render-failed
    # finding (not a pass, not a YAML error), naming both ways to get one.
    assert "render-failed" in output and "kspm-lint[helm]" in output

    # 2. The user's config selects rules through `args`; the fix flag stays in `entry`. This
    #    user keeps the chart out of the hook (their CI renders it with Helm).
    config = {"repos": [{"repo": str(source_snapshot.path), "rev": source_snapshot.sha, "hooks": [
        {"id": "kspm-lint-fix", "args": ["--select", ",".join(FIXABLE)], "exclude": "^chart/"},
        {"id": "kspm-lint", "args": ["--select", ",".join(FIXABLE)], "exclude": "^chart/"},
    ]}]}
    (user.root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    user.git("add", "-A")
    before = _pre_commit(["run", "kspm-lint"], user.root, pre_commit_home)
    assert before.returncode == 1 and "seccomp-profile-missing" in before.stdout, before.stdout + before.stderr

    fix = _pre_commit(["run", "kspm-lint-fix"], user.root, pre_commit_home)
    assert fix.returncode == 1, fix.stdout + fix.stderr  # files were modified: pre-commit reports failure
    fixed = (user.root / "apps/web.yaml").read_text()
    assert fixed != DEPLOYMENT and "allowPrivilegeEscalation: false" in fixed and "RuntimeDefault" in fixed
    user.git("add", "-A")
    after = _pre_commit(["run", "kspm-lint"], user.root, pre_commit_home)
    assert after.returncode == 0, after.stdout + after.stderr
    assert _pre_commit(["run", "kspm-lint-fix"], user.root, pre_commit_home).returncode == 0  # nothing left
