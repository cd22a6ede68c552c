"""``--changed-since REF``: exactly the manifests a pull request touched."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kspm_lint.git_changes import GitError, changed_paths
from tests.integrations.gitutil import Repo

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n    - name: a\n      image: x:1\n"
BAD = POD + "      securityContext:\n        privileged: true\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    repo = Repo(tmp_path / "repo")
    repo.commit({
        "deploy/a.yaml": POD.format(name="a"), "deploy/b.yaml": POD.format(name="b"),
        "deploy/gone.yaml": POD.format(name="g"), "docs/readme.md": "# hi\n",
        "chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n",
        "chart/templates/pod.yaml": "{{ .Values.x }}\n", "vendor/x.yaml": POD.format(name="v"),
    }, "base")
    monkeypatch.chdir(repo.root)
    return repo


def test_committed_staged_unstaged_untracked_renamed_but_not_deleted(repo):
    repo.git("checkout", "-q", "-b", "pr")
    repo.write({"deploy/a.yaml": BAD.format(name="a")})
    repo.git("rm", "-q", "deploy/gone.yaml")
    repo.git("mv", "deploy/b.yaml", "deploy/renamed.yaml")
    repo.commit(message="pr")
    repo.write({"deploy/staged.yml": POD.format(name="s"), "deploy/untracked.json": "{}",
                "docs/readme.md": "# changed\n", "deploy/unstaged.yaml": "x: 1\n"})
    repo.git("add", "deploy/staged.yml")
    assert changed_paths("main", ["."]) == [
        "deploy/a.yaml", "deploy/renamed.yaml", "deploy/staged.yml", "deploy/unstaged.yaml",
        "deploy/untracked.json"]


def test_only_under_named_paths_and_relative_to_cwd(repo, monkeypatch):
    repo.write({"deploy/a.yaml": BAD.format(name="a"), "vendor/x.yaml": BAD.format(name="v")})
    assert changed_paths("HEAD", ["vendor"]) == ["vendor/x.yaml"]
    assert changed_paths("HEAD", ["deploy/a.yaml", "deploy/b.yaml"]) == ["deploy/a.yaml"]
    monkeypatch.chdir(repo.root / "deploy")
    assert changed_paths("HEAD", ["."]) == ["a.yaml"]
    assert changed_paths("HEAD", ["-"]) == ["-"]


def test_helm_template_change_selects_the_chart(repo):
    repo.write({"chart/templates/pod.yaml": "{{ .Values.y }}\n"})
    assert changed_paths("HEAD", ["."]) == ["chart"]
    repo.git("checkout", "-q", "--", ".")
    repo.write({"chart/values.yaml": "x: 2\n"})
    assert changed_paths("HEAD", ["."]) == ["chart"]


def test_errors_are_readable(repo, tmp_path, monkeypatch):
    with pytest.raises(GitError, match="unknown git revision 'no-such-branch'"):
        changed_paths("no-such-branch", ["."])
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    monkeypatch.chdir(outside)
    with pytest.raises(GitError, match="not inside a git repository"):
        changed_paths("HEAD", ["."])


def test_shallow_clone_hint(repo, tmp_path, monkeypatch):
    repo.commit({"deploy/a.yaml": BAD.format(name="a")}, "second")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth=1", f"file://{repo.root}", str(clone)], check=True)
    monkeypatch.chdir(clone)
    with pytest.raises(GitError, match="shallow"):
        changed_paths("HEAD~1", ["."])


def test_cli_lints_only_changed_files(repo):
    repo.git("checkout", "-q", "-b", "pr")
    repo.commit({"deploy/a.yaml": BAD.format(name="a")})
    cli = [sys.executable, "-m", "kspm_lint", "--select", "privileged-container", "--no-color"]
    out = subprocess.run([*cli, "--changed-since", "main", "."], capture_output=True, text=True)
    assert out.returncode == 1, out.stderr
    assert "deploy/a.yaml:10:9" in out.stdout and "1 file," in out.stdout
    clean = subprocess.run([*cli, "--changed-since", "pr", "."], capture_output=True, text=True)
    assert clean.returncode == 0 and "no manifest changed since pr" in clean.stderr
    bad = subprocess.run([*cli, "--changed-since", "nope", "."], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown git revision 'nope'" in bad.stderr


def test_repository_is_found_from_the_named_path(repo, monkeypatch, tmp_path):
    repo.write({"deploy/a.yaml": BAD.format(name="a")})
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    monkeypatch.chdir(outside)
    assert changed_paths("HEAD", [str(repo.root)]) == [str(repo.root / "deploy" / "a.yaml")]
