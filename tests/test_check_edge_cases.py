"""Edge cases found in review: null volume sources, non-boolean runAsNonRoot."""

from __future__ import annotations

from tests.conftest import rule_lines

NULL_SOURCES = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: a, image: a:1}]
  volumes:
    - name: scratch
      hostPath: null
    - name: shared
      nfs:
    - name: data
      nfs: {server: nfs.local, path: /x}
"""


def test_null_volume_source_is_no_source(lint_text):
    findings = lint_text(NULL_SOURCES, select=["host-path-volume", "restricted-volume-types"])
    assert [(f.rule, f.span.line) for f in findings] == [("restricted-volume-types", 12)]


def test_quoted_run_as_non_root_does_not_satisfy(lint_text):
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n"
            "    runAsNonRoot: \"true\"\n  containers:\n  - name: a\n    image: a:1\n"
            "  - name: b\n    image: b:1\n    securityContext: {runAsNonRoot: \"false\"}\n")
    findings = lint_text(text, select=["run-as-non-root"])
    assert sorted(rule_lines(findings, "run-as-non-root")) == [6, 8, 12]
    assert any('runAsNonRoot: "true"' in f.message for f in findings)


def test_host_network_port_fix_never_removes_container_port(tmp_path):
    import json

    from click.testing import CliRunner

    from kspm_lint.cli import main

    path = tmp_path / "p.yaml"
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: n}\nspec:\n  hostNetwork: true\n  containers:\n"
            "    - name: e\n      image: e:1\n      ports:\n        - containerPort: 9100\n")
    path.write_text(text)
    result = CliRunner().invoke(main, ["--format", "json", "--select", "host-port", str(path)])
    finding = json.loads(result.output)["findings"][0]
    assert (finding["line"], finding["path"]) == (10, "spec.containers[0].ports[0].containerPort")
    assert finding["fix"]["applicable"] is False and "hostNetwork" in finding["fix"]["reason"]
    CliRunner().invoke(main, ["--fix", "--unsafe-fixes", "--select", "host-port", str(path)])
    assert path.read_text() == text
