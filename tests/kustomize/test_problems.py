"""Render problems: typed values with the kustomization file and line when there is one."""

from __future__ import annotations

from kspm_lint.kustomize import RENDER_FAILED, RenderOptions, find_roots, render_overlay
from kspm_lint.location import Span
from kspm_lint.origin import Location
from tests.kustomize.conftest import needs_engine, write_tree

pytestmark = needs_engine

CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n"


def test_a_missing_resource_file_names_the_kustomization_line(tmp_path):
    write_tree(tmp_path, {"my app/kustomization.yaml": "resources:\n  - settings.yaml\n  - gone.yaml\n",
                          "my app/settings.yaml": CONFIG_MAP})
    render = render_overlay(str(tmp_path / "my app"))
    [problem] = render.problems
    assert problem.rule == RENDER_FAILED == "render-failed"
    assert problem.location == Location(str(tmp_path / "my app/kustomization.yaml"), Span(3, 5, 3, 14), None)
    assert problem.message.startswith(
        f"kustomize could not render {tmp_path}/my app: accumulating resources: accumulation err="
        "'accumulating resources from 'gone.yaml': evalsymlink failure on "
    )
    assert problem.message.endswith("no such file or directory ('gone.yaml' does not exist)")
    assert "kspm-kustomize-" not in problem.message  # nothing about the temporary wrapper
    assert render.objects == [] and render.parsed is None


def test_a_missing_file_in_a_base_names_the_base_kustomization(tmp_path):
    write_tree(tmp_path, {"base/kustomization.yaml": "resources:\n- settings.yaml\n- missing.yaml\n",
                          "base/settings.yaml": CONFIG_MAP,
                          "overlay/kustomization.yaml": "resources:\n  - ../base\n"})
    [problem] = render_overlay(str(tmp_path / "overlay")).problems
    assert problem.location == Location(str(tmp_path / "base/kustomization.yaml"), Span(3, 3, 3, 15), None)


def test_a_patch_that_matches_nothing_names_its_entry(tmp_path):
    write_tree(tmp_path, {
        "k/kustomization.yaml": "resources:\n  - settings.yaml\npatches:\n  - path: patch.yaml\n",
        "k/settings.yaml": CONFIG_MAP,
        "k/patch.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\ndata: {a: b}\n",
    })
    [problem] = render_overlay(str(tmp_path / "k")).problems
    assert problem.location == Location(str(tmp_path / "k/kustomization.yaml"), Span(4, 5, 5, 1), None)
    assert problem.message == (
        f"kustomize could not render {tmp_path}/k: no resource matches strategic merge patch "
        '"ConfigMap.v1.[noGrp]/other.[noNs]": no matches for Id ConfigMap.v1.[noGrp]/other.[noNs]; '
        "failed to find unique target for patch ConfigMap.v1.[noGrp]/other.[noNs]"
    )


def test_an_empty_render_is_an_error(tmp_path):
    write_tree(tmp_path, {"k/kustomization.yaml": "resources: []\n"})
    render = render_overlay(str(tmp_path / "k"))
    assert [(p.rule, p.message, p.location) for p in render.problems] == [
        ("render-failed", f"kustomize rendered no objects from {tmp_path}/k",
         Location(str(tmp_path / "k/kustomization.yaml"), Span(1, 1, 1, 1), None)),
    ]


def test_a_remote_base_is_reported_and_never_fetched(tmp_path):
    write_tree(tmp_path, {
        "base/kustomization.yaml": "resources:\n  - https://github.com/example/app//deploy?ref=v1\n",
        "overlay/kustomization.yaml": "resources:\n  - ../base\n",
    })
    render = render_overlay(str(tmp_path / "overlay"))
    assert [(p.message, p.location) for p in render.problems] == [(
        "remote base 'https://github.com/example/app//deploy?ref=v1' is not fetched (kspm-lint renders "
        f"offline): {tmp_path}/overlay is not rendered; vendor the base into the repository to lint it",
        Location(str(tmp_path / "base/kustomization.yaml"), Span(2, 5, 2, 50), None),
    )]
    assert render.command == ()  # the engine never ran


def test_every_render_has_a_timeout(tmp_path):
    write_tree(tmp_path, {"k/kustomization.yaml": "resources: [settings.yaml]\n", "k/settings.yaml": CONFIG_MAP})
    [problem] = render_overlay(str(tmp_path / "k"), RenderOptions(timeout=0.001)).problems
    assert problem.message == f"kustomize could not render {tmp_path}/k: the render did not finish within 0.001 s " \
        "(the engine's error names no line)"


def test_a_broken_kustomization_file_is_a_problem_at_its_syntax_error(tmp_path):
    write_tree(tmp_path, {"k/kustomization.yaml": "resources:\n  - a.yaml\n bad: [\n"})
    [problem] = render_overlay(str(tmp_path / "k"), RenderOptions(layout=find_roots([str(tmp_path)]))).problems
    assert problem.location.file == str(tmp_path / "k/kustomization.yaml")
    assert problem.location.span.line == 3
    assert problem.message.startswith("cannot read the kustomization: YAML syntax error")


def test_exec_plugins_are_never_enabled(tmp_path):
    marker = tmp_path / "plugin-ran"
    write_tree(tmp_path, {
        "k/kustomization.yaml": "resources: [settings.yaml]\ngenerators:\n  - gen.yaml\n",
        "k/settings.yaml": CONFIG_MAP,
        "k/gen.yaml": (
            "apiVersion: example.com/v1\nkind: Runner\nmetadata:\n  name: run\n  annotations:\n"
            f"    config.kubernetes.io/function: |\n      exec:\n        path: /usr/bin/touch {marker}\n"
        ),
    })
    [problem] = render_overlay(str(tmp_path / "k")).problems
    assert problem.message == (
        f"kustomize could not render {tmp_path}/k: loading generator plugins: failed to load generator: "
        "external plugins disabled; unable to load external plugin 'Runner'"
    )
    assert problem.location == Location(str(tmp_path / "k/kustomization.yaml"), Span(3, 5, 3, 13), None)
    assert not marker.exists()
