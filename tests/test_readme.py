"""The README's generated parts stay in step with the code."""

from __future__ import annotations

from kspm_lint.report.rule_table import current_block, render_block
from tests.conftest import ROOT


def test_rule_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert current_block(readme) == render_block(), (
        "README rule table is stale: run `python -m kspm_lint.report.rule_table README.md`"
    )


def test_readme_names_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "pip install -e '.[dev]' && kspm-lint examples/" in readme
    assert "python -m pytest" in readme
