"""Lint paths end to end: config, rules, discovery, parsing, checks, suppressions."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from kspm_lint.config import Config
from kspm_lint.discovery import STDIN, Target, discover, display_path
from kspm_lint.engine.catalog import Rule, load_rules, select_rules
from kspm_lint.engine.runner import Linter, LintOptions
from kspm_lint.findings import Finding, Severity
from kspm_lint.parallel import lint_in_workers, use_workers
from kspm_lint.parsing.document import ParsedFile
from kspm_lint.parsing.loader import parse_bytes, parse_file
from kspm_lint.report import Report


@dataclass
class Settings:
    """What the command line (merged over the config file) asks for."""

    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    rules_dirs: list[str] = field(default_factory=list)
    fail_on: Severity = Severity.LOW
    inline_suppressions: bool = True

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


def parse_target(target: Target) -> ParsedFile:
    if target.path == STDIN:
        return parse_bytes(sys.stdin.buffer.read(), target.display)
    return parse_file(target.path, target.display)


def _lint_target(linter: Linter, target: Target, keep: list[ParsedFile] | None = None,
                 attach: Callable[[ParsedFile, list[Finding]], None] | None = None):
    parsed = parse_target(target)
    file_findings, count, non_k8s = linter.lint_file(parsed)
    if attach is not None:
        attach(parsed, file_findings)
    if keep is not None:
        keep.append(parsed)
    return parsed.path, file_findings, count, non_k8s


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
               fixes: bool = False) -> LintRun:
    """Lint every manifest under ``paths``.

    ``keep_parsed=False`` lets a large run use every core (parsed documents stay in the
    worker processes); ``--fix``/``--diff`` need them, so they keep them.
    ``fixes=True`` attaches every fixable finding's ``Fix`` (JSON, SARIF, rdjson) file by
    file, right after the file is linted, where it is linted (``fix.apply.FileAttacher``):
    nothing needs the parsed files afterwards.
    """
    paths = list(paths)
    linter, rules, _ = prepare(settings, config)
    targets = list(discover(paths, settings.exclude))
    findings: list[Finding] = []
    parsed_files: list[ParsedFile] = []
    skipped: dict[str, int] = {}
    resources = 0
    attach = None
    if fixes:
        from kspm_lint.fix.apply import FileAttacher

        attach = FileAttacher(rules)
    if keep_parsed or not use_workers(targets):
        keep = parsed_files if keep_parsed else None
        results = (_lint_target(linter, target, keep, attach) for target in targets)
    else:
        results = lint_in_workers(linter, targets, attach)
    for number, (display, file_findings, count, non_k8s) in enumerate(results, start=1):
        findings.extend(file_findings)
        resources += count
        if non_k8s:
            skipped[display] = non_k8s
        if progress is not None:
            progress(number, len(targets))
    # Stale config ignores can only be judged when whole directories were linted.
    linter.finish(findings, judge_config_ignores=bool(paths) and all(os.path.isdir(p) for p in paths))
    findings.sort(key=lambda f: f.sort_key)
    report = Report(findings=findings, rules=rules, files=len(targets), resources=resources,
                    fail_on=settings.fail_on, skipped_documents=sum(skipped.values()))
    return LintRun(report, parsed_files, skipped, fixes_attached=fixes)
