"""schema-unknown-field, schema-invalid and deprecated-api through the real engine and
the real kubernetes-validate schema files."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kspm_lint.config import Config
from tests.conftest import ROOT, lint

pytest.importorskip("kubernetes_validate", reason="the optional 'schema' extra is not installed")

TYPOS = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonroot: true
  containers:
    - name: web
      image: nginx:1.27
      securityContex:
        allowPrivilegeEscalation: false
      resizePolicy:
        - resourceName: cpu
          restartPolicy: NotRequired
"""


def test_typo_reported_at_the_key_with_did_you_mean(lint_text):
    findings = lint_text(TYPOS, select=["schema-unknown-field"])
    assert [(f.span.line, f.span.column, f.span.end_line, f.message) for f in findings] == [
        (7, 5, 7, "unknown field 'runAsNonroot' in spec.securityContext: PodSecurityContext has no such field "
                  "(did you mean 'runAsNonRoot'?). The API server rejects it, or drops it when validation is off, "
                  "so what it was meant to set does not apply"),
        (11, 7, 11, "unknown field 'securityContex' in spec.containers[0]: Container has no such field (did you "
                    "mean 'securityContext'?). The API server rejects it, or drops it when validation is off, so "
                    "what it was meant to set does not apply"),
    ]
    assert [f.path for f in findings] == [("spec", "securityContext", "runAsNonroot"),
                                          ("spec", "containers", 0, "securityContex")]


def test_target_version_decides_which_fields_exist(tmp_path):
    # Container.resizePolicy arrived in Kubernetes 1.27: unknown to the 1.25 schema
    path = tmp_path / "pod.yaml"
    path.write_text(TYPOS)
    config = Config(parameters={"schema-unknown-field": {"kube-version": "v1.25.4"}})
    findings = lint([path], select=["schema-unknown-field"], config=config).findings
    assert [(f.span.line, f.span.column, f.path[-1]) for f in findings] == [
        (7, 5, "runAsNonroot"), (11, 7, "securityContex"), (13, 7, "resizePolicy")]


def test_schemas_are_loaded_once_per_version():
    from kspm_lint.checks.schema_store import resolve_version, schema_set

    newest = resolve_version("latest")
    assert resolve_version("v1.37.2") == (1, 37) and newest >= (1, 37)
    assert schema_set(newest) is schema_set(resolve_version(f"{newest[0]}.{newest[1]}"))
    assert schema_set(newest).root_for("apps/v1", "Deployment") == "io.k8s.api.apps.v1.Deployment"
    assert schema_set(newest).root_for("example.com/v1", "Deployment") is None


def test_unshipped_version_is_a_clear_error(tmp_path):
    path = tmp_path / "pod.yaml"
    path.write_text(TYPOS)
    config = Config(parameters={"schema-invalid": {"kube-version": "1.12"}})
    findings = lint([path], select=["schema-invalid"], config=config).findings
    assert [(f.rule, f.span.line) for f in findings] == [("check-error", 1)]
    assert "kube-version 1.12 has no shipped schema (available: 1.25, " in findings[0].message


def test_wrong_types_at_the_exact_node(lint_text):
    text = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    prometheus.io/scrape: true
spec:
  ports:
    - port: "80"
      targetPort: http
"""
    findings = lint_text(text, select=["schema-invalid"])
    assert [(f.span.line, f.span.column, f.message) for f in findings] == [
        (6, 5, "metadata.annotations['prometheus.io/scrape'] is the boolean true, but ObjectMeta expects a string "
               "here: the API server rejects the object"),
        (9, 7, "spec.ports[0].port is the string '80', but ServicePort expects an integer here: the API server "
               "rejects the object"),
    ]


def test_custom_resources_and_removed_apis_are_skipped(lint_text):
    text = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: web}
spec: {strategy: {canary: {steps: [{setWeight: 20}]}}, replicas: "3"}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: old}
spec: {replicas: "3", unknownField: 1}
"""
    assert lint_text(text, select=["schema-unknown-field", "schema-invalid"]) == []


def test_deprecated_api_names_the_replacement_for_the_target(tmp_path):
    path = tmp_path / "cron.yaml"
    path.write_text("apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: report\n")
    newest = lint([path], select=["deprecated-api"]).findings
    assert [(f.span.line, f.span.column, f.message) for f in newest] == [
        (1, 1, "batch/v1beta1 CronJob is no longer served since Kubernetes v1.25: applying it fails; use batch/v1")]
    config = Config(parameters={"deprecated-api": {"kube-version": "1.24"}})
    older = lint([path], select=["deprecated-api"], config=config).findings
    assert [f.message for f in older] == [
        "batch/v1beta1 CronJob is deprecated and removed in Kubernetes v1.25; use batch/v1"]


def _run(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def test_schema_data_is_not_loaded_when_the_rules_are_not_selected(tmp_path):
    (tmp_path / "pod.yaml").write_text(TYPOS)
    result = _run("""
        import sys
        from kspm_lint.cli import main
        try:
            main(["--select", "privileged-container", "pod.yaml"])
        except SystemExit:
            pass
        assert "kspm_lint.checks.schema_store" not in sys.modules, "schema store imported"
        assert "kubernetes_validate" not in sys.modules
        print("clean")
    """, tmp_path)
    assert result.stdout.endswith("clean\n"), result.stderr


def test_missing_package_skips_the_rules_and_says_so_in_verbose_mode(tmp_path):
    (tmp_path / "pod.yaml").write_text(TYPOS)
    result = _run("""
        import importlib.util

        real_find_spec = importlib.util.find_spec

        def find_spec(name, package=None):  # as if the optional extra were not installed
            return None if name == "kubernetes_validate" else real_find_spec(name, package)

        importlib.util.find_spec = find_spec
        from kspm_lint.cli import main
        main(["-v", "--select", "schema-unknown-field,schema-invalid", "pod.yaml"])
    """, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1 file, 1 resource, 0 findings\n"
    assert result.stderr.splitlines()[-1] == (
        "kspm-lint: schema-unknown-field and schema-invalid skipped: the Kubernetes schemas are not installed; "
        "install them with pip install 'kspm-lint[schema]' (the kubernetes-validate package)")


def test_yaml_1_1_numbers_kubectl_reads_the_same_way_are_reported_base_60_is_not(lint_text):
    # PyYAML and Go's YAML 1.1 library agree on 0x1F; only PyYAML reads 12:30 as a number
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  at: 12:30\n  mask: 0x1F\n"
    findings = lint_text(text, select=["schema-invalid"])
    assert [(f.span.line, f.span.column, f.message) for f in findings] == [
        (7, 3, "data.mask is the number 31, but ConfigMap expects a string here: the API server rejects the object")]
