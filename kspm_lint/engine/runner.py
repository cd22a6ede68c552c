"""Run the selected rules: per object as each unit is loaded (phase 1, in the worker
that loaded it), then over the whole run's inventory (phase 2, in the parent); then
suppressions, which need every finding of a unit, including phase 2's."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

from kspm_lint.engine import suppressions as sup
from kspm_lint.engine.catalog import Rule
from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.findings import Finding, Severity
from kspm_lint.identity import named_path
from kspm_lint.inventory import Inventory, InventoryObject, inventory_objects
from kspm_lint.location import Path
from kspm_lint.origin import Location
from kspm_lint.sources import LoadedUnit, SourceObject
from kspm_lint.workload import pod_spec_of


@dataclass
class LintOptions:
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    inline_suppressions: bool = True
    config_ignores: list[dict[str, Any]] = field(default_factory=list)
    config_file: str | None = None  # where config_ignores are written (for stale reports)
    config_line: Callable[[int], int] | None = None


@dataclass(frozen=True)
class CrossViolation:
    """A problem a run-wide check found on ``obj``; ``elsewhere`` are the other objects'
    fields involved (a binding, a role): ``(object, path, what it is)``."""

    obj: InventoryObject
    violation: Violation
    elsewhere: tuple[tuple[InventoryObject, Path, str], ...] = ()


MAX_RELATED = 10  # related locations a run-wide finding shows (a namespace of 500 workloads: the first 10)
RunWideCheck = Callable[[Inventory, dict[str, Any]], Iterable[CrossViolation]]


def run_wide(check: RunWideCheck) -> RunWideCheck:
    """Mark a check function as reading the whole inventory (phase 2) instead of one
    object; a template of scope ``run`` is one too."""
    check.run_wide = True  # type: ignore[attr-defined]
    return check


def needs_whole_run(check: RunWideCheck) -> RunWideCheck:
    """Mark a run-wide check that reports an absence (no default-deny policy, no
    signature policy): it cannot judge when the run does not hold the whole repository
    (stdin, files outside a git work tree), and is then not evaluated."""
    check.needs_whole_run = True  # type: ignore[attr-defined]
    return check


def is_run_wide(rule: Rule) -> bool:
    if rule.template is not None and rule.template.scope == "run":
        return True
    return bool(getattr(rule.evaluate, "run_wide", False))


@dataclass
class UnitResult:
    """What phase 1 sends back for one unit: plain data only (it crosses processes)."""

    path: str
    findings: list[Finding]
    resources: int
    skipped: int
    suppressions: list[sup.Suppression]
    inventory: list[InventoryObject] | None = None


class Linter:
    """Holds the selected rules; lints one unit at a time, then the run as a whole."""

    def __init__(self, rules: Iterable[Rule], known: Iterable[str], options: LintOptions | None = None):
        self.rules = list(rules)
        self.ran = {rule.id for rule in self.rules}
        self.known = set(known)
        self.options = options or LintOptions()
        self.by_id = {rule.id: rule for rule in self.rules}
        checked = [r for r in self.rules if r.evaluate is not None]
        self.per_object = [r for r in checked if not is_run_wide(r)]
        self.cross_object = [r for r in checked if is_run_wide(r)]
        self.params = {r.id: {**r.parameters, **self.options.parameters.get(r.id, {})} for r in self.rules}
        self.not_evaluated: list[str] = []
        self.config_suppressions = sup.config_suppressions(
            self.options.config_ignores, self.options.config_file, self.options.config_line)

    @property
    def needs_inventory(self) -> bool:
        return bool(self.cross_object)

    def severity(self, rule_id: str) -> Severity:
        return self.by_id[rule_id].severity

    # --- phase 1 ------------------------------------------------------------------

    def lint_unit(self, unit: LoadedUnit, inventory: bool = False, context: bool = False) -> UnitResult:
        """Phase 1 for one unit: its problems and per-object findings (not yet
        suppressed), its suppressions, and its inventory objects when asked. A
        ``context`` unit (loaded only for run-wide checks) gives its objects alone."""
        if context:
            return UnitResult(unit.path, [], len(unit.objects), unit.skipped, [],
                              inventory_objects(unit.objects))
        findings: list[Finding] = []
        for problem in unit.problems:
            if problem.rule in self.ran:
                where = problem.location
                findings.append(Finding(problem.rule, self.severity(problem.rule), problem.message,
                                        where.file, where.span, related=problem.related))
        suppressions: list[sup.Suppression] = []
        inline = self.options.inline_suppressions
        if inline:
            for parsed in unit.comment_files:
                suppressions.extend(sup.comment_suppressions(parsed))
        for obj in unit.objects:
            findings.extend(self._lint_object(obj))
            if inline:
                suppressions.extend(sup.annotation_suppressions(obj.resource, obj.address, obj.origin.locate))
        objects = inventory_objects(unit.objects) if inventory else None
        return UnitResult(unit.path, findings, len(unit.objects), unit.skipped, suppressions, objects)

    def _lint_object(self, obj: SourceObject) -> list[Finding]:
        resource, origin = obj.resource, obj.origin
        found: list[Finding] = []
        pod = pod_spec_of(resource)
        for rule in self.per_object:
            ctx = CheckContext(resource, self.params[rule.id], pod, True)
            try:
                violations = list(rule.evaluate(ctx))  # type: ignore[misc]
            except Exception as exc:  # one odd object must not end the run
                if "check-error" in self.ran:
                    found.append(self._check_error(obj, rule, exc))
                continue
            for violation in violations:
                where = origin.locate(violation.at if violation.at is not None else violation.path)
                path = resource.base + violation.path
                found.append(Finding(
                    rule=rule.id,
                    severity=self.severity(rule.id),
                    message=violation.message,
                    file=where.file,
                    span=where.span,
                    resource=obj.ref,
                    container=violation.container,
                    path=path,
                    address=obj.address,
                    rendered=origin.rendered(violation.path),
                    related=_related(origin.locate, violation.related) + origin.explain(violation.path),
                    key_path=named_path(resource.document.data, path),
                ))
        return found

    def _check_error(self, obj: SourceObject, rule: Rule, exc: Exception) -> Finding:
        where = obj.origin.locate(())
        return Finding(
            rule="check-error", severity=self.severity("check-error"),
            message=f"rule '{rule.id}' failed on this object ({type(exc).__name__}: {exc}); "
                    "the other rules still ran. Please report this with the manifest.",
            file=where.file, span=where.span, resource=obj.ref, path=obj.resource.base, address=obj.address,
        )

    # --- phase 2 ------------------------------------------------------------------

    def lint_inventory(self, inventory: Inventory, reported: set[str] | None = None) -> list[Finding]:
        """The run-wide checks over every object of the run (``not_evaluated`` lists the
        ones that could not judge a partial run). With ``reported``, only findings on
        objects of those units are made (a partial run reports on the files given)."""
        found: list[Finding] = []
        self.not_evaluated = []
        for rule in self.cross_object:
            if not inventory.complete and getattr(rule.evaluate, "needs_whole_run", False):
                self.not_evaluated.append(rule.id)
                continue
            try:
                check = cast(RunWideCheck, rule.evaluate)  # a run-scope template's function
                results = list(check(inventory, self.params[rule.id]))
            except Exception as exc:  # a bug in one relation check must not end the run
                if "check-error" in self.ran and inventory.objects:
                    where = inventory.locate(inventory.objects[0], ())
                    found.append(Finding(
                        "check-error", self.severity("check-error"),
                        f"rule '{rule.id}' failed on the run's objects ({type(exc).__name__}: {exc}); "
                        "the other rules still ran. Please report this with the manifests.",
                        where.file, where.span))
                continue
            for result in results:
                obj, violation = result.obj, result.violation
                if reported is not None and obj.address.unit not in reported:
                    continue
                locate = partial(inventory.locate, obj)
                where = locate(violation.at if violation.at is not None else violation.path)
                path = obj.address.base + violation.path
                related = _related(locate, violation.related[:MAX_RELATED]) + tuple(
                    _place(inventory.locate(other, other_path), what)
                    for other, other_path, what in result.elsewhere[:MAX_RELATED])
                named = named_path(obj.data, violation.path)
                found.append(Finding(
                    rule=rule.id, severity=self.severity(rule.id), message=violation.message,
                    file=where.file, span=where.span, resource=obj.ref, container=violation.container,
                    path=path, address=obj.address, related=related,
                    key_path=obj.address.base + named if named is not None else None,
                ))
        return found

    # --- suppressions ---------------------------------------------------------------

    def suppress(self, results: list[UnitResult], findings: list[Finding], judge_config_ignores: bool) -> None:
        """Apply every unit's suppressions, report stale ones, then the config ignores.

        Stale config ignores are reported only when ``judge_config_ignores``: a run over a
        few files (pre-commit, --changed-since) cannot tell that an ignore matches nothing
        anywhere."""
        by_unit: dict[str, list[Finding]] = {}
        for finding in findings:
            key = finding.address.unit if finding.address is not None else finding.file
            by_unit.setdefault(key, []).append(finding)
        stale: list[Finding] = []
        for result in results:
            if not result.suppressions:
                continue
            sup.apply(by_unit.get(result.path, []), result.suppressions)
            if "unused-suppression" in self.ran:
                for suppression, rule, why in sup.unused(result.suppressions, self.ran, self.known):
                    if suppression.file is not None and suppression.span is not None:
                        stale.append(Finding(
                            "unused-suppression", self.severity("unused-suppression"),
                            f"suppression of '{rule}' {why}; remove it", suppression.file, suppression.span,
                        ))
        findings.extend(stale)
        sup.apply(findings, self.config_suppressions)
        if not judge_config_ignores or "unused-suppression" not in self.ran:
            return
        for suppression, rule, why in sup.unused(self.config_suppressions, self.ran, self.known):
            if suppression.file is not None and suppression.span is not None:
                findings.append(Finding(
                    "unused-suppression", self.severity("unused-suppression"),
                    f"config ignore of '{rule}' {why}; remove it", suppression.file, suppression.span,
                ))


def _place(where: Location, what: str) -> Location:
    return Location(where.file, where.span, what)


def _related(locate: Callable[[Path], Location], related: tuple[tuple[Path, str], ...]) -> tuple[Location, ...]:
    return tuple(_place(locate(path), what) for path, what in related)

