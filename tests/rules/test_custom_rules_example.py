"""examples/custom-rules: a template rule with parameters and a declarative rule with a
declarative fix, run through the real command line on a copy."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "custom-rules"
MANIFEST = "examples/custom-rules/manifests/log-shipper.yaml"


def kspm_lint(cwd, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "kspm_lint", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_example_rules_fix_and_then_pass(tmp_path):
    shutil.copytree(EXAMPLE, tmp_path / "examples" / "custom-rules")
    original = (EXAMPLE / "manifests" / "log-shipper.yaml").read_bytes()
    before = kspm_lint(tmp_path, "--rules-dir", "examples/custom-rules", "--format", "json", MANIFEST)
    found = [(f["rule"], f["line"], f["column"]) for f in json.loads(before.stdout)["findings"]]
    assert found == [("image-pull-always", 23, 11), ("host-path-volume", 35, 11),
                     ("restricted-volume-types", 35, 11), ("host-log-mount", 35, 22), ("sensitive-host-path", 35, 22)]

    fixed = kspm_lint(tmp_path, "--rules-dir", "examples/custom-rules", "--fix", MANIFEST)
    assert fixed.returncode == 1  # the host path stays: it has no automatic fix
    assert fixed.stderr == "kspm-lint: fixed 1 finding(s) in 1 file(s)\n"
    expected = original.replace(b"          imagePullPolicy: IfNotPresent  # cached images are fine, we thought\n",
                                b"          imagePullPolicy: Always  # cached images are fine, we thought\n")
    assert expected != original
    assert (tmp_path / MANIFEST).read_bytes() == expected

    after = kspm_lint(tmp_path, "--rules-dir", "examples/custom-rules", "--format", "json", MANIFEST)
    remaining = [(f["rule"], f["line"], f["column"], f["message"]) for f in json.loads(after.stdout)["findings"]]
    assert remaining == [
        ("host-path-volume", 35, 11, "volume 'logs' mounts host path '/var/log'"),
        ("restricted-volume-types", 35, 11,
         "volume 'logs' uses the 'hostPath' volume type, which the restricted standard does not allow"),
        ("host-log-mount", 35, 22, "volume 'logs' mounts the node's log directory '/var/log'"),
        ("sensitive-host-path", 35, 22, "volume 'logs' mounts sensitive host path '/var/log'"),
    ]
