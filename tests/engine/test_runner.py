"""The runner keeps going when one check fails on one odd object."""

from __future__ import annotations

from kspm_lint.checks import REGISTRY, load_builtin_checks
from tests.conftest import lint

POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: 'a:1'}\n"


def test_a_crashing_check_becomes_a_finding_and_others_still_run(tmp_path, monkeypatch):
    load_builtin_checks()

    def broken(ctx):
        raise TypeError("argument of type 'int' is not iterable")

    monkeypatch.setitem(REGISTRY, "privileged_container", broken)
    path = tmp_path / "pod.yaml"
    path.write_text(POD)
    findings = lint([path], select=["privileged-container", "privilege-escalation"]).findings
    rules = sorted((f.rule, f.span.line) for f in findings)
    assert rules == [("check-error", 1), ("privilege-escalation", 6)]
    error = next(f for f in findings if f.rule == "check-error")
    assert "privileged-container" in error.message and "TypeError" in error.message
