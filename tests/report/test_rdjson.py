"""``--format rdjson``: reviewdog's DiagnosticResult, with suggestions from fix edits."""

from __future__ import annotations

import json

from kspm_lint.fix.model import Fix, TextEdit
from kspm_lint.report.formats import render
from tests.report.conftest import INSECURE_POD

POSITION = {"line": int, "column": int}


def _check_range(value):
    assert set(value) == {"start", "end"}
    for key in ("start", "end"):
        assert {k: type(v) for k, v in value[key].items()} == POSITION


def test_diagnostics_shape(lint_repo):
    data = json.loads(render(lint_repo({"pod.yaml": INSECURE_POD}), "rdjson"))
    assert data["source"] == {"name": "kspm-lint", "url": "https://github.com/kspm-lint/kspm-lint"}
    assert data["severity"] == "ERROR"
    assert [d["code"]["value"] for d in data["diagnostics"]] == ["host-namespaces", "privileged-container"]
    for diagnostic in data["diagnostics"]:
        assert set(diagnostic) == {"message", "location", "severity", "code"}
        assert diagnostic["location"]["path"] == "pod.yaml"
        _check_range(diagnostic["location"]["range"])
        assert diagnostic["severity"] == "ERROR"
        assert diagnostic["code"]["url"].startswith("https://")
    assert data["diagnostics"][1]["location"]["range"] == {
        "start": {"line": 12, "column": 9}, "end": {"line": 12, "column": 25}}


def test_suggestions_from_fix_edits_in_utf8_byte_columns(lint_repo):
    text = INSECURE_POD.replace("  namespace: shop\n", "  namespace: shop\n  annotations: {note: \"héllo\"}\n")
    text = text.replace("        privileged: true", "        privileged: true   # ünïcode")
    report = lint_repo({"pod.yaml": text.replace("image: nginx:1.25", "image: \"ngïnx:1.25\"")})
    finding = next(f for f in report.findings if f.rule == "privileged-container")
    finding.fix = Fix("unsafe", "privileged off", [], edits=[TextEdit(13, 21, 13, 25, "false")])
    data = json.loads(render(report, "rdjson"))
    diagnostic = next(d for d in data["diagnostics"] if d["code"]["value"] == "privileged-container")
    assert diagnostic["suggestions"] == [{
        "range": {"start": {"line": 13, "column": 21}, "end": {"line": 13, "column": 25}}, "text": "false"}]


def test_byte_columns_after_multibyte_characters(tmp_path):
    from kspm_lint.report.rdjson_report import byte_column

    path = tmp_path / "f.yaml"
    path.write_text("a: \"é𐐀\"  x\n")
    assert byte_column(str(path), 1, 1) == 1
    assert byte_column(str(path), 1, 5) == 5  # at "é"
    assert byte_column(str(path), 1, 6) == 7  # after "é" (2 bytes)
    assert byte_column(str(path), 1, 7) == 11  # after "𐐀" (4 bytes)
    assert byte_column(str(path), 1, 50) == 50 + 4  # past the end: extra characters count 1 byte
    assert byte_column(str(tmp_path / "missing.yaml"), 1, 7) == 7


def test_clean_run(lint_repo):
    data = json.loads(render(lint_repo({"ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"}),
                             "rdjson"))
    assert data["diagnostics"] == [] and data["severity"] == "INFO"
