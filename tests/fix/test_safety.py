"""The safety net and the refusals: never a half-written or wrongly patched file."""

from __future__ import annotations

from pathlib import Path

import pytest

from kspm_lint.fix import emit
from kspm_lint.fix.apply import apply_fixes, attach_fixes
from kspm_lint.fix.model import PatchOp
from kspm_lint.fix.plan import Candidate, combine
from tests.fix.conftest import lint_run

POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: a
    image: a:1
    securityContext:
      runAsUser: 1000
"""

PRIVILEGED = POD.replace("runAsUser: 1000", "privileged: true")


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Findings name files relative to the working directory, as the CLI shows them."""
    monkeypatch.chdir(tmp_path)


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text)
    return path


def test_a_patch_that_fails_the_data_check_leaves_the_file_byte_identical(tmp_path, monkeypatch):
    target = write(tmp_path, "p.yaml", POD)
    run = lint_run(["p.yaml"], ["privilege-escalation"], tmp_path)
    real = emit.scalar
    # A broken emitter: every inserted false becomes the string "false".
    monkeypatch.setattr(emit, "scalar", lambda v, *a, **k: '"false"' if v is False else real(v, *a, **k))
    outcome = apply_fixes(run, unsafe=False, write=True)
    assert target.read_bytes() == POD.encode()
    assert outcome.changed == {} and outcome.fixed == []
    assert outcome.failed == [("p.yaml", "privilege-escalation at line 7: the patched document does not read "
                               "back as the original data plus the fix; left unchanged")]


def test_one_refused_fix_does_not_cost_the_file_its_other_fixes(tmp_path, monkeypatch):
    write(tmp_path, "p.yaml", POD)
    run = lint_run(["p.yaml"], ["privilege-escalation", "seccomp-profile-missing"], tmp_path)
    real = emit.scalar
    monkeypatch.setattr(emit, "scalar", lambda v, *a, **k: '"false"' if v is False else real(v, *a, **k))
    outcome = apply_fixes(run, unsafe=False, write=True)
    assert [f.rule for f in outcome.fixed] == ["seccomp-profile-missing"]
    assert [reason.split(":")[0] for _, reason in outcome.failed] == ["privilege-escalation at line 7"]
    assert "type: RuntimeDefault" in (tmp_path / "p.yaml").read_text()


def test_write_false_writes_nothing_but_reports_the_change(tmp_path):
    target = write(tmp_path, "p.yaml", POD)
    run = lint_run(["p.yaml"], ["privilege-escalation"], tmp_path)
    outcome = apply_fixes(run, unsafe=False, write=False)
    assert target.read_text() == POD
    old, new = outcome.changed["p.yaml"]
    assert old == POD and "allowPrivilegeEscalation: false" in new
    assert outcome.diff().startswith("--- a/p.yaml\n+++ b/p.yaml\n")


def test_a_file_changed_since_the_lint_is_not_overwritten(tmp_path):
    target = write(tmp_path, "p.yaml", POD)
    run = lint_run(["p.yaml"], ["privilege-escalation"], tmp_path)
    target.write_text(POD + "# edited meanwhile\n")
    outcome = apply_fixes(run, unsafe=False, write=True)
    assert target.read_text() == POD + "# edited meanwhile\n"
    assert outcome.changed == {} and outcome.fixed == []
    assert outcome.failed == [("p.yaml", "the file changed since it was linted; run again")]


def test_a_file_with_a_syntax_error_is_not_touched(tmp_path):
    text = POD + "---\nkey: [unclosed\n"
    target = write(tmp_path, "p.yaml", text)
    run = lint_run(["p.yaml"], ["privilege-escalation"], tmp_path)
    outcome = apply_fixes(run, unsafe=False, write=True)
    assert target.read_text() == text
    assert outcome.failed == [("p.yaml", "the file has a YAML problem at line 13; fix it by hand first")]


def test_rendered_helm_findings_print_the_suggested_change_instead(tmp_path):
    target = write(tmp_path, "p.yaml", POD)
    run = lint_run(["p.yaml"], ["privilege-escalation"], tmp_path)
    from kspm_lint.location import Span
    from kspm_lint.origin import Location

    for finding in run.report.findings:
        finding.rendered = Location("charts/app/templates/pod.yaml", Span(7, 9, 7, 20))
    outcome = apply_fixes(run, unsafe=False, write=True)
    assert target.read_text() == POD
    assert outcome.failed == [("p.yaml", "privilege-escalation at line 7: comes from rendered Helm output "
                               "(charts/app/templates/pod.yaml); not writing into the chart; suggested change: "
                               "set spec.containers[0].securityContext.allowPrivilegeEscalation: false")]
    attach_fixes(run)
    fix = run.report.findings[0].fix
    assert fix.applicable is False and fix.edits == [] and "suggested change" in fix.reason


def test_unsafe_fixes_need_the_flag(tmp_path):
    target = write(tmp_path, "p.yaml", PRIVILEGED)
    run = lint_run(["p.yaml"], ["privileged-container"], tmp_path)
    assert apply_fixes(run, unsafe=False, write=True).changed == {}
    assert target.read_text() == PRIVILEGED
    apply_fixes(run, unsafe=True, write=True)
    assert "privileged" not in target.read_text()


def test_a_safe_fix_never_creates_a_combination_the_api_server_rejects(tmp_path):
    target = write(tmp_path, "p.yaml", PRIVILEGED)
    run = lint_run(["p.yaml"], ["privilege-escalation", "privileged-container"], tmp_path)
    outcome = apply_fixes(run, unsafe=False, write=True)
    assert target.read_text() == PRIVILEGED
    assert outcome.failed == [("p.yaml", "privilege-escalation at line 7: container 'a' would have "
                               "allowPrivilegeEscalation: false with privileged: true, which the API server "
                               "rejects (remove privileged first: --unsafe-fixes)")]
    outcome = apply_fixes(run, unsafe=True, write=True)
    assert outcome.failed == [] and len(outcome.fixed) == 2
    assert "allowPrivilegeEscalation: false" in target.read_text() and "privileged" not in target.read_text()


def test_merge_key_refusal_names_the_reason(tmp_path):
    text = POD.replace("  containers:\n  - name: a\n    image: a:1\n    securityContext:\n      runAsUser: 1000\n",
                       "  containers:\n  - &base\n    name: a\n    image: a:1\n  - <<: *base\n    name: b\n")
    write(tmp_path, "p.yaml", text)
    run = lint_run(["p.yaml"], ["privilege-escalation"], tmp_path)
    outcome = apply_fixes(run, unsafe=False, write=True)
    assert [f.container for f in outcome.fixed] == ["b"]
    assert len(outcome.failed) == 1 and "anchor or alias used in more than one place" in outcome.failed[0][1]


def test_conflicting_ops_refuse_the_later_finding():
    first = Candidate([], 0, [PatchOp("set", ("a", "b"), 1)])
    same = Candidate([], 0, [PatchOp("set", ("a", "b"), 1)])
    other = Candidate([], 0, [PatchOp("set", ("a", "b"), 2)])
    under_removal = Candidate([], 0, [PatchOp("remove", ("a",))])
    elsewhere = Candidate([], 1, [PatchOp("set", ("a", "b"), 2)])
    ops, accepted, refused = combine([first, same, other, under_removal, elsewhere])
    assert ops == [(0, PatchOp("set", ("a", "b"), 1)), (1, PatchOp("set", ("a", "b"), 2))]
    assert len(accepted) == 2
    assert [reason for _, reason in refused] == ["conflicts with another fix of a.b"] * 2


WRONG_TYPES = {
    "capabilities.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: t}\nspec:\n  containers:\n  - name: 5\n"
                         "    image: [x]\n    securityContext: {capabilities: {add: 5, drop: NET_RAW}}\n"
                         "    ports: [{hostPort: abc}]\n",
    "shapes.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: [1]}\nspec:\n  containers: {a: 1}\n  volumes: 7\n"
                   "  securityContext: []\n",
    "volumes.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: v}\nspec:\n  volumes: [{name: [tmp]}, 3]\n"
                    "  securityContext: {seccompProfile: 5, runAsUser: '0'}\n  containers:\n"
                    "  - {name: a, image: a, securityContext: null, volumeMounts: 4, ports: [7]}\n",
    "list.yaml": "apiVersion: v1\nkind: List\nitems:\n- 1\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n"
                 "  spec: {containers: [{name: a, image: a, securityContext: {privileged: true}}]}\n",
}


def test_wrong_types_never_crash_and_are_never_half_fixed(tmp_path):
    for name, text in WRONG_TYPES.items():
        write(tmp_path, name, text)
    run = lint_run(list(WRONG_TYPES), [], tmp_path)
    attach_fixes(run)
    reasons = [f.fix.reason for f in run.report.findings if f.fix is not None and f.fix.reason]
    assert not [r for r in reasons if "internal error" in r]
    outcome = apply_fixes(run, unsafe=True, write=True)
    assert not [r for _, r in outcome.failed if "internal error" in r]
    again = lint_run(list(WRONG_TYPES), [], tmp_path)
    assert not again.parsed[0].problems and all(not p.problems for p in again.parsed)
