"""The risk ranking puts the exposed, privileged workload first."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kspm_lint.cli import main
from kspm_lint.findings import Risk, Severity
from tests.conftest import lint

ROOT = Path(__file__).resolve().parent.parent.parent
APP = ROOT / "examples" / "insecure-app"


def test_the_exposed_privileged_workload_ranks_first(monkeypatch):
    monkeypatch.chdir(ROOT)
    report = lint(["examples/insecure-app"])
    ranked = sorted((f for f in report.findings if not f.suppressed and f.risk is not None),
                    key=lambda f: (-f.risk.score, f.sort_key))
    top = ranked[0]
    assert (top.rule, str(top.resource)) == ("privileged-container", "Deployment/storefront/web")
    assert top.risk == Risk(9.7, (
        "exposed by Service 'web' (LoadBalancer)",
        "privileged (privileged-container; workload-sa-overprivileged)",
        "no default-deny ingress policy in namespace 'storefront'",
    ))
    # Every finding of the exposed workload outranks the same rule on the internal worker.
    web = {f.rule: f.risk.score for f in ranked if str(f.resource) == "Deployment/storefront/web"}
    worker = {f.rule: f.risk.score for f in ranked if str(f.resource) == "Deployment/storefront/worker"}
    shared = set(web) & set(worker)
    assert shared and all(web[rule] > worker[rule] for rule in shared)


def test_a_finding_without_context_keeps_its_severity_base():
    from kspm_lint.risk import BASE

    report = lint([APP / "secret.yaml"])
    secret = next(f for f in report.findings if f.rule == "secret-committed")
    assert secret.risk == Risk(BASE[Severity(secret.severity)])


def test_the_text_report_opens_with_the_top_risks_and_sorts_by_risk(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["--no-color", "--sort", "risk", "examples/insecure-app"])
    lines = result.stdout.splitlines()
    assert lines[0] == "Top risks (score, workload, why; see --sort risk):"
    assert lines[1].startswith("   9.7  Deployment/storefront/web  12 findings, worst privileged-container at "
                               "examples/insecure-app/web.yaml:24; exposed by Service 'web' (LoadBalancer)")
    assert lines[2].startswith("   7.9  Deployment/storefront/worker")
    first_finding = next(line for line in lines[3:] if line.startswith("   "))
    assert first_finding.startswith("   9.7 examples/insecure-app/web.yaml:24:")


def test_json_and_sarif_carry_the_score(monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    sarif = tmp_path / "out.sarif"
    result = CliRunner().invoke(main, ["--format", "json", "--report", f"sarif={sarif}", "examples/insecure-app"])
    findings = json.loads(result.stdout)["findings"]
    privileged = next(f for f in findings if f["rule"] == "privileged-container")
    assert privileged["risk"]["score"] == 9.7
    assert privileged["risk"]["reasons"][0] == "exposed by Service 'web' (LoadBalancer)"
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    raised = next(r for r in results if r["ruleId"] == "privileged-container")
    assert raised["properties"]["risk-score"] == 9.7
    assert raised["properties"]["security-severity"] == "9.7"
