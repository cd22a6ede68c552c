"""The run-wide inventory and the two-phase runner: phase 2 sees every object of the
run, whichever worker process loaded it, and its findings point into other files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kspm_lint.api import Settings, prepare, run_linter
from kspm_lint.config import Config
from kspm_lint.discovery import discover
from kspm_lint.engine.context import Violation
from kspm_lint.engine.runner import CrossViolation, Linter, is_run_wide, run_wide
from kspm_lint.inventory import Inventory
from kspm_lint.location import Span
from kspm_lint.origin import Location
from kspm_lint.parallel import use_workers
from kspm_lint.parsing.loader import parse_file
from kspm_lint.resources import resources_of

ACCOUNT = """\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa-{n}
  namespace: team
"""
POD = """\
# pod {n}
apiVersion: v1
kind: Pod
metadata:
  name: pod-{n}
  namespace: team
spec:
  serviceAccountName: sa-{n}
  containers:
    - name: app
      image: registry.example/app:1.0
"""


@run_wide
def _pods_and_their_accounts(inventory: Inventory, params: dict) -> list[CrossViolation]:
    """A relation check: every Pod names the ServiceAccount it runs as (found in another file)."""
    accounts = {(o.ref.namespace, o.ref.name): o for o in inventory.of_kind("ServiceAccount")}
    found = []
    for pod in inventory.of_kind("Pod"):
        name = pod.data["spec"]["serviceAccountName"]
        account = accounts.get((pod.ref.namespace, name))
        if account is None:
            continue
        found.append(CrossViolation(
            pod, Violation(("spec", "serviceAccountName"), f"runs as {name}; the run has {len(inventory)} objects"),
            ((account, ("metadata", "name"), "the service account"),)))
    return found


def _tree(root: Path, pairs: int) -> None:
    for n in range(pairs):
        (root / f"pod-{n:03}.yaml").write_text(POD.format(n=n))
        (root / f"sa-{n:03}.yaml").write_text(ACCOUNT.format(n=n))


def _linter(with_check: bool) -> Linter:
    linter, rules, all_rules = prepare(Settings(), Config())
    if not with_check:
        return linter
    base = all_rules["default-service-account"]
    relation = replace(base, id="pod-account-link", evaluate=_pods_and_their_accounts)
    return Linter([*rules, relation], [*all_rules, relation.id], linter.options)


def _run(paths: list[str], parallel: bool, with_check: bool = True):
    return run_linter(_linter(with_check), paths, Settings(), keep_parsed=not parallel, inventory=True)


def test_inventory_in_workers_equals_a_single_process_object_for_object(tmp_path, monkeypatch):
    _tree(tmp_path, 60)
    monkeypatch.chdir(tmp_path)
    if not use_workers(list(discover(["."]))):
        pytest.skip("one core here: the run does not use worker processes")
    parallel, single = _run(["."], parallel=True), _run(["."], parallel=False)
    assert parallel.inventory is not None and single.inventory is not None
    assert len(parallel.inventory) == len(single.inventory) == 120
    assert parallel.inventory.objects == single.inventory.objects
    # Each object's index says what the parser says, for every path written.
    for obj in single.inventory.objects[:6]:
        parsed = parse_file(obj.address.unit)
        resource = next(r for r in resources_of(parsed)[0] if r.document.index == obj.address.document)
        for path, where in obj.index.items():
            assert where == Location(obj.address.unit, resource.locate(path))


def test_phase_two_sees_every_worker_and_points_into_other_files(tmp_path, monkeypatch):
    _tree(tmp_path, 60)
    monkeypatch.chdir(tmp_path)
    runs = [_run(["."], parallel=True), _run(["."], parallel=False)]
    for run in runs:
        links = [f for f in run.report.findings if f.rule == "pod-account-link"]
        assert len(links) == 60
        assert {f.message.rsplit(" ", 2)[-2] for f in links} == {"120"}  # every object, from every worker
        first = links[0]
        assert (first.file, first.span) == ("pod-000.yaml", Span(8, 3, 8, 27))
        assert first.resource is not None and str(first.resource) == "Pod/team/pod-0"
        assert first.path == ("spec", "serviceAccountName")
        assert first.related == (Location("sa-000.yaml", Span(4, 3, 4, 13), "the service account"),)
    assert [(f.file, f.span, f.message, f.related) for f in runs[0].report.findings] == \
        [(f.file, f.span, f.message, f.related) for f in runs[1].report.findings]


def test_suppression_comments_apply_to_phase_two_findings(tmp_path, monkeypatch):
    _tree(tmp_path, 2)
    text = POD.format(n=0).replace("  serviceAccountName: sa-0\n",
                                   "  serviceAccountName: sa-0  # kspm-lint: disable=pod-account-link shared SA\n")
    (tmp_path / "pod-000.yaml").write_text(text)
    monkeypatch.chdir(tmp_path)
    run = _run(["."], parallel=False)
    links = {f.file: f for f in run.report.findings if f.rule == "pod-account-link"}
    assert links["pod-000.yaml"].suppressed and links["pod-000.yaml"].suppression_reason == "shared SA"
    assert not links["pod-001.yaml"].suppressed
    assert not [f for f in run.report.findings if f.rule == "unused-suppression"]


def test_no_inventory_is_collected_when_no_check_needs_it(tmp_path, monkeypatch):
    _tree(tmp_path, 1)
    monkeypatch.chdir(tmp_path)
    default = _linter(with_check=False)
    per_object = Linter([r for r in default.rules if not is_run_wide(r)], default.known, default.options)
    run = run_linter(per_object, ["."], Settings(rank=False))
    assert run.inventory is None and run.report.resources == 2


def _git_repo(root: Path) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(root)], check=True, timeout=30)


def test_a_partial_run_loads_the_repository_as_context_and_reports_only_the_given_files(tmp_path, monkeypatch):
    _git_repo(tmp_path)
    _tree(tmp_path, 3)
    monkeypatch.chdir(tmp_path)
    run = _run(["pod-001.yaml"], parallel=False)
    links = [f for f in run.report.findings if f.rule == "pod-account-link"]
    assert [(f.file, f.span.line, f.related[0].file) for f in links] == [("pod-001.yaml", 8, "sa-001.yaml")]
    assert {f.file for f in run.report.findings} == {"pod-001.yaml"}
    assert run.report.files == 1 and run.report.resources == 1
    # The context holds the files that can complete a relation (the accounts), not other pods.
    assert run.inventory is not None and run.inventory.complete and len(run.inventory) == 4
    # The account's file alone: the relation is judged, but reported on the pod's file only.
    assert not [f for f in _run(["sa-001.yaml"], parallel=False).report.findings if f.rule == "pod-account-link"]


def test_an_explicit_context_directory(tmp_path, monkeypatch):
    (tmp_path / "app").mkdir()
    (tmp_path / "platform").mkdir()
    (tmp_path / "app" / "pod.yaml").write_text(POD.format(n=7))
    (tmp_path / "platform" / "sa.yaml").write_text(ACCOUNT.format(n=7))
    monkeypatch.chdir(tmp_path)
    alone = _run(["app/pod.yaml"], parallel=False)
    assert alone.inventory is not None and not alone.inventory.complete  # no repository: unknown
    assert not [f for f in alone.report.findings if f.rule == "pod-account-link"]
    settings = Settings(context="platform")
    run = run_linter(_linter(True), ["app/pod.yaml"], settings, inventory=True)
    links = [f for f in run.report.findings if f.rule == "pod-account-link"]
    assert [(f.file, f.related[0].file, f.related[0].span.line) for f in links] == \
        [("app/pod.yaml", "platform/sa.yaml", 4)]
