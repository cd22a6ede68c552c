"""``--format github``: workflow commands GitHub parses, and the job summary table."""

from __future__ import annotations

import os
import subprocess
import sys

from kspm_lint.findings import Finding, Severity
from kspm_lint.location import Span
from kspm_lint.report import Report
from kspm_lint.report.formats import render
from kspm_lint.report.github_report import annotation, escape_data, escape_property, summary_markdown
from tests.report.conftest import INSECURE_POD, SELECT


def test_annotations_most_severe_first_with_repo_relative_paths(repo, lint_repo, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    report = lint_repo({"apps/pod.yaml": INSECURE_POD})
    monkeypatch.chdir(repo / "apps")
    report.findings[0].file = "pod.yaml"  # as if linted from apps/
    report.findings[1].file = "pod.yaml"
    lines = render(report, "github").splitlines()
    messages = {f.rule: f.message for f in report.findings}
    assert lines == [
        "::error file=apps/pod.yaml,line=12,col=9,endLine=12,endColumn=25,"
        f"title=kspm-lint privileged-container (critical)::{messages['privileged-container']} [Pod/shop/web]",
        "::error file=apps/pod.yaml,line=7,col=3,endLine=7,endColumn=20,"
        f"title=kspm-lint host-namespaces (high)::{messages['host-namespaces']} [Pod/shop/web]",
    ]


def test_levels_and_escaping():
    def finding(severity, message="m", file="a.yaml", span=None):
        return Finding("rule-x", severity, message, file, span or Span(3, 1, 3, 5))

    assert annotation(finding(Severity.MEDIUM)).startswith("::warning ")
    assert annotation(finding(Severity.LOW)).startswith("::notice ")
    assert annotation(finding(Severity.INFO)).startswith("::notice ")
    tricky = annotation(finding(Severity.HIGH, "50%\nof it: a,b\r", "dir,x/a:b.yaml"))
    assert tricky.endswith("::50%25%0Aof it: a,b%0D")
    assert "file=dir%2Cx/a%3Ab.yaml," in tricky
    assert escape_data("%0A") == "%250A"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    # A region that ends at column 1 of a later line is reported without columns.
    multi = annotation(finding(Severity.HIGH, span=Span(20, 11, 32, 1)))
    assert "line=20,endLine=31,title=" in multi and "col=" not in multi


def test_step_summary_appends_full_table(tmp_path, lint_repo, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    for key, value in {"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REPOSITORY": "o/r",
                       "GITHUB_SHA": "abc123"}.items():
        monkeypatch.setenv(key, value)
    text = INSECURE_POD.replace("name: web", "name: we|b")
    render(lint_repo({"pod.yaml": text}), "github")
    content = summary.read_text()
    assert content.startswith("earlier step\n## kspm-lint\n")
    assert "**2 findings** (1 critical, 1 high)" in content
    assert "| critical | `privileged-container` | [`pod.yaml:12`](https://github.com/o/r/blob/abc123/pod.yaml#L12) |" \
        in content
    assert "Pod/shop/we\\|b" in content
    assert content.count("\n| ") == 4  # header, rule, 2 rows


def test_summary_for_clean_run_and_no_summary_without_env(lint_repo, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    report = Report(findings=[], rules=[], files=3, resources=5, fail_on=Severity.LOW)
    assert render(report, "github") == ""
    assert "No findings." in summary_markdown(report)


def test_cli_github_format(repo):
    (repo / "pod.yaml").write_text(INSECURE_POD)
    summary = repo / "summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    out = subprocess.run([sys.executable, "-m", "kspm_lint", "--select", ",".join(SELECT), "--format", "github",
                          "pod.yaml"], capture_output=True, text=True, env=env)
    assert out.returncode == 1, out.stderr
    assert out.stdout.splitlines()[0].startswith("::error file=pod.yaml,line=12,")
    assert "privileged-container" in summary.read_text()
