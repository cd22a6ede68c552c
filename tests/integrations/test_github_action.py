"""The composite action's shell steps, run locally with the environment GitHub provides:
install.sh installs kspm-lint from the action's checkout, run.sh lints a pull request
(a real repository with a base commit on main and a PR commit) and sets the outputs."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.integrations.gitutil import GIT_ENV, Repo

SELECT = "privileged-container,host-namespaces,image-latest-tag"
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: shop
spec:
  containers:
    - name: app
      image: {image}
"""
PRIVILEGED = "      securityContext:\n        privileged: true\n"


@pytest.fixture(scope="session")
def installed(source_snapshot, tmp_path_factory) -> Path:
    """install.sh run as the action's first step: a venv in RUNNER_TEMP, its bin on GITHUB_PATH."""
    runner_temp = tmp_path_factory.mktemp("runner-temp")
    github_path = runner_temp / "github_path"
    done = subprocess.run(["bash", str(source_snapshot.path / "action" / "install.sh")], capture_output=True,
                          text=True, env={**os.environ, "RUNNER_TEMP": str(runner_temp),
                                          "GITHUB_PATH": str(github_path)}, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "kspm-lint" in done.stdout  # --version
    (bin_dir,) = github_path.read_text().split()
    return Path(bin_dir)


@pytest.fixture
def pull_request(tmp_path) -> Path:
    """A clone checked out at a PR branch: main has an old insecure pod, the PR adds one."""
    origin = Repo(tmp_path / "origin")
    origin.commit({"apps/old.yaml": POD.format(name="old", image="nginx:1.25") + PRIVILEGED,
                   "apps/clean.yaml": POD.format(name="clean", image="nginx:1.25")}, "base")
    origin.git("checkout", "-q", "-b", "feature")
    origin.commit({"apps/new.yaml": POD.format(name="new", image="nginx:latest") + PRIVILEGED,
                   "docs/notes.md": "why\n"}, "pr")
    origin.git("checkout", "-q", "main")
    origin.commit({"apps/later-on-main.yaml": POD.format(name="later", image="nginx:latest")}, "main moves on")
    workspace = tmp_path / "workspace"
    subprocess.run(["git", "clone", "-q", "--branch", "feature", str(origin.root), str(workspace)], check=True,
                   env={**os.environ, **GIT_ENV})
    return workspace


def run_action(installed: Path, workspace: Path, tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess,
                                                                                         dict[str, str], str]:
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir(exist_ok=True)
    output, summary = runner_temp / "github_output", runner_temp / "step_summary"
    output.write_text("")
    summary.write_text("")
    env = {
        **os.environ, **GIT_ENV,
        "PATH": f"{installed}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace), "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main",
        "GITHUB_HEAD_REF": "feature", "GITHUB_REPOSITORY": "acme/gitops", "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_SHA": "0123abcd", "RUNNER_TEMP": str(runner_temp),
        "INPUT_PATHS": ".", "INPUT_FORMAT": "github", "INPUT_FAIL_ON": "low", "INPUT_SARIF_CATEGORY": "kspm-lint",
        "INPUT_EXTRA_ARGS": f"--select {SELECT}", "INPUT_FIX_SUGGESTIONS": "false",
    }
    env.update({f"INPUT_{key.upper()}": value for key, value in inputs.items()})
    done = subprocess.run(["bash", str(ROOT / "action" / "run.sh")], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return done, outputs, summary.read_text()


def test_action_yml_maps_every_input_to_run_sh():
    action = yaml.safe_load((ROOT / "action" / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert set(action["outputs"]) == {"findings-count", "sarif-path"}
    lint_step = next(step for step in action["runs"]["steps"] if step.get("id") == "lint")
    script = (ROOT / "action" / "run.sh").read_text()
    for name in action["inputs"]:
        if name == "python":
            continue
        variable = "INPUT_" + name.upper().replace("-", "_")
        assert lint_step["env"][variable] == "${{ inputs." + name + " }}"
        assert variable in script, variable


def test_pull_request_lints_changed_files_and_sets_outputs(installed, pull_request, tmp_path, validate_sarif):
    done, outputs, summary = run_action(installed, pull_request, tmp_path)
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert done.returncode in (1, 2), done.stdout + done.stderr
    # Only the pull request's file: not the base's old.yaml, nor later-on-main.yaml.
    assert {a.split("file=")[1].split(",")[0] for a in annotations} == {"apps/new.yaml"}
    assert annotations[0].startswith("::error file=apps/new.yaml,line=11,col=9,")
    assert "image-latest-tag" in done.stdout
    assert "linting manifests changed since origin/main" in done.stderr
    assert "## kspm-lint" in summary and "[`apps/new.yaml:11`](https://github.com/acme/gitops/blob/0123abcd/" \
        "apps/new.yaml#L11)" in summary
    assert "old.yaml" not in summary
    assert done.returncode == 1, done.stdout + done.stderr
    assert outputs["findings-count"] == "2"
    sarif = validate_sarif(Path(outputs["sarif-path"]).read_text())
    (run,) = sarif["runs"]
    assert run["automationDetails"]["id"] == "kspm-lint/"
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == {
        "apps/new.yaml"}


def test_fail_on_and_changed_since_all(installed, pull_request, tmp_path, validate_sarif):
    done, outputs, summary = run_action(installed, pull_request, tmp_path, fail_on="critical",
                                        changed_since="all", extra_args="--select image-latest-tag")
    files = {a.split("file=")[1].split(",")[0] for a in done.stdout.splitlines() if a.startswith("::")}
    assert files == {"apps/new.yaml"} and done.stdout.startswith("::warning ")  # medium: annotated, not failing
    assert "Check passed" in summary
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs["findings-count"] == "1"
    done, outputs, _ = run_action(installed, pull_request, tmp_path, changed_since="all")
    assert done.returncode == 1 and outputs["findings-count"] == "3"  # old.yaml's privileged pod counts too
    assert "apps/old.yaml" in done.stdout


def test_fix_suggestions_pipe_rdjson_to_reviewdog(installed, pull_request, tmp_path):
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    received = tmp_path / "reviewdog-input.json"
    (fake_bin / "reviewdog").write_text(f'#!/bin/sh\necho "$@" > "{received}.args"\ncat > "{received}"\n')
    (fake_bin / "reviewdog").chmod(0o755)
    done, _, _ = run_action(Path(f"{installed}{os.pathsep}{fake_bin}"), pull_request, tmp_path,
                            fix_suggestions="true", github_token="t0ken")
    assert done.returncode == 1, done.stdout + done.stderr
    data = json.loads(received.read_text())
    assert {d["location"]["path"] for d in data["diagnostics"]} == {"apps/new.yaml"}
    assert "-f=rdjson" in Path(f"{received}.args").read_text()


def test_bad_input_is_a_readable_error(installed, pull_request, tmp_path):
    done, _, _ = run_action(installed, pull_request, tmp_path, format="xml")
    assert done.returncode == 2 and "::error title=kspm-lint::format must be" in done.stdout


def test_text_format_still_writes_the_job_summary(installed, pull_request, tmp_path):
    done, _, summary = run_action(installed, pull_request, tmp_path, format="text")
    assert not [line for line in done.stdout.splitlines() if line.startswith("::")]  # plain report, no annotations
    assert "apps/new.yaml:11:9:" in done.stdout
    assert "## kspm-lint" in summary and "apps/new.yaml:11" in summary
    assert done.returncode == 1
