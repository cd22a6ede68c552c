"""The command line as users run it: exit codes, formats, selection, errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from kspm_lint.cli import main
from tests.conftest import ROOT

INSECURE = ROOT / "examples" / "insecure"
HARDENED = ROOT / "examples" / "hardened"

PRIVILEGED_POD = """\
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
        privileged: true
"""


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_findings_exit_1_with_grouped_text_and_summary():
    result = invoke(str(INSECURE), "--no-color")
    assert result.exit_code == 1
    assert "examples/insecure/web-deployment.yaml:29:13: critical privileged-container" in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("3 files, 4 resources, ") and "critical" in last


def test_hardened_examples_pass():
    result = invoke(str(HARDENED))
    assert result.exit_code == 0, result.output
    assert "0 findings" in result.output


def test_json_is_the_documented_shape(tmp_path):
    path = tmp_path / "pod.yaml"
    path.write_text(PRIVILEGED_POD)
    result = invoke("--format", "json", "--select", "privileged-container", str(path))
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert set(data) >= {"version", "findings", "summary"}
    finding = data["findings"][0]
    assert {k: finding[k] for k in ("rule", "severity", "line", "column", "end_line", "end_column",
                                    "container", "path", "suppressed", "suppression_reason")} == {
        "rule": "privileged-container", "severity": "critical", "line": 11, "column": 9,
        "end_line": 11, "end_column": 25, "container": "app",
        "path": "spec.containers[0].securityContext.privileged", "suppressed": False,
        "suppression_reason": None,
    }
    assert finding["resource"] == {"kind": "Pod", "namespace": "apps", "name": "p"}
    assert finding["file"].endswith("pod.yaml")
    assert data["summary"]["by_severity"]["critical"] == 1


def test_stdin_and_files_together(tmp_path):
    path = tmp_path / "pod.yaml"
    path.write_text(PRIVILEGED_POD)
    result = invoke("--select", "privileged-container", "-q", "--no-color", str(path), "-", input=PRIVILEGED_POD)
    assert result.exit_code == 1
    assert "<stdin>:11:9:" in result.output
    assert result.output.count("privileged-container") == 2


def test_select_ignore_and_fail_on():
    result = invoke("--select", "host-port", str(INSECURE))
    assert result.exit_code == 1 and "host-port" in result.output
    result = invoke("--select", "host-port", "--fail-on", "high", str(INSECURE))
    assert result.exit_code == 0
    result = invoke("--select", "pss:baseline", "--ignore", "host-port,privileged-container",
                    "--format", "json", str(INSECURE))
    rules = {f["rule"] for f in json.loads(result.output)["findings"]}
    assert "host-port" not in rules and "privileged-container" not in rules and "host-namespaces" in rules


def test_unknown_selector_is_usage_error():
    result = CliRunner().invoke(main, ["--select", "no-such-rule", str(INSECURE)])
    assert result.exit_code == 2
    assert "matches no rule" in result.output


def test_no_objects_is_said_and_fail_on_empty(tmp_path):
    (tmp_path / "values.yaml").write_text("replicaCount: 1\n")
    result = CliRunner().invoke(main, [str(tmp_path)])
    assert result.exit_code == 0
    assert "no Kubernetes objects found" in result.output
    result = CliRunner().invoke(main, ["--fail-on-empty", str(tmp_path)])
    assert result.exit_code == 2


def test_broken_file_is_a_finding_and_others_still_linted(tmp_path):
    (tmp_path / "a-broken.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: [\n")
    (tmp_path / "b-pod.yaml").write_text(PRIVILEGED_POD)
    result = invoke("--format", "json", str(tmp_path))
    findings = json.loads(result.output)["findings"]
    assert ("yaml-syntax", 4) in {(f["rule"], f["line"]) for f in findings}
    assert "privileged-container" in {f["rule"] for f in findings}


def test_list_rules_and_explain():
    result = invoke("--list-rules")
    assert result.exit_code == 0
    assert "run-as-non-root" in result.output and "RULE" in result.output.splitlines()[0]
    rows = json.loads(invoke("--list-rules", "--format", "json").output)
    assert {"id", "severity", "category", "fix", "title"} <= set(rows[0])
    result = invoke("--explain", "run-as-non-root")
    assert result.exit_code == 0
    for heading in ("What and why:", "How to fix:", "References:"):
        assert heading in result.output
    result = CliRunner().invoke(main, ["--explain", "run-as-root"])
    assert result.exit_code == 2 and "did you mean" in result.output


RULE_HEAD = ("id: {id}\ntitle: A custom rule\nseverity: low\ncategory: {category}\n"
             "description: Something.\nremediation: Fix it.\ncheck:\n  scope: resource\n")


def rules_dir(tmp_path, check: str, rule_id: str = "bad", category: str = "workload-hardening"):
    """A rules directory holding one rule file: the common head (lines 1-8) plus ``check``."""
    folder = tmp_path / "policies"
    folder.mkdir()
    (folder / f"{rule_id}.yaml").write_text(RULE_HEAD.format(id=rule_id, category=category) + check)
    return folder


def load_error(folder) -> str:
    result = CliRunner().invoke(main, ["--rules-dir", str(folder), str(INSECURE)])
    assert result.exit_code == 2
    return result.output


def test_custom_rule_directory(tmp_path):
    rules = rules_dir(tmp_path, "  when:\n    - path: metadata.labels.team\n      op: absent\n"
                                "  message: \"{kind} '{name}' has no team label\"\n", rule_id="no-team-label")
    path = tmp_path / "pod.yaml"
    path.write_text(PRIVILEGED_POD)
    result = invoke("--rules-dir", str(rules), "--select", "no-team-label", "--format", "json", str(path))
    finding = json.loads(result.output)["findings"][0]
    assert (finding["rule"], finding["line"], finding["message"]) == ("no-team-label", 3, "Pod 'p' has no team label")


@pytest.mark.parametrize(
    ("check", "line", "message"),
    [
        ("  message: m\n  when:\n    - path: 'metadata.[['\n      op: exists\n", 11, "bad jsonpath"),
        ("  message: m\n  when:\n    - path: metadata.name\n      op: looks-like\n", 12,
         "unknown operator 'looks-like'"),
        ("  when:\n    - path: metadata.name\n      op: exists\n  message: \"{value.foo}\"\n", 12,
         "bad message template"),
    ],
)
def test_bad_custom_rule_names_file_and_line(tmp_path, check, line, message):
    output = load_error(rules_dir(tmp_path, check))
    assert f"bad.yaml:{line}:" in output and message in output


def test_console_script_runs_as_a_process():
    result = subprocess.run([sys.executable, "-m", "kspm_lint", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "kspm-lint" in result.stdout


def test_custom_rule_unknown_category_is_a_load_error(tmp_path):
    folder = rules_dir(tmp_path, "  when:\n    - path: metadata.name\n      op: exists\n  message: m\n",
                       category="bogus")
    assert "bad.yaml:4: unknown category 'bogus'" in load_error(folder)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--list-rules", "--format", "sarif"], "--list-rules and --explain print text or json"),
        (["--statistics", "--format", "json"], "--statistics is a text summary"),
        (["--fix", "-", "examples/"], "--fix with stdin and files together"),
    ],
)
def test_option_combinations_that_would_be_ignored_are_errors(args, message):
    result = CliRunner().invoke(main, args, input="")
    assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--report", "xml=out.xml"],
         "Invalid value for '--report': unknown format 'xml' in 'xml=out.xml' "
         "(choose from text, json, sarif, github, junit, rdjson)"),
        (["--report", "sarif"], "Invalid value for '--report': 'sarif' is not FORMAT=PATH: "
                                "write e.g. --report sarif=kspm.sarif"),
        (["--report", "sarif="], "Invalid value for '--report': 'sarif=' needs a file PATH after '='"),
        (["--report", "sarif=out.sarif", "--report", "junit=out.sarif"],
         "kspm-lint: error: --report junit=out.sarif: out.sarif is already written by --report sarif=out.sarif; "
         "give each report its own PATH"),
        (["--format", "sarif", "-o", "out.sarif", "--report", "junit=./out.sarif"],
         "kspm-lint: error: --report junit=./out.sarif: ./out.sarif is already written by --output; "
         "give each report its own PATH"),
        (["--diff", "--report", "json=out.json"],
         "kspm-lint: error: --report writes lint reports and --diff only prints fixes; run them separately "
         "(--fix with --report reports the lint after fixing)"),
        (["--list-rules", "--report", "json=out.json"],
         "kspm-lint: error: --report writes lint reports and --list-rules lints nothing; "
         "drop --report or run them separately"),
        (["--explain", "host-port", "--report", "json=out.json"],
         "kspm-lint: error: --report writes lint reports and --explain lints nothing; "
         "drop --report or run them separately"),
        (["--statistics", "--report", "json=out.json"],
         "kspm-lint: error: --report writes full reports and --statistics prints only counts; "
         "run them separately"),
        (["--format", "json", "--sarif-category", "k8s"],
         "kspm-lint: error: --sarif-category applies to SARIF only; add --format sarif or --report sarif=PATH, "
         "or drop --sarif-category"),
    ],
)
def test_report_usage_errors_write_nothing(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pod.yaml").write_text(PRIVILEGED_POD)
    result = CliRunner().invoke(main, [*args, "pod.yaml"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pod.yaml"]


def test_diff_to_output_file(tmp_path):
    path = tmp_path / "pod.yaml"
    path.write_text(PRIVILEGED_POD)
    out = tmp_path / "fixes.diff"
    result = CliRunner().invoke(main, ["--diff", "--unsafe-fixes", "--select", "privileged-container",
                                       "-o", str(out), str(path)])
    assert result.exit_code == 1
    assert out.read_text().count("-        privileged: true") == 1
    assert path.read_text() == PRIVILEGED_POD


def test_severity_override_reaches_listing_and_findings(tmp_path, monkeypatch):
    (tmp_path / ".kspm-lint.yaml").write_text("severity:\n  privileged-container: low\n")
    (tmp_path / "pod.yaml").write_text(PRIVILEGED_POD)
    monkeypatch.chdir(tmp_path)
    rows = json.loads(invoke("--list-rules", "--format", "json").output)
    assert next(r for r in rows if r["id"] == "privileged-container")["severity"] == "low"
    data = json.loads(invoke("--format", "json", "--select", "privileged-container", "pod.yaml").output)
    assert data["findings"][0]["severity"] == "low"
    sarif = json.loads(invoke("--format", "sarif", "--select", "privileged-container", "pod.yaml").output)
    (rule,) = [r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "privileged-container"]
    assert float(rule["properties"]["security-severity"]) < 4.0


def test_every_declared_conflict_names_known_conditions():
    from kspm_lint.cli import CONFLICTS, GIVEN

    assert CONFLICTS and all({c.option, *c.conflicts_with} <= set(GIVEN) for c in CONFLICTS)
