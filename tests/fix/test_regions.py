"""The region re-reads (``fix.regions``) change nothing but speed.

For every golden input, every file of ``examples/``, the real corpus when present, and
the manifests the property tests generate, fixes are worked out twice from separate
lint runs: with region re-reads (the default) and with whole-slice re-reads
(``FileText(regions=False)``). Each finding's fix alone, all fixes of a document
together, and the file as ``--fix`` would write it must come out as the same bytes, or
be refused in both with the same reason.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from kspm_lint.findings import Finding
from kspm_lint.fix import patcher, plan
from kspm_lint.fix.apply import FileFixes, FixOutcome
from kspm_lint.fix.generators import GENERATORS, NoFix
from kspm_lint.fix.splice import Unpatchable
from kspm_lint.fix.style import detect_style
from tests.fix.conftest import FIXABLE, cwd, lint_run
from tests.fix.test_properties import DEEP, layouts, manifests, render

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = ROOT / "examples"
CORPUS = ROOT.parent / "shared" / "corpus" / "real"
SAFE = [rule for rule in FIXABLE if GENERATORS[rule][1] == "safe"]


class Fixes(FileFixes):
    """``FileFixes`` whose text re-reads regions or, with ``regions=False``, whole slices."""

    def __init__(self, path: str, parsed: Any, regions: bool) -> None:
        self.regions = regions
        super().__init__(path, parsed)

    @property
    def original(self) -> patcher.FileText:
        if self._original is None:
            parsed = self.parsed
            self._original = patcher.FileText(parsed.text, [d.root for d in parsed.documents], detect_style(parsed),
                                              parsed.is_json, regions=self.regions)
        return self._original


def _refused(exc: Exception) -> tuple[str, str]:
    return ("refused", f"{type(exc).__name__}: {exc}")


def _where(finding: Finding) -> str:
    return f"{finding.file}:{finding.span.line}:{finding.span.column} {finding.rule}"


def fix_results(paths: list[str], rules: list[str], regions: bool) -> tuple[list[tuple], int]:
    """Everything the fix engine decides for the files, from a lint run of its own:
    (records to compare, how many times a region decided a plan or a read-back)."""
    run = lint_run(paths, rules)
    records: list[tuple] = []
    decided = 0
    for parsed in run.parsed:
        findings = [f for f in run.report.findings if f.file == parsed.path and f.rule in GENERATORS]
        if not findings or not os.path.isfile(parsed.path):
            continue
        file = Fixes(parsed.path, parsed, regions)
        assert (file.original.regions is not None) == regions
        if file.blocked:
            records.append((parsed.path, "blocked", file.blocked))
            continue
        candidates = []
        for finding in findings:
            try:
                ops = file.ops(finding)
            except NoFix as exc:
                records.append((_where(finding), *_refused(exc)))
                continue
            number = file.document(finding)
            candidates.append(plan.Candidate([finding], number, ops))
            try:  # the fix alone, as JSON, SARIF and rdjson report it
                new, _ = file.original.patch_document(number, file.parsed.documents[number].data,
                                                      patcher.order_ops(ops))
                records.append((_where(finding), "alone", new.encode("utf-8", "surrogatepass")))
                records.append((_where(finding), "edits", file.edits(number, ops)))
            except Unpatchable as exc:
                records.append((_where(finding), *_refused(exc)))
        records.extend(_together(file, candidates))
        if file.original.regions is not None:
            decided += file.original.regions.planned + file.original.regions.verified
    return records, decided


def _together(file: Fixes, candidates: list[plan.Candidate]) -> list[tuple]:
    """All fixes of the file together, as ``--fix`` combines, applies and checks them."""
    records: list[tuple] = []
    combined, accepted, refused = plan.combine(candidates)
    records.extend((file.path, "conflict", _where(c.findings[0]), reason) for c, reason in refused)
    by_document: dict[int, list] = {}
    for number, op in combined:
        by_document.setdefault(number, []).append(op)
    data, pieces = file.data(), {}
    outcome = FixOutcome()
    for number, ops in sorted(by_document.items()):
        try:
            new, _ = file.original.patch_document(number, data[number], patcher.order_ops(ops))
            records.append((file.path, number, "together", new.encode("utf-8", "surrogatepass")))
        except Unpatchable as exc:
            records.append((file.path, number, *_refused(exc)))
        mine = [c for c in accepted if c.document == number]
        pieces[number], data[number], fixed = file.fix_document(number, ops, mine, outcome)
        records.append((file.path, number, "fixed", [_where(f) for f in fixed]))
    records.append((file.path, "failed", outcome.failed))
    new_text = file.original.assemble(pieces)
    try:
        patcher.check_file(file.path, file.parsed.problems, new_text, data)
        records.append((file.path, "written", new_text.encode("utf-8", "surrogatepass")))
    except Unpatchable as exc:
        records.append((file.path, *_refused(exc)))
    return records


def assert_same_both_ways(paths: list[str], rules: list[str]) -> int:
    with_regions, decided = fix_results(paths, rules, regions=True)
    whole, none = fix_results(paths, rules, regions=False)
    assert none == 0
    assert len(with_regions) == len(whole)
    for region_record, whole_record in zip(with_regions, whole, strict=True):
        assert region_record == whole_record
    return decided


GOLDEN_INPUTS = sorted(str(next((GOLDEN / case).glob("input.*"))) for case in os.listdir(GOLDEN)
                       if (GOLDEN / case).is_dir())


# The floors (about half of what the region path decides today) make sure these tests
# compare something: if regions stopped deciding, both paths would trivially agree.
@pytest.mark.parametrize(("rules", "floor"), [(FIXABLE, 300), (SAFE, 100)], ids=["all", "safe"])
def test_golden_inputs_fix_the_same_with_and_without_regions(rules, floor):
    assert assert_same_both_ways(GOLDEN_INPUTS, rules) > floor


@pytest.mark.parametrize(("rules", "floor"), [(FIXABLE, 70), (SAFE, 20)], ids=["all", "safe"])
def test_examples_fix_the_same_with_and_without_regions(rules, floor):
    with cwd(ROOT):
        assert assert_same_both_ways(["examples"], rules) > floor


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/real is not there")
def test_real_corpus_fixes_the_same_with_and_without_regions():
    with cwd(CORPUS.parent):
        decided = assert_same_both_ways(["real"], FIXABLE)
    assert decided > 1500


@settings(max_examples=DEEP or 40, deadline=None, derandomize=not DEEP,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(manifest=manifests(), layout=layouts())
def test_generated_manifests_fix_the_same_with_and_without_regions(manifest, layout, tmp_path_factory):
    directory: Path = tmp_path_factory.mktemp("regions")
    name, text = render(manifest, layout)
    (directory / name).write_bytes(text.encode())
    with cwd(directory):
        assert_same_both_ways([name], FIXABLE)


def test_a_region_decides_only_what_a_whole_slice_read_would(tmp_path):
    """One case by hand: a second op on a container is planned and read back in the
    container's region, and the bytes are those of the whole-slice path."""
    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: a:1\n"
            "  - name: b\n    image: b:1\n")
    (tmp_path / "p.yaml").write_text(text)
    with cwd(tmp_path):
        run = lint_run(["p.yaml"], ["privilege-escalation", "seccomp-profile-missing"])
        parsed = run.parsed[0]
        ops = [op for f in run.report.findings for op in FileFixes("p.yaml", parsed).ops(f)]
        results = []
        for regions in (True, False):
            file = patcher.FileText(text, [d.root for d in parsed.documents], detect_style(parsed), False, regions)
            results.append(file.patch_document(0, parsed.documents[0].data, patcher.order_ops(ops))[0])
            if regions:
                assert file.regions is not None and file.regions.planned >= 1 and file.regions.verified == 1
    assert results[0].encode() == results[1].encode() == (
        b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    seccompProfile:\n"
        b"      type: RuntimeDefault\n  containers:\n  - name: a\n    image: a:1\n    securityContext:\n"
        b"      allowPrivilegeEscalation: false\n  - name: b\n    image: b:1\n    securityContext:\n"
        b"      allowPrivilegeEscalation: false\n")
