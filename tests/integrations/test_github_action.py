"""The composite action's shell steps, run locally with the environment GitHub provides:
install.sh installs kspm-lint from the action's checkout, run.sh lints a pull request
(a real repository with a base commit on main and a PR commit) and sets the outputs."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
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


@dataclass
class ActionRun:
    done: subprocess.CompletedProcess
    outputs: dict[str, str]  # what run.sh wrote to GITHUB_OUTPUT
    summary: str  # GITHUB_STEP_SUMMARY
    calls: list[list[str]]  # the arguments of each kspm-lint process run.sh started


def run_action(installed: Path | str, workspace: Path, tmp_path: Path, **inputs: str) -> ActionRun:
    runner_temp = tmp_path / "runner"
    runner_temp.mkdir(exist_ok=True)
    output, summary = runner_temp / "github_output", runner_temp / "step_summary"
    output.write_text("")
    summary.write_text("")
    # run.sh starts $KSPM_LINT: a wrapper that logs each start (NUL-separated arguments,
    # one line per process) and runs the installed kspm-lint.
    calls = runner_temp / "kspm-lint-calls"
    calls.write_text("")
    counted = runner_temp / "kspm-lint-counted"
    counted.write_text(f'#!/bin/sh\nprintf "%s\\0" "$@" >> "{calls}"\necho >> "{calls}"\nexec kspm-lint "$@"\n')
    counted.chmod(0o755)
    env = {
        **os.environ, **GIT_ENV,
        "PATH": f"{installed}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace), "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main",
        "GITHUB_HEAD_REF": "feature", "GITHUB_REPOSITORY": "acme/gitops", "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_SHA": "0123abcd", "RUNNER_TEMP": str(runner_temp),
        "INPUT_PATHS": ".", "INPUT_FORMAT": "github", "INPUT_FAIL_ON": "low", "INPUT_SARIF_CATEGORY": "kspm-lint",
        "INPUT_EXTRA_ARGS": f"--select {SELECT}", "INPUT_FIX_SUGGESTIONS": "false",
        "KSPM_LINT": str(counted),
    }
    env.update({f"INPUT_{key.upper()}": value for key, value in inputs.items()})
    done = subprocess.run(["bash", str(ROOT / "action" / "run.sh")], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    started = [line.split("\0")[:-1] for line in calls.read_text().split("\n")[:-1]]
    return ActionRun(done, outputs, summary.read_text(), started)


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


def lints_once(action: ActionRun, fmt: str, *reports: str) -> None:
    """run.sh started kspm-lint exactly once, printing ``fmt`` and writing ``reports``."""
    assert len(action.calls) == 1, action.calls
    (args,) = action.calls
    assert args[args.index("--format") + 1] == fmt
    assert [args[i + 1] for i, arg in enumerate(args) if arg == "--report"] == list(reports)


def test_pull_request_lints_changed_files_and_sets_outputs(installed, pull_request, tmp_path, validate_sarif):
    action = run_action(installed, pull_request, tmp_path)
    done, outputs, summary = action.done, action.outputs, action.summary
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert done.returncode in (1, 2), done.stdout + done.stderr
    # Only the pull request's file: not the base's old.yaml, nor later-on-main.yaml.
    assert {a.split("file=")[1].split(",")[0] for a in annotations} == {"apps/new.yaml"}
    assert annotations[0].startswith("::error file=apps/new.yaml,line=11,col=9,")
    assert "image-latest-tag" in done.stdout
    assert "linting manifests changed since origin/main" in done.stderr
    assert "## kspm-lint" in summary and "[`apps/new.yaml:11`](https://github.com/acme/gitops/blob/0123abcd/" \
        "apps/new.yaml#L11)" in summary
    assert summary.count("## kspm-lint") == 1
    assert "old.yaml" not in summary
    assert done.returncode == 1, done.stdout + done.stderr
    assert outputs["findings-count"] == "2"
    sarif_path = tmp_path / "runner" / "kspm-lint.sarif"
    assert outputs["sarif-path"] == str(sarif_path)
    lints_once(action, "github", f"sarif={sarif_path}")
    sarif = validate_sarif(sarif_path.read_text())
    (run,) = sarif["runs"]
    assert run["automationDetails"]["id"] == "kspm-lint/"
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]} == {
        "apps/new.yaml"}


def test_fail_on_and_changed_since_all(installed, pull_request, tmp_path, validate_sarif):
    action = run_action(installed, pull_request, tmp_path, fail_on="critical", changed_since="all",
                        extra_args="--select image-latest-tag")
    done, outputs = action.done, action.outputs
    files = {a.split("file=")[1].split(",")[0] for a in done.stdout.splitlines() if a.startswith("::")}
    assert files == {"apps/new.yaml"} and done.stdout.startswith("::warning ")  # medium: annotated, not failing
    assert "Check passed" in action.summary
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs["findings-count"] == "1"
    assert len(action.calls) == 1
    action = run_action(installed, pull_request, tmp_path, changed_since="all")
    assert action.done.returncode == 1 and action.outputs["findings-count"] == "3"  # old.yaml's pod counts too
    assert "apps/old.yaml" in action.done.stdout
    assert len(action.calls) == 1


def test_fix_suggestions_feed_rdjson_to_reviewdog(installed, pull_request, tmp_path):
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    received = tmp_path / "reviewdog-input.json"
    (fake_bin / "reviewdog").write_text(f'#!/bin/sh\necho "$@" > "{received}.args"\ncat > "{received}"\n')
    (fake_bin / "reviewdog").chmod(0o755)
    action = run_action(f"{installed}{os.pathsep}{fake_bin}", pull_request, tmp_path,
                        fix_suggestions="true", github_token="t0ken")
    assert action.done.returncode == 1, action.done.stdout + action.done.stderr
    runner = tmp_path / "runner"
    lints_once(action, "github", f"sarif={runner / 'kspm-lint.sarif'}", f"rdjson={runner / 'kspm-lint.rdjson'}")
    data = json.loads(received.read_text())
    assert {d["location"]["path"] for d in data["diagnostics"]} == {"apps/new.yaml"}
    assert [(d["code"]["value"], d["location"]["range"]["start"]["line"]) for d in data["diagnostics"]] == [
        ("image-latest-tag", 9), ("privileged-container", 11)]
    assert "-f=rdjson" in Path(f"{received}.args").read_text()


def test_bad_input_is_a_readable_error(installed, pull_request, tmp_path):
    action = run_action(installed, pull_request, tmp_path, format="xml")
    assert action.done.returncode == 2 and "::error title=kspm-lint::format must be" in action.done.stdout
    assert action.calls == []


def test_text_format_still_writes_the_job_summary(installed, pull_request, tmp_path):
    action = run_action(installed, pull_request, tmp_path, format="text")
    done, summary = action.done, action.summary
    assert not [line for line in done.stdout.splitlines() if line.startswith("::")]  # plain report, no annotations
    assert "apps/new.yaml:11:9:" in done.stdout
    assert "## kspm-lint" in summary and "apps/new.yaml:11" in summary
    assert summary.count("## kspm-lint") == 1
    assert done.returncode == 1
    lints_once(action, "text", f"sarif={tmp_path / 'runner' / 'kspm-lint.sarif'}", "github=/dev/null")
