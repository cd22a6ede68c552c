"""Declarative operators, case by case: the exact findings (line and column) for
matching and non-matching values, a missing field and a value of the wrong type."""

from __future__ import annotations

import json

import pytest

from tests.conftest import lint

# One Pod whose containers hold imagePullPolicy as a matching string, another string,
# an integer (wrong type) and nothing at all. Line numbers are on the right.
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: a
      image: "a:1"
      imagePullPolicy: Always
    - name: b
      image: "b:1"
      imagePullPolicy: IfNotPresent
    - name: c
      image: "c:1"
      imagePullPolicy: 1
      stdin: "true"
    - name: d
      image: "d:1"
      stdin: true
"""
# A finding points at the field's key: imagePullPolicy (lines 9, 12 and 15) and stdin
# (16: the string "true", 19: the boolean) are at column 7. A missing container field
# points at the container item: lines 7, 10, 13 and 17, column 7 (after "- ").
A, B, C, D = (7, 7), (10, 7), (13, 7), (17, 7)


def _lint(tmp_path, scope: str, when: list[dict], message: str = "{container} {value}") -> list[tuple]:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    rule = {"id": "probe", "title": "Probe rule", "severity": "low", "category": "workload-hardening",
            "description": "Test rule.", "remediation": "None.",
            "check": {"scope": scope, "when": when, "message": message}}
    (folder / "probe.yaml").write_text(json.dumps(rule))
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(POD)
    findings = lint([manifest], select=["probe"], rules_dirs=[str(folder)]).findings
    assert not [f for f in findings if f.rule != "probe"]
    return [(f.span.line, f.span.column, f.container, f.message) for f in findings]


POLICY = "imagePullPolicy"


@pytest.mark.parametrize(("op", "value", "expected"), [
    ("in", ["Always", "Never"], [(9, 7, "a", "a Always")]),
    ("in", ["Never"], []),
    ("in", [1], [(15, 7, "c", "c 1")]),  # an integer only equals an integer
    ("in", ["1"], []),  # ... never the string "1"
    ("not-in", ["Always"], [(12, 7, "b", "b IfNotPresent"), (15, 7, "c", "c 1")]),  # d has none: no finding
    ("not-in", ["Always", "IfNotPresent", 1], []),
    ("matches", "^Alw", [(9, 7, "a", "a Always")]),
    ("matches", "Present$", [(12, 7, "b", "b IfNotPresent")]),
    ("matches", "1", []),  # the integer 1 is not text: it never matches
    ("not-matches", "^Alw", [(12, 7, "b", "b IfNotPresent")]),  # neither the integer nor the missing one
    ("not-matches", "^(Always|IfNotPresent)$", []),
])
def test_value_operators(tmp_path, op, value, expected):
    assert _lint(tmp_path, "container", [{"path": POLICY, "op": op, "value": value}]) == expected


def test_exists_and_absent_on_a_present_and_a_missing_field(tmp_path):
    assert _lint(tmp_path, "container", [{"path": POLICY, "op": "exists"}]) == [
        (9, 7, "a", "a Always"), (12, 7, "b", "b IfNotPresent"), (15, 7, "c", "c 1")]
    # A missing container field points at the container item, and {value} is empty.
    assert _lint(tmp_path, "container", [{"path": POLICY, "op": "absent"}]) == [(*D, "d", "d ")]


def test_equals_keeps_booleans_and_strings_apart(tmp_path):
    assert _lint(tmp_path, "container", [{"path": "stdin", "op": "equals", "value": True}]) == [
        (19, 7, "d", "d True")]
    assert _lint(tmp_path, "container", [{"path": "stdin", "op": "equals", "value": "true"}]) == [
        (16, 7, "c", "c true")]
    assert _lint(tmp_path, "container", [{"path": "stdin", "op": "equals", "value": 1}]) == []


def test_not_equals_reports_other_values_and_missing_fields(tmp_path):
    # c's "true" is a string, not the boolean: reported; a and b have no stdin: reported at the item.
    assert _lint(tmp_path, "container", [{"path": "stdin", "op": "not-equals", "value": True}]) == [
        (*A, "a", "a "), (*B, "b", "b "), (16, 7, "c", "c true")]


def test_every_condition_must_hold_and_the_first_one_points(tmp_path):
    when = [{"path": POLICY, "op": "exists"}, {"path": "stdin", "op": "exists"}]
    assert _lint(tmp_path, "container", when) == [(15, 7, "c", "c 1")]
    when = [{"path": "stdin", "op": "absent"}, {"path": POLICY, "op": "in", "value": ["IfNotPresent"]}]
    assert _lint(tmp_path, "container", when) == [(*B, "b", "b ")]


def test_pod_and_resource_scopes_point_at_the_nearest_written_ancestor(tmp_path):
    # spec.hostNetwork is missing: the finding points at its nearest written ancestor, spec.
    assert _lint(tmp_path, "pod", [{"path": "hostNetwork", "op": "absent"}], "{kind} {name}") == [
        (5, 1, None, "Pod p")]
    assert _lint(tmp_path, "resource", [{"path": "metadata.name", "op": "equals", "value": "p"}],
                 "{path}={value}") == [(4, 3, None, "metadata.name=p")]
    assert _lint(tmp_path, "resource", [{"path": "metadata.name", "op": "not-matches", "value": "^p$"}]) == []
