"""``--report FORMAT=PATH``: several reports from one lint, each byte-equal to the run
that writes that format alone."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

import kspm_lint.api
from kspm_lint.cli import main
from kspm_lint.engine.runner import Linter
from kspm_lint.fix.apply import FileAttacher
from tests.conftest import ROOT

PROC_MOUNT_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
  namespace: apps
spec:
  containers:
    - name: app
      image: nginx:1.25
      securityContext:
        procMount: Unmasked
"""


@pytest.fixture
def counted(monkeypatch):
    """Counts, in this process, the calls of the lint entry point (``api.lint_paths``),
    of the per-file lint (``Linter.lint_unit``) and of the per-file fix attacher: the
    real functions run, the counters only watch."""
    calls = {"lint_paths": 0, "lint_unit": 0, "attach": 0}
    real_lint_paths, real_lint_unit, real_attach = kspm_lint.api.lint_paths, Linter.lint_unit, FileAttacher.__call__

    def lint_paths(*args, **kwargs):
        calls["lint_paths"] += 1
        return real_lint_paths(*args, **kwargs)

    def lint_unit(self, *args, **kwargs):
        if not kwargs.get("context"):  # context units (the rest of the repository) only give objects
            calls["lint_unit"] += 1
        return real_lint_unit(self, *args, **kwargs)

    def attach(self, *args, **kwargs):
        calls["attach"] += 1
        return real_attach(self, *args, **kwargs)

    monkeypatch.setattr(kspm_lint.api, "lint_paths", lint_paths)
    monkeypatch.setattr(Linter, "lint_unit", lint_unit)
    monkeypatch.setattr(FileAttacher, "__call__", attach)
    return calls


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_json_sarif_and_junit_from_one_lint_equal_single_runs(tmp_path, monkeypatch, counted, validate_sarif):
    monkeypatch.chdir(ROOT)
    sarif, junit = tmp_path / "kspm.sarif", tmp_path / "junit.xml"
    both = cli("--format", "json", "--report", f"sarif={sarif}", "--report", f"junit={junit}", "examples")
    assert both.exit_code == 1
    files = json.loads(both.stdout)["summary"]["files"]
    # examples/: plain manifests, the workflow file, custom rules, a chart's values, two overlays
    assert files == 20
    # One lint: one call of the entry point, each file linted once and its fixes attached once.
    assert counted == {"lint_paths": 1, "lint_unit": files, "attach": files}

    alone = {fmt: tmp_path / f"alone.{fmt}" for fmt in ("sarif", "junit")}
    for fmt, path in alone.items():
        assert cli("--format", fmt, "--output", str(path), "examples").exit_code == 1
    json_alone = cli("--format", "json", "examples")
    assert counted["lint_paths"] == 4

    assert both.stdout_bytes == json_alone.stdout_bytes
    assert sarif.read_bytes() == alone["sarif"].read_bytes()
    assert junit.read_bytes() == alone["junit"].read_bytes()
    data = validate_sarif(sarif.read_text())
    assert len(data["runs"][0]["results"]) == len(json.loads(both.stdout)["findings"]) > 0
    assert ET.fromstring(junit.read_text()).find("testsuite").get("failures") != "0"


def test_reports_get_fixes_when_the_printed_format_shows_none(tmp_path, monkeypatch, counted):
    monkeypatch.chdir(ROOT)
    report = tmp_path / "findings.json"
    text = cli("--no-color", "--report", f"json={report}", "examples/insecure/batch.yaml")
    assert text.exit_code == 1
    assert "examples/insecure/batch.yaml:37:" in text.stdout
    assert counted["lint_paths"] == 1
    assert report.read_bytes() == cli("--format", "json", "examples/insecure/batch.yaml").stdout_bytes
    proc_mount = [f for f in json.loads(report.read_text())["findings"] if f["rule"] == "proc-mount"]
    assert [(f["line"], f["fix"]["safety"]) for f in proc_mount] == [(37, "safe")]


def test_fix_with_reports_reports_the_lint_after_fixing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pod.yaml").write_text(PROC_MOUNT_POD)
    result = cli("--fix", "--select", "proc-mount,privileged-container", "--report", "json=after.json",
                 "--report", "junit=after.xml", "pod.yaml")
    assert result.exit_code == 0, result.output
    assert "fixed 1 finding(s) in 1 file(s)" in result.stderr
    assert "procMount: Unmasked" not in (tmp_path / "pod.yaml").read_text()
    after = json.loads((tmp_path / "after.json").read_text())
    assert (after["findings"], after["summary"]["files"], after["summary"]["resources"]) == ([], 1, 1)
    again = cli("--format", "json", "--select", "proc-mount,privileged-container", "pod.yaml")
    assert (tmp_path / "after.json").read_bytes() == again.stdout_bytes


def test_a_format_asked_twice_is_rendered_once(tmp_path, monkeypatch):
    """The github format appends the job summary when it is rendered: once, not per copy."""
    monkeypatch.chdir(ROOT)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    copy = tmp_path / "annotations.txt"
    result = cli("--format", "github", "--report", f"github={copy}", "examples/insecure/batch.yaml")
    assert result.exit_code == 1
    assert copy.read_bytes() == result.stdout_bytes
    assert result.stdout.startswith("::error file=examples/insecure/batch.yaml,")
    assert summary.read_text().count("## kspm-lint") == 1


def test_sarif_category_reaches_the_sarif_report(tmp_path, monkeypatch, validate_sarif):
    monkeypatch.chdir(ROOT)
    sarif = tmp_path / "out.sarif"
    result = cli("--format", "junit", "--report", f"sarif={sarif}", "--sarif-category", "k8s",
                 "examples/insecure/batch.yaml")
    assert result.exit_code == 1
    assert validate_sarif(sarif.read_text())["runs"][0]["automationDetails"] == {"id": "k8s/"}
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')


def test_an_unwritable_report_path_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    missing = tmp_path / "no-such-dir" / "out.sarif"
    result = CliRunner().invoke(main, ["--report", f"sarif={missing}", "examples/insecure/batch.yaml"])
    assert result.exit_code == 2
    assert result.stderr == (f"kspm-lint: error: --report sarif={missing}: cannot write {missing}: "
                             "No such file or directory; check that its directory exists and is writable\n")
