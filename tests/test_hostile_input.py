"""Bad input gets a finding or a clear error, never a traceback; good files still get linted."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kspm_lint.cli import main
from kspm_lint.parsing import source

POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: ok}\nspec:\n  containers:\n  - {name: a, image: a:1}\n"


def run_json(*args: str):
    result = CliRunner().invoke(main, ["--format", "json", *args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def test_tree_of_hostile_files(tmp_path):
    (tmp_path / "binary.yaml").write_bytes(b"\x00\x01\x02ELF")
    (tmp_path / "latin1.yaml").write_bytes(b"name: caf\xe9\n")
    (tmp_path / "tabs.yaml").write_text("a:\n\t- b\n")
    (tmp_path / "unknown-kind.yaml").write_text("apiVersion: x.io/v1\nkind: Frobnicator\nspec: {a: 1}\n")
    (tmp_path / "scalar.yaml").write_text("just a string\n")
    (tmp_path / "list-of-junk.yaml").write_text("apiVersion: v1\nkind: List\nitems: [1, null, {kind: 3}]\n")
    (tmp_path / "weird-types.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: [1]}\nspec:\n  containers: {a: 1}\n"
        "  volumes: 7\n  securityContext: []\n"
    )
    (tmp_path / "wrong-types.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: t}\nspec:\n  containers:\n  - name: 5\n"
        "    image: [x]\n    securityContext: {capabilities: {add: 5, drop: NET_RAW}}\n"
        "    ports: [{hostPort: abc}]\n    env: [{name: TOKEN, value: {a: 1}}]\n"
    )
    (tmp_path / "ok.yaml").write_text(POD)
    (tmp_path / "huge.yaml").write_text("a: " + "x" * (source.MAX_FILE_BYTES + 10) + "\n")
    data = run_json(str(tmp_path))
    by_file = {}
    for finding in data["findings"]:
        by_file.setdefault(finding["file"].rsplit("/", 1)[-1], set()).add(finding["rule"])
    assert by_file["binary.yaml"] == {"input-rejected"}
    assert by_file["latin1.yaml"] == {"input-rejected"}
    assert by_file["huge.yaml"] == {"input-rejected"}
    assert by_file["tabs.yaml"] == {"yaml-syntax"}
    assert "privilege-escalation" in by_file["ok.yaml"]
    assert data["summary"]["files"] == 10
    assert [f["message"] for f in data["findings"] if f["rule"] == "check-error"] == []


def test_missing_path_is_usage_error(tmp_path):
    result = CliRunner().invoke(main, [str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_unreadable_config_key_is_clean_error(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("select: [all]\nbogus: 1\n")
    result = CliRunner().invoke(main, ["--config", str(config), str(tmp_path)])
    assert result.exit_code == 2
    assert "c.yaml:2: unknown config key 'bogus'" in result.output
