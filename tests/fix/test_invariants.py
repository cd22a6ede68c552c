"""``fix.invariants``: refused combinations, found in the pod specs the checks see."""

from __future__ import annotations

import copy

import pytest

from kspm_lint.fix.apply import apply_fixes
from kspm_lint.fix.invariants import Conflicts, conflicts, pod_specs
from tests.fix.conftest import cwd, lint_run

BAD = {"name": "a", "securityContext": {"privileged": True, "allowPrivilegeEscalation": False}}
REFUSED = ("container 'a' would have allowPrivilegeEscalation: false with privileged: true, which the API "
           "server rejects (remove privileged first: --unsafe-fixes)")
REFUSED_WITH_UNSAFE = ("container 'a' would have allowPrivilegeEscalation: false with privileged: true, which "
                       "the API server rejects (remove privileged first: the privileged-container fix does "
                       "that, and it was not applied)")


def _pod(kind: str, spec: dict) -> dict:
    if kind == "Pod":
        return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}
    if kind == "CronJob":
        return {"apiVersion": "batch/v1", "kind": kind, "metadata": {"name": "c"},
                "spec": {"jobTemplate": {"spec": {"template": {"spec": spec}}}}}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": "d"}, "spec": {"template": {"spec": spec}}}


@pytest.mark.parametrize("kind", ["Pod", "Deployment", "CronJob", "Rollout"])
def test_pod_specs_are_the_ones_workload_finds(kind):
    spec = {"containers": [BAD]}
    data = _pod(kind, spec)
    assert list(pod_specs(data)) == [spec]
    assert next(pod_specs(data)) is spec
    assert conflicts(data) == {REFUSED}


def test_list_items_are_objects_of_their_own():
    first, second = {"containers": [BAD]}, {"initContainers": [BAD]}
    data = {"apiVersion": "v1", "kind": "List", "items": [_pod("Pod", first), "not an object",
                                                          _pod("Deployment", second)]}
    assert list(pod_specs(data)) == [first, second]


def test_containers_outside_a_pod_spec_are_not_a_pod():
    """The invariants walked every mapping with a containers list; the checks (and so the
    fixes) only ever look at the object's pod spec."""
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
              "data": {"containers": [BAD]}}
    not_kubernetes = {"spec": {"containers": [BAD]}}
    unknown_kind = {"apiVersion": "x/v1", "kind": "Thing", "spec": {"containers": [BAD]}}
    for data in (config, not_kubernetes, unknown_kind):
        assert list(pod_specs(data)) == [] and conflicts(data) == set()


def test_the_advice_names_the_flag_only_when_it_was_not_given():
    data = _pod("Pod", {"containers": [BAD]})
    assert conflicts(data) == conflicts(data, unsafe=False) == {REFUSED}
    assert conflicts(data, unsafe=True) == {REFUSED_WITH_UNSAFE}
    fine = _pod("Pod", {"containers": [{"name": "a"}]})
    patched = copy.deepcopy(fine)
    patched["spec"]["containers"][0] = BAD
    assert Conflicts(fine).of(patched) == {REFUSED}
    assert Conflicts(fine, unsafe=True).of(patched) == {REFUSED_WITH_UNSAFE}


def test_conflicts_of_an_unchanged_pod_spec_are_the_original_ones():
    original = _pod("Deployment", {"containers": [BAD], "securityContext": {"runAsNonRoot": True}})
    known = Conflicts(original)
    assert known.original == {REFUSED}
    patched = dict(original)  # shares the pod spec, as ops.detach leaves what no op touched
    assert known.of(patched) == {REFUSED}
    changed = copy.deepcopy(original)
    changed["spec"]["template"]["spec"]["securityContext"]["runAsUser"] = 0
    assert known.of(changed) == {REFUSED, "container 'a' would have runAsNonRoot: true with runAsUser: 0, "
                                          "which the kubelet refuses to start"}


PRIVILEGED = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n"
              "    image: a:1\n    securityContext:\n      privileged: true\n")


def test_with_unsafe_fixes_a_refusal_does_not_ask_for_unsafe_fixes(tmp_path):
    (tmp_path / "p.yaml").write_text(PRIVILEGED)
    with cwd(tmp_path):
        run = lint_run(["p.yaml"], ["privilege-escalation"])
        outcome = apply_fixes(run, unsafe=True, write=False)
    assert outcome.failed == [("p.yaml", f"privilege-escalation at line 7: {REFUSED_WITH_UNSAFE}")]


def test_without_unsafe_fixes_a_refusal_asks_for_them(tmp_path):
    (tmp_path / "p.yaml").write_text(PRIVILEGED)
    with cwd(tmp_path):
        run = lint_run(["p.yaml"], ["privilege-escalation"])
        outcome = apply_fixes(run, unsafe=False, write=False)
    assert outcome.failed == [("p.yaml", f"privilege-escalation at line 7: {REFUSED}")]
