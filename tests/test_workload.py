"""The pod-spec view: every kind that carries a pod, all container lists, precedence."""

from __future__ import annotations

import pytest

from kspm_lint.parsing.loader import parse_text
from kspm_lint.resources import resources_of
from kspm_lint.workload import pod_spec_of

POD_SPEC = """\
      securityContext:
        runAsUser: 1000
        seccompProfile: {type: RuntimeDefault}
      initContainers:
        - name: init
          image: busybox:1
      containers:
        - name: app
          image: app:1
          securityContext:
            runAsUser: 2000
      ephemeralContainers:
        - name: debug
          image: busybox:1
"""


def indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def resource(text: str):
    resources, _ = resources_of(parse_text(text, "x.yaml"))
    return resources[0]


@pytest.mark.parametrize(
    ("kind", "api", "prefix", "spec_path"),
    [
        ("Deployment", "apps/v1", "spec:\n  template:\n    spec:\n", ("spec", "template", "spec")),
        ("StatefulSet", "apps/v1", "spec:\n  template:\n    spec:\n", ("spec", "template", "spec")),
        ("DaemonSet", "apps/v1", "spec:\n  template:\n    spec:\n", ("spec", "template", "spec")),
        ("ReplicaSet", "apps/v1", "spec:\n  template:\n    spec:\n", ("spec", "template", "spec")),
        ("ReplicationController", "v1", "spec:\n  template:\n    spec:\n", ("spec", "template", "spec")),
        ("Job", "batch/v1", "spec:\n  template:\n    spec:\n", ("spec", "template", "spec")),
        ("Rollout", "argoproj.io/v1alpha1", "spec:\n  template:\n    spec:\n", ("spec", "template", "spec")),
        ("PodTemplate", "v1", "template:\n  spec:\n", ("template", "spec")),
        ("CronJob", "batch/v1", "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n",
         ("spec", "jobTemplate", "spec", "template", "spec")),
        ("Pod", "v1", "spec:\n", ("spec",)),
    ],
)
def test_every_pod_carrying_kind(kind, api, prefix, spec_path):
    depth = prefix.count("\n") * 2
    text = f"apiVersion: {api}\nkind: {kind}\nmetadata: {{name: x}}\n{prefix}" + indent(POD_SPEC, depth - 6)
    pod = pod_spec_of(resource(text))
    assert pod is not None and pod.path == spec_path
    assert [(c.list_name, c.name) for c in pod.containers()] == [
        ("initContainers", "init"), ("containers", "app"), ("ephemeralContainers", "debug")]
    init, app, debug = pod.containers()
    assert pod.effective(app, "runAsUser") == (2000, (*spec_path, "containers", 0, "securityContext", "runAsUser"))
    assert pod.effective(init, "runAsUser") == (1000, (*spec_path, "securityContext", "runAsUser"))
    assert pod.effective(debug, "runAsNonRoot") == (None, None)


def test_kinds_without_pods_and_lookalikes():
    assert pod_spec_of(resource("apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {}\n")) is None
    crd = "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: t}\nspec:\n  template:\n    spec: {replicas: 1}\n"
    assert pod_spec_of(resource(crd)) is None


def test_windows_and_user_namespace_flags():
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  os: {name: windows}\n  hostUsers: false\n"
            "  containers: []\n")
    pod = pod_spec_of(resource(text))
    assert pod.is_windows and pod.host_users_disabled
