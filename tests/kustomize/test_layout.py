"""find_roots: top-level roots, the files that are patches or consumed, remote references."""

from __future__ import annotations

from kspm_lint.kustomize import find_roots
from kspm_lint.location import Span
from tests.kustomize.conftest import EXAMPLES, write_tree


def test_examples_have_two_top_level_roots_and_two_patch_files():
    layout = find_roots([str(EXAMPLES)])
    assert layout.roots == [str(EXAMPLES / "overlays/prod"), str(EXAMPLES / "overlays/staging")]
    assert sorted(layout.kustomizations) == [
        str(EXAMPLES / "base"), str(EXAMPLES / "overlays/prod"), str(EXAMPLES / "overlays/staging"),
    ]
    assert layout.patch_files == {
        str(EXAMPLES / "overlays/prod/node-agent-ops.yaml"),
        str(EXAMPLES / "overlays/staging/debug-patch.yaml"),
    }
    base = [str(EXAMPLES / "base" / name) for name in
            ("deployment.yaml", "kustomization.yaml", "service.yaml", "serviceaccount.yaml")]
    assert layout.files_of_root[str(EXAMPLES / "overlays/prod")] == {
        *base, str(EXAMPLES / "overlays/prod/kustomization.yaml"), str(EXAMPLES / "overlays/prod/node-agent-ops.yaml"),
    }
    assert layout.consumed == {
        *base,
        str(EXAMPLES / "overlays/prod/kustomization.yaml"),
        str(EXAMPLES / "overlays/prod/node-agent-ops.yaml"),
        str(EXAMPLES / "overlays/staging/kustomization.yaml"),
        str(EXAMPLES / "overlays/staging/debug-patch.yaml"),
    }
    assert layout.remote == [] and layout.missing == []


def test_an_overlay_named_alone_still_knows_its_base_files():
    layout = find_roots([str(EXAMPLES / "overlays/staging")])
    assert layout.roots == [str(EXAMPLES / "overlays/staging")]
    assert str(EXAMPLES / "base/deployment.yaml") in layout.files_of_root[layout.roots[0]]


def test_components_and_their_patches_are_not_roots(tmp_path):
    write_tree(tmp_path, {
        "app/kustomization.yaml": "resources: [pod.yaml]\ncomponents: [../mixin]\n",
        "app/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n",
        "mixin/kustomization.yaml": (
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
            "patchesStrategicMerge:\n  - harden.yaml\n"
        ),
        "mixin/harden.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {hostPID: false}\n",
        "orphan/kustomization.yaml": "kind: Component\n",
    })
    layout = find_roots([str(tmp_path)])
    assert layout.roots == [str(tmp_path / "app")]
    assert layout.component_dirs == {str(tmp_path / "mixin")}
    assert layout.patch_files == {str(tmp_path / "mixin/harden.yaml")}


def test_remote_references_are_reported_with_their_line_never_fetched(tmp_path):
    write_tree(tmp_path, {
        "overlay/kustomization.yaml": (
            "resources:\n"
            "  - ../base\n"
            "  - https://github.com/example/app//deploy?ref=v1.2.0\n"
            "  - github.com/example/other/base\n"
        ),
        "base/kustomization.yaml": "resources:\n  - git@github.com:example/private.git//k8s?ref=main\n",
    })
    layout = find_roots([str(tmp_path)])
    assert [(file, ref.value, ref.span) for file, ref in layout.remote] == [
        (str(tmp_path / "base/kustomization.yaml"), "git@github.com:example/private.git//k8s?ref=main",
         Span(2, 5, 2, 53)),
        (str(tmp_path / "overlay/kustomization.yaml"), "https://github.com/example/app//deploy?ref=v1.2.0",
         Span(3, 5, 3, 54)),
        (str(tmp_path / "overlay/kustomization.yaml"), "github.com/example/other/base", Span(4, 5, 4, 34)),
    ]
    assert len(layout.remote_of_root(str(tmp_path / "overlay"))) == 3
    assert layout.roots == [str(tmp_path / "overlay")]


def test_a_missing_local_resource_is_recorded_at_its_entry(tmp_path):
    write_tree(tmp_path, {"app/kustomization.yaml": "resources:\n  - deployment.yaml\n  - gone.yaml\n",
                          "app/deployment.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"})
    layout = find_roots([str(tmp_path)])
    assert [(ref.value, ref.span) for _, ref in layout.missing] == [("gone.yaml", Span(3, 5, 3, 14))]
