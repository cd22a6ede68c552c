"""Every rule has a failing and a passing manifest; the failing one marks each expected
finding line with a trailing ``# expect: RULE`` comment (repeat the rule id, comma
separated, for several findings on one line). Lines must match exactly. A rule that is
silent until configured keeps a ``config.yaml`` (a kspm-lint config) beside its cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kspm_lint.config import Config, load_config
from kspm_lint.engine.catalog import load_rules
from tests.conftest import lint

CASES = Path(__file__).parent / "cases"
MARKER = re.compile(r"#\s*expect:\s*([a-z0-9,\s-]+)$")
ALL_RULES = load_rules()
CHECKED_RULES = sorted(r.id for r in ALL_RULES.values() if r.check_kind != "engine")


def expected_lines(path: Path, rule: str) -> list[int]:
    lines = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = MARKER.search(line)
        if match:
            lines += [number for part in match.group(1).split(",") if part.strip() == rule]
    return lines


def case_config(rule: str) -> Config | None:
    path = CASES / rule / "config.yaml"
    return load_config(str(path)) if path.is_file() else None


def test_every_rule_has_cases():
    missing = [rule for rule in CHECKED_RULES
               if not ((CASES / rule / "fail.yaml").is_file() and (CASES / rule / "pass.yaml").is_file())]
    assert missing == []


@pytest.mark.parametrize("rule", CHECKED_RULES)
def test_failing_manifest_reports_exact_lines(rule):
    path = CASES / rule / "fail.yaml"
    if not path.is_file():
        pytest.fail(f"no {path}")
    expected = expected_lines(path, rule)
    assert expected, f"{path} marks no '# expect: {rule}' line"
    findings = lint([path], select=[rule], config=case_config(rule)).findings
    assert sorted(f.span.line for f in findings if f.rule == rule) == sorted(expected), [
        (f.span.line, f.message) for f in findings
    ]
    assert not [f.message for f in findings if f.rule == "check-error"]
    for finding in findings:
        assert finding.resource is not None and finding.message and finding.path


@pytest.mark.parametrize("rule", CHECKED_RULES)
def test_passing_manifest_is_clean(rule):
    path = CASES / rule / "pass.yaml"
    if not path.is_file():
        pytest.fail(f"no {path}")
    findings = lint([path], select=[rule], config=case_config(rule)).findings
    assert [(f.rule, f.span.line, f.message) for f in findings] == []
