"""The Argo CD plugin's generate command on real example apps: it prints exactly the
rendered manifests when they pass and fails generation (with a readable message and no
manifests on stdout) when they do not. Kustomize overlays are rendered by the real
``kubectl kustomize``; Helm charts by a real ``helm`` when one is installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

HOOKS = ROOT / "hooks" / "argocd"
GENERATE = HOOKS / "kspm-lint-generate"
HARDENED = (ROOT / "examples" / "hardened" / "api-deployment.yaml").read_text()
KUSTOMIZE = shutil.which("kustomize") or shutil.which("kubectl")
HELM = shutil.which("helm")
PRIVILEGED_PATCH = """\
resources:
  - ../../base
namePrefix: prod-
patches:
  - target: {kind: Deployment, name: api}
    patch: |
      - op: add
        path: /spec/template/spec/containers/0/securityContext/privileged
        value: true
"""


def generate(app: Path, *args: str, path_prefix: str = "", **env: str) -> subprocess.CompletedProcess:
    """Run the plugin's generate command the way the CMP server does: in the app directory."""
    environment = {**os.environ, "ARGOCD_APP_NAME": "shop", "ARGOCD_APP_NAMESPACE": "shop", **env}
    environment["PATH"] = os.pathsep.join(p for p in (path_prefix, str(Path(sys.executable).parent),
                                                      environment["PATH"]) if p)
    return subprocess.run(["bash", str(GENERATE), *args], cwd=app, env=environment, capture_output=True,
                          text=True, timeout=120)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def test_plugin_manifest_points_at_the_script():
    plugin = yaml.safe_load((HOOKS / "plugin.yaml").read_text())
    assert plugin["apiVersion"] == "argoproj.io/v1alpha1" and plugin["kind"] == "ConfigManagementPlugin"
    assert plugin["spec"]["generate"]["command"] == ["kspm-lint-generate"]
    assert plugin["spec"]["init"]["command"] == ["kspm-lint-generate", "--init"]
    assert "find" in plugin["spec"]["discover"]
    dockerfile = (HOOKS / "Dockerfile").read_text()
    assert "/home/argocd/cmp-server/config/plugin.yaml" in dockerfile and "USER 999" in dockerfile
    assert "/usr/local/bin/kspm-lint-generate" in dockerfile


def test_discover_command_matches_manifest_directories(tmp_path):
    command = yaml.safe_load((HOOKS / "plugin.yaml").read_text())["spec"]["discover"]["find"]["command"]
    write(tmp_path / "app", {"deploy.yaml": HARDENED})
    (tmp_path / "empty").mkdir()
    assert subprocess.run(command, cwd=tmp_path / "app", capture_output=True, text=True).stdout.strip()
    assert not subprocess.run(command, cwd=tmp_path / "empty", capture_output=True, text=True).stdout.strip()


def test_plain_directory_passes_and_prints_its_manifests(tmp_path):
    worker = (ROOT / "examples" / "hardened" / "worker.json").read_text()
    app = write(tmp_path, {"b-api.yaml": HARDENED, "a-worker.json": worker.rstrip("\n"),
                           ".kspm-lint.yaml": "fail-on: low\n", "sub/ignored.yaml": "not: [linted\n"})
    done = generate(app)
    assert done.returncode == 0, done.stderr
    assert done.stdout == worker.rstrip("\n") + "\n---\n" + HARDENED
    assert [d["kind"] for d in yaml.safe_load_all(done.stdout)] == [
        "StatefulSet", "Deployment", "Service", "NetworkPolicy", "NetworkPolicy", "ClusterPolicy"]
    assert "0 findings" in done.stderr


def test_plain_directory_with_findings_fails_generation(tmp_path):
    app = write(tmp_path, {"pod.yaml": (ROOT / "examples" / "insecure" / "web-deployment.yaml").read_text()})
    done = generate(app)
    assert done.returncode == 1
    assert done.stdout == ""  # nothing for Argo CD to apply
    assert "'shop' was NOT synced" in done.stderr and "privileged-container" in done.stderr
    # The failing severity comes from the Application's plugin env (ARGOCD_ENV_ prefix) ...
    lenient = generate(app, ARGOCD_ENV_KSPM_LINT_FAIL_ON="critical",
                       ARGOCD_ENV_KSPM_LINT_ARGS="--ignore privileged-container")
    assert lenient.returncode == 0, lenient.stderr
    assert lenient.stdout == (app / "pod.yaml").read_text()
    # ... or from the plugin parameter.
    assert generate(app, PARAM_FAIL_ON="critical").returncode == 1


@pytest.mark.skipif(KUSTOMIZE is None, reason="neither kustomize nor kubectl is installed")
def test_kustomize_overlay_output_is_exactly_the_rendered_manifests(tmp_path):
    write(tmp_path, {"base/api.yaml": HARDENED, "base/kustomization.yaml": "resources: [api.yaml]\n",
                     "overlays/prod/kustomization.yaml": "resources: [../../base]\nnamePrefix: prod-\n",
                     "overlays/bad/kustomization.yaml": PRIVILEGED_PATCH})
    overlay = tmp_path / "overlays" / "prod"
    command = [KUSTOMIZE, "build", "."] if KUSTOMIZE.endswith("kustomize") else [KUSTOMIZE, "kustomize", "."]
    expected = subprocess.run(command, cwd=overlay, capture_output=True, text=True, check=True).stdout
    done = generate(overlay)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected and "name: prod-api" in expected

    bad = generate(tmp_path / "overlays" / "bad")
    assert bad.returncode == 1 and bad.stdout == ""
    assert "privileged-container" in bad.stderr and "Deployment/shop/prod-api" in bad.stderr


def test_rendering_error_fails_generation_with_the_renderer_message(tmp_path):
    fake = write(tmp_path / "bin", {"kustomize": "#!/bin/sh\necho 'Error: accumulating resources' >&2\nexit 1\n"})
    (fake / "kustomize").chmod(0o755)
    app = write(tmp_path / "app", {"kustomization.yaml": "resources: [missing.yaml]\n"})
    done = generate(app, path_prefix=str(fake))
    assert done.returncode == 1 and done.stdout == ""
    assert "accumulating resources" in done.stderr and "rendering 'shop' failed" in done.stderr


def test_slow_renderer_is_stopped_with_a_message(tmp_path):
    fake = write(tmp_path / "bin", {"kustomize": "#!/bin/sh\nsleep 30\n"})
    (fake / "kustomize").chmod(0o755)
    app = write(tmp_path / "app", {"kustomization.yaml": "resources: []\n"})
    done = generate(app, path_prefix=str(fake), ARGOCD_ENV_KSPM_LINT_TIMEOUT="1")
    assert done.returncode == 1 and done.stdout == ""
    assert "gave up on 'shop' after 1s" in done.stderr


@pytest.mark.skipif(HELM is None, reason="helm is not installed (Debian has no package); the chart path is "
                                         "exercised where helm is on PATH")
def test_helm_chart_output_is_exactly_helm_template(tmp_path):
    chart = write(tmp_path / "chart", {
        "Chart.yaml": "apiVersion: v2\nname: api\nversion: 0.1.0\n",
        "values.yaml": "privileged: false\n",
        "templates/deployment.yaml": HARDENED.split("---")[0].replace(
            "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false\n"
            "            privileged: {{ .Values.privileged }}"),
    })
    expected = subprocess.run([HELM, "template", "shop", ".", "--namespace", "shop", "--include-crds"], cwd=chart,
                              capture_output=True, text=True, check=True).stdout
    done = generate(chart)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
    write(chart, {"values-bad.yaml": "privileged: true\n"})
    bad = generate(chart, ARGOCD_ENV_HELM_VALUES="values-bad.yaml")
    assert bad.returncode == 1 and "privileged-container" in bad.stderr


def test_init_without_chart_dependencies_does_nothing(tmp_path):
    done = generate(write(tmp_path, {"pod.yaml": HARDENED}), "--init")
    assert done.returncode == 0 and done.stdout == ""


def test_presync_job_is_a_hook_and_passes_default_rules():
    path = HOOKS / "presync-job.yaml"
    documents = list(yaml.safe_load_all(path.read_text()))
    job = next(d for d in documents if d["kind"] == "Job")
    annotations = job["metadata"]["annotations"]
    assert annotations["argocd.argoproj.io/hook"] == "PreSync"
    assert "HookSucceeded" in annotations["argocd.argoproj.io/hook-delete-policy"]
    assert job["spec"]["backoffLimit"] == 0
    done = subprocess.run([sys.executable, "-m", "kspm_lint", "--no-color", str(path), str(HOOKS / "plugin.yaml")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 findings" in done.stdout
