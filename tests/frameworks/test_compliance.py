"""--framework: the rules a framework maps to, and the share of its controls a run passes."""

from __future__ import annotations

from pathlib import Path

from kspm_lint.engine.catalog import load_rules
from kspm_lint.frameworks import compliance, controls_of, selectors
from tests.conftest import lint

ROOT = Path(__file__).resolve().parent.parent.parent


def test_pss_restricted_includes_baseline_and_nothing_else():
    rules = load_rules()
    baseline, restricted = set(selectors("pss-baseline")), set(selectors("pss-restricted"))
    assert baseline < restricted
    assert {rules[r].pss_level for r in restricted} == {"baseline", "restricted"}
    assert "privileged-container" in baseline and "run-as-non-root" in restricted - baseline
    assert "image-latest-tag" not in restricted


def test_cis_controls_are_the_rule_files_ids():
    rules = load_rules()
    assert controls_of(rules["privileged-container"], "cis") == ["5.2.2"]
    assert controls_of(rules["image-latest-tag"], "cis") == []


def test_a_failing_control_names_its_rules_and_the_percentage_counts_controls(monkeypatch):
    monkeypatch.chdir(ROOT)
    rules = load_rules()
    chosen = [rules[r] for r in selectors("cis")]
    report = lint(["examples/hardened"], select=[r.id for r in chosen])
    [clean] = compliance("cis", chosen, report.findings)
    assert clean.failing == {} and clean.percent == 100 and clean.passed == len(clean.controls) > 40
    report = lint(["examples/insecure/web-deployment.yaml"], select=[r.id for r in chosen])
    [result] = compliance("cis", chosen, report.findings)
    assert result.failing["5.2.2"] == ("privileged-container",)
    assert result.passed == len(result.controls) - len(result.failing)
    assert result.line().startswith(f"CIS Kubernetes Benchmark: {result.passed} of {len(result.controls)} "
                                    f"controls pass ({result.percent}%); failing: ")


def test_the_cli_selects_the_framework_and_prints_its_summary(monkeypatch):
    import json

    from click.testing import CliRunner

    from kspm_lint.cli import main

    monkeypatch.chdir(ROOT)
    text = CliRunner().invoke(main, ["--no-color", "--framework", "pss-restricted", "examples/hardened"])
    assert text.exit_code == 0
    assert text.stdout.splitlines()[-1] == "Pod Security Standards, restricted (includes baseline): " \
                                           "19 of 19 controls pass (100%)"
    result = CliRunner().invoke(main, ["--format", "json", "--framework", "cis", "examples/insecure"])
    data = json.loads(result.stdout)
    [cis] = data["summary"]["compliance"]
    assert cis["framework"] == "cis" and cis["failing"]["5.2.2"] == ["privileged-container"]
    assert {f["rule"] for f in data["findings"]} <= set(selectors("cis")) | {"unused-suppression"}
    refused = CliRunner().invoke(main, ["--framework", "cis", "--select", "privileged-container", "examples"])
    assert refused.exit_code == 2 and "--framework selects the rules mapped to it" in refused.stderr
