"""The engine run: what reaches it, and stripping the tracking annotations exactly."""

from __future__ import annotations

import subprocess

from kspm_lint.kustomize import render_overlay
from kspm_lint.kustomize.engine import _environment, build_with_origins, engine_command, strip_tracking
from tests.kustomize.conftest import needs_engine, write_tree


def test_only_path_and_home_reach_the_engine(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.invalid:3128")
    monkeypatch.setenv("KUSTOMIZE_PLUGIN_HOME", "/tmp/plugins")
    monkeypatch.setenv("KUSTOMIZE_ENABLE_ALPHA_COMMANDS", "true")
    assert sorted(_environment()) == ["HOME", "PATH"]


@needs_engine
def test_users_own_annotations_survive_and_the_render_equals_a_plain_one(tmp_path):
    write_tree(tmp_path, {
        "k/kustomization.yaml": (
            "resources: [pod.yaml, plain.yaml]\ncommonAnnotations:\n  team: shop\n"
            "patches:\n  - patch: |\n      apiVersion: v1\n      kind: Pod\n      metadata:\n        name: p\n"
            "        annotations:\n          note: |\n            two\n            lines\n"
        ),
        "k/pod.yaml": (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    z-last: 'y'\n"
            "    config.kubernetes.io/local-config-not: kept\nspec:\n  containers: [{name: c, image: busybox}]\n"
        ),
        "k/plain.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  annotations: |\n    text\n",
    })
    run = build_with_origins(str(tmp_path / "k"))
    assert "config.kubernetes.io/origin" in run.output
    plain = subprocess.run([*engine_command(), str(tmp_path / "k")], capture_output=True, text=True, timeout=60,
                           check=True).stdout
    assert strip_tracking(run.output) == plain
    render = render_overlay(str(tmp_path / "k"))
    assert render.parsed.text == plain
    assert [r.metadata.get("annotations") for r, _ in render.objects] == [
        {"team": "shop"},
        {"config.kubernetes.io/local-config-not": "kept", "note": "two\nlines", "team": "shop", "z-last": "y"},
    ]


def test_stripping_leaves_text_without_tracking_untouched():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    a: b\n  name: x\n"
    assert strip_tracking(text) == text
