"""Attribution through the kinds of patch real overlays use, rendered by the real engine."""

from __future__ import annotations

from kspm_lint.kustomize import render_overlay
from kspm_lint.location import Span
from kspm_lint.origin import FixTarget
from tests.kustomize.conftest import needs_engine, write_tree

pytestmark = needs_engine

POD = ("spec", "template", "spec")


def deployment(name: str, containers: str = "      containers:\n        - name: main\n          image: busybox\n"):
    return (
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        f"  name: {name}\n"
        "  labels:\n"
        f"    tier: {'web' if name == 'app' else 'batch'}\n"
        "spec:\n"
        "  template:\n"
        "    spec:\n"
        f"{containers}"
    )


def objects(render):
    assert render.problems == []
    return {resource.name: origin for resource, origin in render.objects}


def at(origin, path):
    location = origin.locate(path)
    return location.file, location.span


def test_inline_patches_point_into_the_kustomization_block_scalar(tmp_path):
    write_tree(tmp_path, {
        "k/deployment.yaml": deployment("app"),
        "k/kustomization.yaml": (
            "resources:\n"
            "  - deployment.yaml\n"
            "patches:\n"
            "  - target:\n"
            "      kind: Deployment\n"
            "    patch: |-\n"
            "      - op: add\n"
            "        path: /spec/template/spec/hostPID\n"
            "        value: true\n"
            "  - patch: |\n"
            "      apiVersion: apps/v1\n"
            "      kind: Deployment\n"
            "      metadata:\n"
            "        name: app\n"
            "      spec:\n"
            "        template:\n"
            "          spec:\n"
            "            containers:\n"
            "              - name: main\n"
            "                securityContext:\n"
            "                  runAsUser: 0\n"
        ),
    })
    origin = objects(render_overlay(str(tmp_path / "k")))["app"]
    kustomization = str(tmp_path / "k/kustomization.yaml")
    assert at(origin, (*POD, "hostPID")) == (kustomization, Span(9, 9, 9, 20))
    assert at(origin, (*POD, "containers", 0, "securityContext", "runAsUser")) == (kustomization, Span(21, 19, 21, 31))
    assert origin.fix_target((*POD, "hostPID")) is None  # never spliced into a block scalar
    assert at(origin, (*POD, "containers", 0, "image")) == (str(tmp_path / "k/deployment.yaml"), Span(12, 11, 12, 25))


def test_a_json_pointer_resolves_against_the_object_as_each_op_finds_it(tmp_path):
    """argo-cd's redis-ha: an op sets initContainers/0/securityContext, a later op inserts
    a new initContainers/0; the securityContext belongs to what is now item 1."""
    write_tree(tmp_path, {
        "k/deployment.yaml": deployment(
            "app", "      initContainers:\n        - name: config-init\n          image: redis\n"
            "      containers:\n        - name: main\n          image: busybox\n"),
        "k/ops.yaml": (
            "- op: add\n"
            "  path: /spec/template/spec/initContainers/0/securityContext\n"
            "  value:\n"
            "    runAsNonRoot: true\n"
            "- op: add\n"
            "  path: /spec/template/spec/initContainers/0\n"
            "  value:\n"
            "    name: secret-init\n"
            "    image: busybox\n"
        ),
        "k/kustomization.yaml": "resources: [deployment.yaml]\npatches:\n  - path: ops.yaml\n    target: {name: app}\n",
    })
    render = render_overlay(str(tmp_path / "k"))
    origin = objects(render)["app"]
    ops = str(tmp_path / "k/ops.yaml")
    [(resource, _)] = render.objects
    assert [c["name"] for c in resource.data["spec"]["template"]["spec"]["initContainers"]] == [
        "secret-init", "config-init"
    ]
    assert at(origin, (*POD, "initContainers", 1, "securityContext", "runAsNonRoot")) == (ops, Span(4, 5, 4, 23))
    assert origin.fix_target((*POD, "initContainers", 1, "securityContext", "runAsNonRoot")) == FixTarget(
        ops, 0, (0, "value", "runAsNonRoot")
    )
    assert at(origin, (*POD, "initContainers", 0, "image")) == (ops, Span(9, 5, 9, 19))
    base = str(tmp_path / "k/deployment.yaml")
    assert at(origin, (*POD, "initContainers", 1, "image")) == (base, Span(12, 11, 12, 23))


def test_patches_only_claim_the_objects_they_select(tmp_path):
    """kustomize's transformer annotations name every patch of a kustomization on every
    object; the attribution follows the selectors (label selector, name, kind)."""
    write_tree(tmp_path, {
        "k/app.yaml": deployment("app"),
        "k/worker.yaml": deployment("worker"),
        "k/ipc.yaml": "- op: add\n  path: /spec/template/spec/hostIPC\n  value: true\n",
        "k/privileged.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  template:\n    spec:\n"
            "      containers:\n        - name: main\n          securityContext:\n            privileged: true\n"
        ),
        "k/kustomization.yaml": (
            "resources: [app.yaml, worker.yaml]\n"
            "patches:\n"
            "  - path: ipc.yaml\n"
            "    target: {kind: Deployment, labelSelector: tier=web}\n"
            "  - path: privileged.yaml\n"
        ),
    })
    found = objects(render_overlay(str(tmp_path / "k")))
    app, worker = found["app"], found["worker"]
    assert at(app, (*POD, "hostIPC")) == (str(tmp_path / "k/ipc.yaml"), Span(3, 3, 3, 14))
    assert at(worker, (*POD, "hostIPC")) == (str(tmp_path / "k/worker.yaml"), Span(9, 5, 9, 9))
    privileged = (*POD, "containers", 0, "securityContext", "privileged")
    assert at(worker, privileged) == (str(tmp_path / "k/privileged.yaml"), Span(11, 13, 11, 29))
    assert at(app, privileged) == (str(tmp_path / "k/app.yaml"), Span(11, 11, 13, 1))  # its container


def test_patches_at_every_level_and_in_components_match_through_name_prefixes(tmp_path):
    write_tree(tmp_path, {
        "base/kustomization.yaml": "resources: [app.yaml]\n",
        "base/app.yaml": deployment("app"),
        "mid/kustomization.yaml": "namePrefix: mid-\nresources: [../base]\npatches:\n  - path: user.yaml\n",
        "mid/user.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n"
            "      securityContext:\n        runAsUser: 1000\n"
        ),
        "top/kustomization.yaml": (
            "namePrefix: top-\nnamespace: team\nresources: [../mid]\ncomponents: [../hardening]\n"
            "patches:\n  - path: group.yaml\n"
        ),
        "top/group.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mid-app\nspec:\n  template:\n    spec:\n"
            "      securityContext:\n        runAsGroup: 1000\n"
        ),
        "hardening/kustomization.yaml": (
            "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
            "patchesStrategicMerge:\n  - read-only.yaml\n"
        ),
        "hardening/read-only.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mid-app\nspec:\n  template:\n    spec:\n"
            "      containers:\n        - name: main\n          securityContext:\n"
            "            readOnlyRootFilesystem: true\n"
        ),
    })
    render = render_overlay(str(tmp_path / "top"))
    origin = objects(render)["top-mid-app"]
    assert at(origin, (*POD, "securityContext", "runAsUser")) == (str(tmp_path / "mid/user.yaml"), Span(9, 9, 9, 24))
    assert at(origin, (*POD, "securityContext", "runAsGroup")) == (str(tmp_path / "top/group.yaml"), Span(9, 9, 9, 25))
    read_only = (*POD, "containers", 0, "securityContext", "readOnlyRootFilesystem")
    assert at(origin, read_only) == (str(tmp_path / "hardening/read-only.yaml"), Span(11, 13, 11, 41))
    assert at(origin, ("metadata", "namespace")) == (str(tmp_path / "top/kustomization.yaml"), Span(2, 1, 2, 16))
    assert origin.base_location.file == str(tmp_path / "base/app.yaml")


def test_legacy_json6902_field_with_a_json_ops_file_and_a_null_that_deletes(tmp_path):
    write_tree(tmp_path, {
        "k/app.yaml": deployment(
            "app", "      hostNetwork: true\n      containers:\n        - name: main\n          image: busybox\n"
            "          securityContext:\n            runAsUser: 0\n"),
        "k/ops.json": '[\n  {"op": "add", "path": "/spec/template/spec/dnsPolicy", "value": "Default"}\n]\n',
        "k/drop.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n"
            "      hostNetwork: null\n      containers:\n        - name: main\n          securityContext:\n"
            "            runAsUser: null\n"
        ),
        "k/kustomization.yaml": (
            "resources: [app.yaml]\npatchesStrategicMerge: [drop.yaml]\n"
            "patchesJson6902:\n  - target: {group: apps, version: v1, kind: Deployment, name: app}\n"
            "    path: ops.json\n"
        ),
    })
    render = render_overlay(str(tmp_path / "k"))
    origin = objects(render)["app"]
    [(resource, _)] = render.objects
    assert "hostNetwork" not in resource.data["spec"]["template"]["spec"]
    assert at(origin, (*POD, "dnsPolicy")) == (str(tmp_path / "k/ops.json"), Span(2, 58, 2, 76))
    assert origin.fix_target((*POD, "dnsPolicy")) == FixTarget(str(tmp_path / "k/ops.json"), 0, (0, "value"))
    # Deleted by the patch, so missing: it belongs to the base pod spec / container again.
    assert at(origin, (*POD, "hostNetwork")) == (str(tmp_path / "k/app.yaml"), Span(9, 5, 9, 9))
    run_as_user = (*POD, "containers", 0, "securityContext", "runAsUser")
    assert at(origin, run_as_user) == (str(tmp_path / "k/app.yaml"), Span(14, 11, 14, 26))
