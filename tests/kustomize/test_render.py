"""render_overlay on the examples with the real engine: exact file, line and column of
each field, whether it comes from the base, a strategic-merge patch, a JSON 6902 op, a
transformer, or is missing."""

from __future__ import annotations

import subprocess

import pytest

from kspm_lint.kustomize import render_overlay
from kspm_lint.kustomize.engine import engine_command
from kspm_lint.location import Span
from kspm_lint.origin import FixTarget, Location
from tests.kustomize.conftest import EXAMPLES, needs_engine

pytestmark = needs_engine

BASE = "examples/kustomize/base/deployment.yaml"
STAGING = "examples/kustomize/overlays/staging"
PROD = "examples/kustomize/overlays/prod"
POD = ("spec", "template", "spec")
WEB = (*POD, "containers", 0)


@pytest.fixture(scope="module")
def renders():
    return {name: render_overlay(str(EXAMPLES / "overlays" / name)) for name in ("staging", "prod")}


def deployment(render):
    [(resource, origin)] = [(r, o) for r, o in render.objects if r.kind == "Deployment"]
    return resource, origin


def test_renders_every_object_with_prefix_and_namespace_applied(renders):
    staging = renders["staging"]
    assert staging.problems == []
    assert [r.identity for r, _ in staging.objects] == [
        "ServiceAccount/shop-staging/staging-shop",
        "ConfigMap/shop-staging/staging-shop-settings-47668c6k28",
        "Service/shop-staging/staging-shop",
        "Deployment/shop-staging/staging-shop",
    ]
    assert staging.root_display == STAGING
    assert staging.source_files == [
        "examples/kustomize/base/deployment.yaml",
        "examples/kustomize/base/kustomization.yaml",
        "examples/kustomize/base/service.yaml",
        "examples/kustomize/base/serviceaccount.yaml",
        "examples/kustomize/overlays/staging/debug-patch.yaml",
        "examples/kustomize/overlays/staging/kustomization.yaml",
    ]


@pytest.mark.parametrize("name", ["staging", "prod"])
def test_rendered_text_is_exactly_the_plain_engine_output(renders, name):
    """The tracking annotations are stripped: what is linted is what the cluster gets."""
    plain = subprocess.run(
        [*engine_command(), str(EXAMPLES / "overlays" / name)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    assert renders[name].parsed.text == plain
    assert "config.kubernetes.io" not in renders[name].parsed.text


def test_a_field_from_the_base_points_at_its_base_line(renders):
    _, origin = deployment(renders["staging"])
    path = (*WEB, "securityContext", "allowPrivilegeEscalation")
    assert origin.locate(path) == Location(BASE, Span(33, 13, 33, 44), "Deployment shop in the base")
    assert origin.fix_target(path) == FixTarget(BASE, 0, path)
    assert origin.explain(path) == ()


def test_a_field_set_by_the_strategic_merge_patch_points_at_the_patch_line(renders):
    _, origin = deployment(renders["staging"])
    path = (*WEB, "securityContext", "privileged")
    patch = "examples/kustomize/overlays/staging/debug-patch.yaml"
    assert origin.locate(path) == Location(patch, Span(12, 13, 12, 29), "strategic-merge patch debug-patch.yaml")
    assert origin.fix_target(path) == FixTarget(patch, 0, ("spec", "template", "spec", "containers", 0,
                                                           "securityContext", "privileged"))
    # The container's own fields still come from the base: the patch only merged into it.
    assert origin.locate((*WEB, "image")).file == BASE
    assert origin.locate((*WEB, "securityContext")) == Location(
        BASE, Span(32, 11, 32, 26), "Deployment shop in the base"
    )


def test_fields_set_by_json6902_ops_point_at_the_op(renders):
    _, origin = deployment(renders["prod"])
    ops = "examples/kustomize/overlays/prod/node-agent-ops.yaml"
    assert origin.locate((*POD, "hostNetwork")) == Location(
        ops, Span(7, 3, 7, 14), "JSON 6902 patch node-agent-ops.yaml, op 2 (add /spec/template/spec/hostNetwork)"
    )
    assert origin.fix_target((*POD, "hostNetwork")) == FixTarget(ops, 0, (1, "value"))
    assert origin.locate(("spec", "replicas")) == Location(
        ops, Span(4, 3, 4, 11), "JSON 6902 patch node-agent-ops.yaml, op 1 (replace /spec/replicas)"
    )
    assert origin.explain(("spec", "replicas")) == (
        Location(BASE, Span(7, 3, 7, 14), "the base value this patch overrides"),
    )


def test_a_missing_setting_points_at_the_base_container_or_pod(renders):
    _, origin = deployment(renders["staging"])
    missing = (*WEB, "securityContext", "readOnlyRootFilesystem")
    assert origin.locate(missing) == Location(
        BASE, Span(32, 11, 32, 26),
        "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem is not set; "
        "it belongs here (Deployment shop in the base)",
    )
    assert origin.fix_target(missing) == FixTarget(BASE, 0, missing)
    # hostNetwork is set only in prod; in staging it is missing and belongs to the pod spec.
    assert origin.locate((*POD, "hostNetwork")).span == Span(15, 5, 15, 9)
    assert origin.fix_target((*POD, "hostNetwork")) == FixTarget(BASE, 0, (*POD, "hostNetwork"))
    # A missing container-level setting under a container the base does not set at all.
    resources = (*WEB, "resources", "limits", "cpu")
    assert origin.locate(resources).span == Span(40, 13, 40, 19)


def test_prefix_namespace_labels_and_images_point_at_what_wrote_them(renders):
    resource, origin = deployment(renders["prod"])
    assert resource.name == "prod-shop" and resource.namespace == "shop-prod"
    name = origin.attribute(("metadata", "name"))
    assert (name.location.file, name.location.span, name.verified) == (BASE, Span(5, 3, 5, 13), False)
    kustomization = "examples/kustomize/overlays/prod/kustomization.yaml"
    assert origin.locate(("metadata", "namespace")) == Location(
        kustomization, Span(3, 1, 3, 21), "namespace set by the kustomization"
    )
    assert origin.locate((*WEB, "image")) == Location(
        kustomization, Span(13, 5, 13, 18), "image set by the kustomization's images"
    )
    assert origin.explain((*WEB, "image")) == (Location(BASE, Span(25, 11, 25, 44), "Deployment shop in the base"),)
    assert origin.fix_target((*WEB, "image")) == FixTarget(kustomization, 0, ("images", 0, "newTag"))
    assert origin.locate(("metadata", "labels", "app.kubernetes.io/name")) == Location(
        "examples/kustomize/base/kustomization.yaml", Span(5, 7, 5, 35), "label added by labels"
    )


def test_the_generated_config_map_points_at_its_generator_entry(renders):
    [(resource, origin)] = [(r, o) for r, o in renders["prod"].objects if r.kind == "ConfigMap"]
    assert resource.name == "prod-shop-settings-hf678c7m2b"
    assert origin.locate(("data", "LOG_LEVEL")) == Location(
        "examples/kustomize/overlays/prod/kustomization.yaml", Span(8, 5, 11, 1), "generated here"
    )
    assert origin.fix_target(("data", "LOG_LEVEL")) is None


def test_a_shared_base_object_has_one_base_location_in_both_overlays(renders):
    staging, prod = deployment(renders["staging"])[1], deployment(renders["prod"])[1]
    assert staging.base_location == prod.base_location == Location(BASE, Span(2, 1, 42, 1), None)
    assert (staging.root, prod.root) == (str(EXAMPLES / "overlays/staging"), str(EXAMPLES / "overlays/prod"))


def test_rendered_locations_name_the_rendered_stream(renders):
    _, origin = deployment(renders["prod"])
    assert origin.rendered((*POD, "hostNetwork")) == Location(
        f"{PROD} (kustomize build)", Span(71, 7, 71, 24), "in the rendered output"
    )
