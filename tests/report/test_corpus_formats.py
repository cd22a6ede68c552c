"""Every format on real-world manifests: the shipped examples and ../shared's corpus."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from kspm_lint.api import Settings, lint_paths
from kspm_lint.config import Config
from kspm_lint.report.formats import render
from tests.conftest import ROOT, shared_path


@pytest.fixture(params=["examples", "corpus"])
def corpus_report(request, monkeypatch):
    """A real run with fixes attached, as the CLI does for SARIF and rdjson."""
    from kspm_lint.fix.apply import attach_fixes

    monkeypatch.chdir(ROOT)
    path = ROOT / "examples" if request.param == "examples" else shared_path("corpus", "real")
    run = lint_paths([str(path)], Settings(), Config())
    attach_fixes(run)
    return run.report


def test_all_formats_on_real_manifests(corpus_report, validate_sarif, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    sarif = validate_sarif(render(corpus_report, "sarif"))
    results = sarif["runs"][0]["results"]
    assert len(results) == len(corpus_report.findings) > 0
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    fingerprints = [r["partialFingerprints"]["primaryLocationLineHash"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)
    fixed = [r for r in results if "fixes" in r]
    assert fixed and all(r["fixes"][0]["artifactChanges"][0]["replacements"] for r in fixed)
    rdjson = json.loads(render(corpus_report, "rdjson"))
    assert sum(1 for d in rdjson["diagnostics"] if d.get("suggestions")) == sum(
        1 for r in fixed if not r.get("suppressions"))
    assert len(rdjson["diagnostics"]) == len(corpus_report.active)
    assert len(render(corpus_report, "github").splitlines()) == len(corpus_report.active)
    suite = ET.fromstring(render(corpus_report, "junit")).find("testsuite")
    groups = {(f.file, str(f.resource) if f.resource else f.file, f.rule) for f in corpus_report.failing}
    assert int(suite.get("failures")) == len(groups) <= int(suite.get("tests"))
