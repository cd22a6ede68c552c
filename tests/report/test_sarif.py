"""SARIF 2.1.0: valid against the OASIS schema and shaped the way GitHub code scanning reads it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from kspm_lint.config import Config
from kspm_lint.fix.model import Fix, PatchOp, TextEdit
from kspm_lint.report import RenderOptions
from kspm_lint.report import sarif_report as sarif
from kspm_lint.report.formats import render
from tests.report.conftest import INSECURE_POD, SELECT

HARDENED_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: ok
spec:
  containers:
    - name: app
      image: nginx:1.25
"""


def sarif_of(report, validate_sarif, category=None):
    return validate_sarif(render(report, "sarif", RenderOptions(sarif_category=category)))


def test_log_has_one_run_with_driver_rules_and_results(lint_repo, validate_sarif):
    report = lint_repo({"deploy/pod.yaml": INSECURE_POD})
    data = sarif_of(report, validate_sarif)
    assert data["version"] == "2.1.0" and data["$schema"].endswith("sarif-2.1.0.json")
    (run,) = data["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "kspm-lint" and driver["version"] and driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == sorted(r.id for r in report.rules)  # every rule that ran
    assert set(SELECT) <= {r["id"] for r in driver["rules"]}
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and "## Remediation" in rule["help"]["markdown"]
        assert rule["helpUri"].startswith("https://")
        assert "security" in rule["properties"]["tags"]
        assert 0 < float(rule["properties"]["security-severity"]) <= 10
    privileged = next(r for r in driver["rules"] if r["id"] == "privileged-container")
    assert {"pod-security", "pss-baseline"} <= set(privileged["properties"]["tags"])
    assert privileged["properties"]["security-severity"] == "9.5"
    assert privileged["defaultConfiguration"]["level"] == "error"
    assert "cis-5.2.2" in privileged["properties"]["tags"]
    assert "```yaml" in privileged["help"]["markdown"]  # the remediation's YAML stays a code block

    results = run["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("host-namespaces", 7), ("privileged-container", 12)]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == "error" and result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": "deploy/pod.yaml", "uriBaseId": "%SRCROOT%"}
        assert set(location["region"]) == {"startLine", "startColumn", "endLine", "endColumn"}
        assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("Pod/shop/web")
    region = results[1]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endLine"]) == (12, 9, 12)
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    assert "automationDetails" not in run


def test_clean_run_has_empty_results_and_still_lists_rules(lint_repo, validate_sarif):
    report = lint_repo({"ok.yaml": HARDENED_POD})
    (run,) = sarif_of(report, validate_sarif)["runs"]
    assert run["results"] == []
    assert len(run["tool"]["driver"]["rules"]) == len(report.rules) >= len(SELECT)


def test_category_sets_automation_details_with_trailing_slash(lint_repo, validate_sarif):
    report = lint_repo({"pod.yaml": INSECURE_POD})
    assert sarif_of(report, validate_sarif, "kspm/prod")["runs"][0]["automationDetails"] == {"id": "kspm/prod/"}
    assert sarif_of(report, validate_sarif, "kspm/")["runs"][0]["automationDetails"] == {"id": "kspm/"}


def test_uris_are_repository_relative_from_a_subdirectory(repo, lint_repo, validate_sarif, monkeypatch):
    (repo / "apps" / "shop").mkdir(parents=True)
    (repo / "apps" / "shop" / "pod file.yaml").write_text(INSECURE_POD)
    monkeypatch.chdir(repo / "apps")
    from tests.conftest import lint

    data = sarif_of(lint(["shop"], select=SELECT), validate_sarif)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in data["runs"][0]["results"]}
    assert uris == {"apps/shop/pod%20file.yaml"}


def _fingerprints(data):
    return {(r["ruleId"], r["partialFingerprints"]["primaryLocationLineHash"]) for r in data["runs"][0]["results"]}


def test_fingerprints_survive_unrelated_line_moves(lint_repo, validate_sarif):
    before = _fingerprints(sarif_of(lint_repo({"pod.yaml": INSECURE_POD}), validate_sarif))
    moved = ("# a comment\n# and another\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n---\n"
             + INSECURE_POD.replace("  namespace: shop\n", "  labels:\n    app: web\n  namespace: shop\n"))
    report = lint_repo({"pod.yaml": moved})
    after = _fingerprints(sarif_of(report, validate_sarif))
    assert [f.span.line for f in report.findings] != [7, 12]  # the lines really moved
    assert before == after
    renamed = _fingerprints(sarif_of(lint_repo({"pod.yaml": INSECURE_POD.replace("name: web", "name: api")}),
                                     validate_sarif))
    assert renamed.isdisjoint(before)


def test_fingerprints_survive_container_reordering(lint_repo, validate_sarif):
    sidecar = "    - name: sidecar\n      image: envoy:1.30\n"
    first = lint_repo({"pod.yaml": INSECURE_POD + sidecar})
    second = lint_repo({"pod.yaml": INSECURE_POD.replace("  containers:\n", "  containers:\n" + sidecar)})
    assert _fingerprints(sarif_of(first, validate_sarif)) == _fingerprints(sarif_of(second, validate_sarif))


def test_identical_identities_are_numbered_not_merged(lint_repo, validate_sarif):
    data = sarif_of(lint_repo({"pods.yaml": INSECURE_POD + "---\n" + INSECURE_POD}), validate_sarif)
    values = [r["partialFingerprints"]["primaryLocationLineHash"] for r in data["runs"][0]["results"]]
    assert len(values) == 4 and len(set(values)) == 4
    assert sorted(v.rsplit(":", 1)[1] for v in values) == ["1", "1", "2", "2"]


def test_inline_suppression_is_an_in_source_suppression(lint_repo, validate_sarif):
    text = INSECURE_POD.replace("        privileged: true\n",
                                "        privileged: true  # kspm-lint: disable=privileged-container CNI agent\n")
    data = sarif_of(lint_repo({"pod.yaml": text}), validate_sarif)
    by_rule = {r["ruleId"]: r for r in data["runs"][0]["results"]}
    assert by_rule["privileged-container"]["suppressions"] == [
        {"justification": "CNI agent", "kind": "inSource", "status": "accepted"}]
    assert "suppressions" not in by_rule["host-namespaces"]


def test_config_ignore_is_an_external_suppression(lint_repo, validate_sarif):
    config = Config(ignores=[{"rules": ["host-namespaces"], "namespace": "shop", "reason": "node agent"}])
    report = lint_repo({"pod.yaml": INSECURE_POD}, config=config)
    data = sarif_of(report, validate_sarif)
    by_rule = {r["ruleId"]: r for r in data["runs"][0]["results"]}
    (suppression,) = by_rule["host-namespaces"]["suppressions"]
    assert suppression["justification"] == "node agent" and suppression["status"] == "accepted"
    assert suppression["kind"] == "external"
    unreasoned = lint_repo({"pod.yaml": INSECURE_POD}, config=Config(ignores=[{"rules": ["host-namespaces"]}]))
    result = next(r for r in sarif_of(unreasoned, validate_sarif)["runs"][0]["results"]
                  if r["ruleId"] == "host-namespaces")
    assert result["suppressions"][0]["kind"] == "external"


def test_fix_edits_become_sarif_fixes(lint_repo, validate_sarif):
    report = lint_repo({"pod.yaml": INSECURE_POD})
    finding = next(f for f in report.findings if f.rule == "privileged-container")
    finding.fix = Fix("unsafe", "Set privileged: false", [PatchOp("set", finding.path, False)],
                      edits=[TextEdit(12, 21, 12, 25, "false")])
    other = next(f for f in report.findings if f.rule == "host-namespaces")
    other.fix = Fix("safe", "not here", [], edits=[TextEdit(7, 16, 7, 20, "false")], applicable=False)
    results = {r["ruleId"]: r for r in sarif_of(report, validate_sarif)["runs"][0]["results"]}
    assert "fixes" not in results["host-namespaces"]
    (fix,) = results["privileged-container"]["fixes"]
    assert fix["description"]["text"].startswith("Set privileged: false (unsafe")
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "pod.yaml", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [{
        "deletedRegion": {"startLine": 12, "startColumn": 21, "endLine": 12, "endColumn": 25},
        "insertedContent": {"text": "false"},
    }]


def test_related_locations_of_a_finding(lint_repo, validate_sarif):
    from kspm_lint.location import Span
    from kspm_lint.origin import Location

    report = lint_repo({"pod.yaml": INSECURE_POD})
    report.findings[0].related = (Location("pod.yaml", Span(3, 1, 3, 9), "here"),)
    result = sarif_of(report, validate_sarif)["runs"][0]["results"][0]
    assert result["relatedLocations"] == [{
        "id": 1, "message": {"text": "here"},
        "physicalLocation": {"artifactLocation": {"uri": "pod.yaml", "uriBaseId": "%SRCROOT%"},
                             "region": {"startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 9}},
    }]


def test_results_are_capped_most_severe_first(lint_repo, validate_sarif, monkeypatch):
    monkeypatch.setattr(sarif, "MAX_RESULTS", 1)
    data = sarif_of(lint_repo({"pod.yaml": INSECURE_POD}), validate_sarif)
    run = data["runs"][0]
    assert [r["ruleId"] for r in run["results"]] == ["privileged-container"]  # critical beats high
    assert "only the 1 most severe" in run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]


def test_yaml_syntax_and_multiline_regions_are_valid(lint_repo, validate_sarif):
    report = lint_repo({"bad.yaml": "a: [1, 2\n", "pod.yaml": INSECURE_POD},
                       select=["yaml-syntax", "memory-limit-missing"])
    data = sarif_of(report, validate_sarif)
    rules = {r["ruleId"] for r in data["runs"][0]["results"]}
    assert rules == {"yaml-syntax", "memory-limit-missing"}


def test_output_is_deterministic(lint_repo, validate_sarif):
    first = render(lint_repo({"a.yaml": INSECURE_POD, "b.yaml": INSECURE_POD}), "sarif")
    second = render(lint_repo({"b.yaml": INSECURE_POD, "a.yaml": INSECURE_POD}), "sarif")
    assert first == second
    validate_sarif(first)


def test_serializer_drops_placeholders_and_renames_status():
    import sarif_om as om

    assert sarif.to_json_data(om.Region(start_line=3)) == {"startLine": 3}
    assert sarif.to_json_data(om.Suppression(kind="inSource", state="accepted")) == {
        "kind": "inSource", "status": "accepted"}
    assert sarif.to_json_data(om.Result(message=om.Message(text="m"), rule_index=0)) == {
        "message": {"text": "m"}, "kind": "fail", "level": "warning", "ruleIndex": 0}


def test_remediation_markdown_fences_yaml():
    text = "Set it:\n\nsecurityContext:\n  privileged: false\n\nThen   redeploy\nthe pod."
    assert sarif.remediation_markdown(text) == (
        "Set it:\n\n```yaml\nsecurityContext:\n  privileged: false\n```\n\nThen redeploy the pod.")


def test_cli_writes_only_sarif_to_output_and_stdout(repo, validate_sarif):
    (repo / "pod.yaml").write_text(INSECURE_POD)
    cli = [sys.executable, "-m", "kspm_lint", "--select", ",".join(SELECT), "--format", "sarif", "-v"]
    out = subprocess.run([*cli, "--sarif-category", "k8s", "pod.yaml"], capture_output=True, text=True,
                         env={**os.environ, "NO_COLOR": "1"})
    assert out.returncode == 1, out.stderr
    data = validate_sarif(out.stdout)  # no log text mixed into the stream
    assert data["runs"][0]["automationDetails"]["id"] == "k8s/"
    written = subprocess.run([*cli, "--output", "out.sarif", "pod.yaml"], capture_output=True, text=True)
    assert written.returncode == 1 and written.stdout == ""
    assert json.loads((repo / "out.sarif").read_text())["runs"][0]["results"]
