"""A run spread over worker processes gives exactly what a single process gives,
fixes included."""

from __future__ import annotations

import sys
from pathlib import Path

from kspm_lint.api import Settings, lint_paths
from kspm_lint.config import Config
from kspm_lint.fix.apply import attach_fixes
from kspm_lint.parallel import use_workers

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from generate_corpus import generate


def _shape(findings):
    return [(f.file, f.span, f.rule, f.message, f.suppressed, f.fix and (f.fix.applicable, f.fix.edits))
            for f in findings]


def test_workers_match_a_single_process(tmp_path, monkeypatch):
    files = generate(tmp_path / "corpus", 500)
    monkeypatch.chdir(tmp_path)
    from kspm_lint.discovery import discover

    targets = list(discover(["corpus"]))
    if not use_workers(targets):
        import pytest

        pytest.skip(f"one core or too few files here ({len(files)} files)")
    parallel = lint_paths(["corpus"], Settings(), Config(), keep_parsed=False, fixes=True)
    single = lint_paths(["corpus"], Settings(), Config(), keep_parsed=True)
    attach_fixes(single)
    assert parallel.report.resources == single.report.resources == 500
    assert _shape(parallel.report.findings) == _shape(single.report.findings)
    assert sum(1 for f in parallel.report.findings if f.fix is not None) > 1000
