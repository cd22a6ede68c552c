"""Lint paths end to end: config, rules, discovery, sources, checks (per object, then
run-wide), suppressions."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial

from kspm_lint import sources
from kspm_lint.config import Config
from kspm_lint.context import Context, find_context
from kspm_lint.discovery import Target, discover, display_path
from kspm_lint.engine.catalog import Rule, load_rules, select_rules
from kspm_lint.engine.renders import merge_rendered
from kspm_lint.engine.runner import Linter, LintOptions, UnitResult
from kspm_lint.findings import Finding, Severity
from kspm_lint.inventory import Inventory, InventoryObject
from kspm_lint.parallel import map_in_workers, use_workers
from kspm_lint.parsing.document import ParsedFile
from kspm_lint.report import Report


@dataclass
class HelmSettings:
    """How charts are rendered: ``helm template``'s flags, and per chart (its directory)
    the value sets to render it with, each a list of chart-relative values files."""

    values: list[str] = field(default_factory=list)
    set_values: list[str] = field(default_factory=list)
    release: str | None = None
    namespace: str | None = None
    kube_version: str | None = None
    value_sets: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)


def configure_sources(settings: Settings) -> None:
    """Give the rendering sources the run's options (before any worker forks)."""
    from kspm_lint.sources.helm import HelmSource

    helm = sources.registered()["helm"]
    assert isinstance(helm, HelmSource)
    given = settings.helm
    helm.configure(tuple(os.path.abspath(v) for v in given.values), tuple(given.set_values), given.release,
                   given.namespace, given.kube_version, given.value_sets)


@dataclass
class Settings:
    """What the command line (merged over the config file) asks for."""

    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    rules_dirs: list[str] = field(default_factory=list)
    fail_on: Severity = Severity.LOW
    inline_suppressions: bool = True
    context: str | None = None  # where a partial run finds the rest of the objects (--context)
    repository_context: bool = True  # without --context: the git repository holding the paths
    rank: bool = True  # score findings by their workload's context (kspm_lint.risk)
    framework: str | None = None  # --framework: report its compliance summary
    helm: HelmSettings = field(default_factory=lambda: HelmSettings())

    @classmethod
    def merge(cls, config: Config, select: Iterable[str] = (), ignore: Iterable[str] = (),
              exclude: Iterable[str] = (), rules_dirs: Iterable[str] = (),
              fail_on: Severity | None = None, inline_suppressions: bool | None = None) -> Settings:
        select, ignore = list(select), list(ignore)
        return cls(
            select=select or config.select,
            ignore=config.ignore + ignore,
            exclude=config.exclude + list(exclude),
            rules_dirs=config.rules_dirs + list(rules_dirs),
            fail_on=fail_on if fail_on is not None else (config.fail_on or Severity.LOW),
            inline_suppressions=config.inline_suppressions if inline_suppressions is None else inline_suppressions,
        )


@dataclass
class LintRun:
    report: Report
    parsed: list[ParsedFile]
    skipped: dict[str, int]
    fixes_attached: bool = False  # every fixable finding already has its ``Fix``
    inventory: Inventory | None = None  # every object of the run, when it was collected
    not_evaluated: list[str] = field(default_factory=list)  # run-wide rules a partial run could not judge


Attach = Callable[[ParsedFile, list[Finding]], None]


def _lint_target(linter: Linter, target: Target, keep: list[ParsedFile] | None,
                 attach: Attach | None, inventory: bool, context: bool = False) -> UnitResult:
    """Phase 1 for one target; a ``context`` target only contributes its objects."""
    unit = sources.load(target)
    if context:
        return linter.lint_unit(unit, inventory=True, context=True)
    result = linter.lint_unit(unit, inventory)
    if unit.parsed is not None:
        if attach is not None:
            attach(unit.parsed, result.findings)
        if keep is not None:
            keep.append(unit.parsed)
    return result


def _job(linter: Linter, attach: Attach | None, inventory: bool, job: tuple[Target, bool]) -> UnitResult:
    target, is_context = job
    return _lint_target(linter, target, None, attach, inventory, is_context)


def prepare(settings: Settings, config: Config) -> tuple[Linter, list[Rule], dict[str, Rule]]:
    """Load rules and build the linter (raises RuleError / ValueError on bad input)."""
    all_rules = load_rules(settings.rules_dirs)
    config.check_against(all_rules)  # raises ConfigError naming the config line
    # Severity overrides change the rule itself, so every format and listing agrees.
    all_rules = {rule_id: replace(rule, severity=config.severity.get(rule_id, rule.severity))
                 for rule_id, rule in all_rules.items()}
    rules = select_rules(all_rules, settings.select, settings.ignore)
    options = LintOptions(
        parameters=config.parameters,
        inline_suppressions=settings.inline_suppressions,
        config_ignores=config.ignores,
        config_file=display_path(config.path) if config.path else None,
        config_line=lambda index: config.line_of(("ignores", index)),
    )
    return Linter(rules, all_rules, options), rules, all_rules


def lint_paths(paths: Iterable[str], settings: Settings, config: Config,
               progress: Callable[[int, int], None] | None = None, keep_parsed: bool = True,
               fixes: bool = False, inventory: bool = False) -> LintRun:
    """Lint every manifest under ``paths``.

    ``keep_parsed=False`` lets a large run use every core (parsed documents stay in the
    worker processes); ``--fix``/``--diff`` need them, so they keep them.
    ``fixes=True`` attaches every fixable finding's ``Fix`` (JSON, SARIF, rdjson) file by
    file, right after the file is linted, where it is linted (``fix.apply.FileAttacher``):
    nothing needs the parsed files afterwards. ``inventory=True`` keeps the run-wide
    inventory on the result even when no run-wide check needs it.
    """
    linter, _, _ = prepare(settings, config)
    return run_linter(linter, list(paths), settings, progress, keep_parsed, fixes, inventory)


def run_linter(linter: Linter, paths: list[str], settings: Settings,
               progress: Callable[[int, int], None] | None = None, keep_parsed: bool = True,
               fixes: bool = False, inventory: bool = False) -> LintRun:
    """Phase 1 over every target (in workers for a large run), phase 2 over the
    inventory, then suppressions; the result equals a single-process run's."""
    configure_sources(settings)
    targets = list(discover(paths, settings.exclude))
    collect = inventory or linter.needs_inventory or settings.rank
    context = find_context(paths, targets, settings.exclude, settings.context, settings.repository_context) \
        if linter.needs_inventory else Context(None, ())
    jobs = [(target, False) for target in targets] + [(target, True) for target in context.targets]
    findings: list[Finding] = []
    parsed_files: list[ParsedFile] = []
    skipped: dict[str, int] = {}
    suppressed_units: list[UnitResult] = []
    objects: list[InventoryObject] = []
    resources = 0
    attach: Attach | None = None
    if fixes:
        from kspm_lint.fix.apply import FileAttacher

        attach = FileAttacher(linter.rules)
    results: Iterable[UnitResult]
    if keep_parsed or not use_workers(targets):
        keep = parsed_files if keep_parsed else None
        results = (_lint_target(linter, target, keep, attach, collect, is_context) for target, is_context in jobs)
    else:
        results = map_in_workers(partial(_job, linter, attach, collect), jobs, heavy=attach is not None)
    reported: set[str] = set()
    for number, result in enumerate(results, start=1):
        if number > len(targets):  # context: its objects only
            objects.extend(result.inventory or ())
            continue
        reported.add(result.path)
        findings.extend(result.findings)
        resources += result.resources
        if result.skipped:
            skipped[result.path] = result.skipped
        if result.suppressions:
            result.findings = []  # only its suppressions are needed from here on
            suppressed_units.append(result)
        if result.inventory:
            objects.extend(result.inventory)
        if progress is not None:
            progress(number, len(targets))
    run_inventory = Inventory(tuple(objects), complete=context.known or not linter.needs_inventory) \
        if collect else None
    if run_inventory is not None and linter.cross_object:
        findings.extend(linter.lint_inventory(run_inventory, reported))
    # Stale config ignores can only be judged when whole directories were linted.
    linter.suppress(suppressed_units, findings,
                    judge_config_ignores=bool(paths) and all(os.path.isdir(p) for p in paths))
    findings = merge_rendered(findings)
    if run_inventory is not None:
        from kspm_lint.remediation import withhold_breaking_fixes

        withhold_breaking_fixes(findings, run_inventory)
    if run_inventory is not None and settings.rank:
        from kspm_lint.risk import rank

        rank(findings, run_inventory)
    findings.sort(key=lambda f: f.sort_key)
    report = Report(findings=findings, rules=linter.rules, files=len(targets), resources=resources,
                    fail_on=settings.fail_on, skipped_documents=sum(skipped.values()),
                    framework=settings.framework)
    return LintRun(report, parsed_files, skipped, fixes_attached=fixes, inventory=run_inventory,
                   not_evaluated=list(linter.not_evaluated))
