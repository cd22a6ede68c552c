"""Charts and overlays linted as a user runs kspm-lint: through discovery, the real
engines and the whole runner, every finding at the line a person edits."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kspm_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent


def _kubectl() -> None:
    if shutil.which("kustomize") is None and shutil.which("kubectl") is None:
        pytest.skip("neither kustomize nor kubectl is installed")


def _helm() -> None:
    import importlib.util

    if shutil.which("helm") is None and importlib.util.find_spec("helm_python") is None:
        pytest.skip("neither helm nor helm-python-sdk (pip install 'kspm-lint[helm]') is installed")


def _findings(*args: str) -> list[tuple[str, int, int, str]]:
    result = CliRunner().invoke(main, ["--format", "json", *args], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    data = json.loads(result.stdout)
    return [(f["file"], f["line"], f["column"], f["rule"]) for f in data["findings"]]


def test_overlays_report_at_the_patch_the_op_and_the_base(monkeypatch):
    _kubectl()
    monkeypatch.chdir(ROOT)
    found = _findings("examples/kustomize")
    assert found == [
        ("examples/kustomize/base/deployment.yaml", 24, 11, "read-only-root-filesystem"),
        ("examples/kustomize/base/deployment.yaml", 25, 11, "image-not-digest-pinned"),
        ("examples/kustomize/base/deployment.yaml", 28, 15, "host-port"),
        # The overlay's namespace: line puts the workload in a namespace with no default-deny policy.
        ("examples/kustomize/overlays/prod/kustomization.yaml", 3, 1, "namespace-missing-default-deny-egress"),
        ("examples/kustomize/overlays/prod/kustomization.yaml", 3, 1, "namespace-missing-default-deny-ingress"),
        ("examples/kustomize/overlays/prod/kustomization.yaml", 13, 5, "image-not-digest-pinned"),
        ("examples/kustomize/overlays/prod/node-agent-ops.yaml", 7, 3, "host-namespaces"),
        ("examples/kustomize/overlays/staging/debug-patch.yaml", 12, 13, "privileged-container"),
        ("examples/kustomize/overlays/staging/kustomization.yaml", 3, 1, "namespace-missing-default-deny-egress"),
        ("examples/kustomize/overlays/staging/kustomization.yaml", 3, 1, "namespace-missing-default-deny-ingress"),
    ]


def test_a_shared_base_line_is_reported_once_naming_the_overlays(monkeypatch):
    _kubectl()
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["--format", "json", "--select", "read-only-root-filesystem",
                                       "examples/kustomize"], catch_exceptions=False)
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["message"] == ("container 'web' has a writable root filesystem (in 2 renders: "
                                  "examples/kustomize/overlays/prod, examples/kustomize/overlays/staging)")


def test_a_patch_file_named_alone_is_not_linted_as_a_workload(monkeypatch):
    """Named on its own (pre-commit), a patch file still belongs to its overlay: no
    finding says the patch 'has no memory limit'."""
    _kubectl()
    monkeypatch.chdir(ROOT)
    found = _findings("examples/kustomize/overlays/staging")
    assert ("examples/kustomize/overlays/staging/debug-patch.yaml", 12, 13, "privileged-container") in found
    assert not [f for f in found if f[0].endswith("debug-patch.yaml") and f[3] == "memory-limit-missing"]


def test_a_chart_reports_at_template_and_values_lines(monkeypatch):
    _helm()
    monkeypatch.chdir(ROOT)
    found = _findings("--select", "privileged-container,privilege-escalation,run-as-root-user", "examples/helm")
    assert found == [
        ("examples/helm/shop/charts/cache/templates/statefulset.yaml", 17, 9, "privilege-escalation"),  # subchart
        ("examples/helm/shop/templates/_helpers.tpl", 14, 1, "privilege-escalation"),  # a helper's container
        ("examples/helm/shop/templates/_helpers.tpl", 19, 5, "run-as-root-user"),
        ("examples/helm/shop/templates/deployment.yaml", 29, 9, "privilege-escalation"),
        ("examples/helm/shop/templates/deployment.yaml", 33, 13, "privileged-container"),
        ("examples/helm/shop/values.yaml", 16, 3, "privilege-escalation"),
        ("examples/helm/shop/values.yaml", 18, 3, "run-as-root-user"),
    ]


def test_a_value_set_changes_what_is_reported(monkeypatch):
    _helm()
    monkeypatch.chdir(ROOT)
    found = _findings("--select", "run-as-root-user", "--helm-values", "examples/helm/shop/values-prod.yaml",
                      "examples/helm")
    assert ("examples/helm/shop/values.yaml", 18, 3, "run-as-root-user") not in found


def test_a_go_template_outside_a_chart_is_reported_once_as_not_linted(tmp_path, monkeypatch):
    (tmp_path / "cm.template.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Name }}\ndata:\n  {{- range .Items }}\n"
        "  x: y\n  {{- end }}\n")
    monkeypatch.chdir(tmp_path)
    assert _findings(".") == [("cm.template.yaml", 4, 1, "go-template-not-linted")]
