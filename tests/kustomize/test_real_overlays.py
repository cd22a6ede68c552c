"""Public overlays from the real corpus (microservices-demo): the render equals a plain
render, every pod-spec field has an exact line, and component patches are attributed."""

from __future__ import annotations

import os
import subprocess

from kspm_lint.kustomize import render_overlay
from kspm_lint.kustomize.engine import engine_command
from kspm_lint.kustomize.measure import pod_spec_attribution
from kspm_lint.location import Span
from tests.conftest import shared_path
from tests.kustomize.conftest import needs_engine, write_tree

pytestmark = needs_engine


def test_microservices_demo_overlay_renders_like_the_engine_and_maps_every_field():
    root = shared_path("corpus", "real", "microservices-demo", "kustomize")
    render = render_overlay(str(root))
    plain = subprocess.run([*engine_command(), str(root)], capture_output=True, text=True, timeout=120, check=True)
    assert render.problems == []
    assert render.parsed.text == plain.stdout
    assert len(render.objects) == 35
    counts = pod_spec_attribution(render)
    assert counts["fallback"] == 0 and counts["base"] > 500


def test_component_inline_patches_point_into_the_component(tmp_path):
    demo = shared_path("corpus", "real", "microservices-demo", "kustomize")
    overlay = tmp_path / "overlay"
    relative = os.path.relpath(demo, overlay)
    write_tree(tmp_path, {"overlay/kustomization.yaml": (
        f"resources:\n  - {relative}/base\n"
        f"components:\n  - {relative}/components/cymbal-branding\n  - {relative}/components/memorystore\n"
    )})
    render = render_overlay(str(overlay))
    assert render.problems == []
    found = {resource.name: (resource, origin) for resource, origin in render.objects}
    assert "redis-cart" not in found  # deleted by the memorystore component's $patch: delete
    frontend, origin = found["frontend"]
    env = frontend.data["spec"]["template"]["spec"]["containers"][0]["env"]
    index = next(i for i, item in enumerate(env) if item["name"] == "CYMBAL_BRANDING")
    location = origin.locate(("spec", "template", "spec", "containers", 0, "env", index, "value"))
    branding = demo / "components/cymbal-branding/kustomization.yaml"
    assert os.path.realpath(location.file) == os.path.realpath(branding)  # ../shared may be a link
    assert branding.read_text().splitlines()[location.span.line - 1].strip() == 'value: "true"'
    assert location.span == Span(location.span.line, 15, location.span.line, 28)
    # A field the component did not touch stays on the base line.
    image = origin.locate(("spec", "template", "spec", "containers", 0, "image"))
    assert os.path.realpath(image.file) == os.path.realpath(demo / "base/frontend.yaml")
