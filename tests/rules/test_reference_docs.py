"""docs/rules.md and docs/templates.md are generated from the registries and stay current."""

from __future__ import annotations

import pytest

from kspm_lint.report.reference import render_docs
from tests.conftest import ROOT

DOCS = render_docs()


@pytest.mark.parametrize("name", ["rules.md", "templates.md"])
def test_reference_docs_are_current(name):
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == DOCS[name], (
        f"docs/{name} is stale: run `python -m kspm_lint.report.rule_table --docs docs/`")


def test_docs_cover_every_rule_template_and_generator():
    from kspm_lint.checks import load_templates
    from kspm_lint.engine.catalog import load_rules
    from kspm_lint.fix.generators import NAMED

    rules_md, templates_md = DOCS["rules.md"], DOCS["templates.md"]
    assert {line[3:] for line in rules_md.splitlines() if line.startswith("## ")} == set(load_rules())
    headings = {line[4:] for line in templates_md.splitlines() if line.startswith("### ")}
    assert headings == set(load_templates()[0]) | {f"fix-generator-{name}" for name in NAMED}
    assert ("- Rules: [`container-runtime-socket`](rules.md#container-runtime-socket), "
            "[`sensitive-host-path`](rules.md#sensitive-host-path)") in templates_md
