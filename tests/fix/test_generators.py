"""Which fixes exist, their safety class, and what they do to reference Pods."""

from __future__ import annotations

import itertools
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kspm_lint.engine.catalog import load_rules
from kspm_lint.fix.apply import apply_fixes
from kspm_lint.fix.edits import apply_edits, text_edits
from kspm_lint.fix.generators import GENERATORS, NAMED
from tests.conftest import shared_path
from tests.fix.conftest import lint_run


def test_fix_safety_matches_the_rule_files():
    """Every rule that claims a fix has one bound, with the safety its file declares."""
    rules = load_rules()
    declared = {rule_id: rule.fix_safety for rule_id, rule in rules.items()}
    promised = {rule_id for rule_id, safety in declared.items() if safety in ("safe", "unsafe")}
    assert set(GENERATORS) == promised, "a rule file promises a fix that does not exist, or the reverse"
    assert {rule_id: safety for rule_id, (_, safety) in GENERATORS.items()} == {
        rule_id: declared[rule_id] for rule_id in promised}
    for rule_id in promised:
        assert GENERATORS[rule_id][0] is rules[rule_id].fixer.generator


def test_every_named_generator_is_used_by_a_rule():
    """A generator no rule names is dead code (or a rule file forgot to name it)."""
    used = {rule.fix["generator"] for rule in load_rules().values() if rule.fix and "generator" in rule.fix}
    assert used == set(NAMED)


def test_no_generator_is_declared_safer_than_it_is():
    for rule in load_rules().values():
        name = (rule.fix or {}).get("generator")
        if name and NAMED[name].safety == "unsafe":
            assert rule.fix_safety == "unsafe", rule.id


@pytest.mark.parametrize("level", ["baseline", "restricted"])
def test_fixing_the_failing_reference_pods_makes_them_pass(level, tmp_path, monkeypatch):
    """The Pod Security Admission fixtures: every fixable finding is fixed, the rest stays."""
    source = shared_path("conformance", "pod-security-admission", "v1.37", level)
    shutil.copytree(source, tmp_path / level)
    monkeypatch.chdir(tmp_path)
    selected = sorted(r.id for r in load_rules().values() if r.pss_level in (("baseline",) if level == "baseline"
                                                                             else ("baseline", "restricted")))
    fixable = [rule for rule in selected if rule in GENERATORS]
    run = lint_run([level], fixable)
    before = {f.file for f in run.report.findings}
    outcome = apply_fixes(run, unsafe=True, write=True)
    assert all(path.startswith(f"{level}/fail/") for path in outcome.changed)
    assert set(outcome.changed) == before  # every failing file with a fixable finding got fixed
    reasons = {reason for _, reason in outcome.failed}
    assert all("rejects" in reason for reason in reasons), reasons
    after = lint_run([level], fixable)
    assert [(f.file, f.rule) for f in after.report.findings] == []
    assert apply_fixes(after, unsafe=True, write=False).changed == {}


LINE = st.text(st.sampled_from("ab: -#\t'\"é"), max_size=8)
TEXT = st.lists(st.tuples(LINE, st.sampled_from(["\n", "\r\n", ""])), max_size=8).map(
    lambda parts: "".join(line + end for line, end in parts))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(old=TEXT, new=TEXT)
def test_text_edits_turn_the_old_text_into_the_new(old, new):
    edits = text_edits(old, new)
    assert apply_edits(old, edits) == new
    assert all((e.line, e.column) <= (e.end_line, e.end_column) for e in edits)
    assert all((a.end_line, a.end_column) <= (b.line, b.column) for a, b in itertools.pairwise(edits))
