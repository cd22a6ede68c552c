"""The ``kspm-lint`` command line."""

from __future__ import annotations

import os
import sys

import click

from kspm_lint import __version__
from kspm_lint.report import FORMATS

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SEVERITIES = ["info", "low", "medium", "high", "critical"]

EPILOG = """\b
Examples:
  kspm-lint deploy/                         lint a tree (YAML and JSON manifests)
  kspm-lint app.yaml - < rendered.yaml      files and stdin
  kspm-lint --format json . > findings.json machine-readable findings
  kspm-lint --select pss:restricted .       only the restricted Pod Security Standard
  kspm-lint --ignore image-not-digest-pinned --fail-on high .
  kspm-lint --list-rules                    every rule, its severity and fix
  kspm-lint --explain run-as-non-root       what a rule checks, why, and how to fix
  kspm-lint --fix deploy/                   apply safe fixes, report what remains
  kspm-lint --diff --unsafe-fixes deploy/   show every available fix as a diff
  kspm-lint --format sarif -o out.sarif .   for GitHub code scanning

\b
Suppress one finding with a comment on its line or the line above:
  privileged: true  # kspm-lint: disable=privileged-container CNI needs it
or for an object with the annotation  kspm-lint.io/ignore: "rule-a,rule-b".

\b
Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or config error.
"""


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _fail(message: str) -> None:
    click.echo(f"kspm-lint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


class _Command(click.Command):
    """Turns an unexpected exception into a short message and exit 2 (a traceback helps
    nobody in a CI log); ``KSPM_LINT_DEBUG=1`` shows it. A closed pipe ends quietly."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            sys.stderr.close()
            sys.exit(EXIT_OK)
        except Exception as exc:
            if os.environ.get("KSPM_LINT_DEBUG"):
                raise
            click.echo(f"kspm-lint: internal error: {type(exc).__name__}: {exc}\n"
                       "Set KSPM_LINT_DEBUG=1 to see the traceback, and please report it.", err=True)
            sys.exit(EXIT_ERROR)


@click.command(cls=_Command, epilog=EPILOG,
               context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("paths", nargs=-1, type=click.Path(exists=True, allow_dash=True))
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMATS)), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to FILE instead of stdout.")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rules: ids, a category, pss:baseline, pss:restricted or all (comma-separated).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules (comma-separated).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 only for findings at or above this severity [default: low].")
@click.option("--fail-on-empty", is_flag=True, help="Exit 2 when the paths hold no Kubernetes object.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="Config file (default: .kspm-lint.yaml found upward, or [tool.kspm-lint] in pyproject.toml).")
@click.option("--rules-dir", multiple=True, type=click.Path(file_okay=False),
              help="Extra directory of rule files (repeatable).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB (repeatable).")
@click.option("--no-inline-suppressions", is_flag=True,
              help="Ignore suppression comments and annotations in manifests (config ignores still apply).")
@click.option("--fix", is_flag=True, help="Apply safe automatic fixes in place, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True,
              help="With --fix or --diff, also apply fixes that may change runtime behaviour.")
@click.option("--diff", is_flag=True, help="Print the unified diff the fixes would make; write nothing; exit 1 if any.")
@click.option("--sarif-category", metavar="ID", help="SARIF automationDetails.id (one category per upload).")
@click.option("--changed-since", metavar="REF", help="Only lint files changed between git REF and the working tree.")
@click.option("--list-rules", is_flag=True, help="List the rules and exit.")
@click.option("--explain", metavar="RULE", help="Explain a rule and exit.")
@click.option("--no-color", is_flag=True, help="No colours (also: NO_COLOR environment variable).")
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule instead of the findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no headers or summary.")
@click.option("-v", "--verbose", is_flag=True, help="Say which files and documents were skipped and why.")
@click.version_option(__version__, "-V", "--version", prog_name="kspm-lint")
def main(paths: tuple[str, ...], fmt: str, output: str | None, select: tuple[str, ...],
         ignore: tuple[str, ...], fail_on: str | None, fail_on_empty: bool, config_path: str | None,
         rules_dir: tuple[str, ...], exclude: tuple[str, ...], no_inline_suppressions: bool,
         fix: bool, unsafe_fixes: bool, diff: bool, sarif_category: str | None, changed_since: str | None,
         list_rules: bool, explain: str | None, no_color: bool, statistics: bool, quiet: bool,
         verbose: bool) -> None:
    """Lint Kubernetes manifests for security-posture problems.

    PATHS are files or directories (YAML/JSON, multi-document, List kinds); "-"
    reads stdin. With no PATHS, the current directory is linted.
    """
    from kspm_lint.api import Settings, lint_paths, prepare
    from kspm_lint.config import Config, ConfigError, find_config, load_config
    from kspm_lint.engine.catalog import RuleError
    from kspm_lint.findings import Severity

    _check_combinations(paths, fmt, fix, diff, statistics, list_rules, explain)
    try:
        found = config_path or find_config()
        config = load_config(found) if found else Config()
    except (ConfigError, OSError) as exc:
        _fail(str(exc))
    settings = Settings.merge(
        config, _split(select), _split(ignore), exclude, rules_dir,
        Severity.parse(fail_on) if fail_on else None,
        False if no_inline_suppressions else None,
    )
    try:
        if list_rules or explain:
            _, rules, all_rules = prepare(settings, config)
            _show_rules(rules, all_rules, explain, fmt)
            return
        targets = list(paths or ["."])
        if changed_since:
            from kspm_lint.git_changes import GitError, changed_paths

            try:
                targets = changed_paths(changed_since, targets)
            except GitError as exc:
                _fail(str(exc))
            if not targets:
                click.echo(f"kspm-lint: no manifest changed since {changed_since}", err=True)
        progress = _progress if sys.stderr.isatty() and not quiet else None
        keep = fix or diff  # --fix/--diff need the parsed documents
        fixes = fmt in ("json", "sarif", "rdjson") and not keep  # attached file by file, where linted
        run = None
        if targets or not changed_since:
            run = lint_paths(targets, settings, config, progress, keep_parsed=keep, fixes=fixes)
        if run is not None and (fix or diff):
            run = _apply_fixes(run, targets, settings, config, unsafe_fixes, write=fix and not diff, output=output)
            if run is None:
                return
        if run is None:
            run = lint_paths([], settings, config)
    except (RuleError, ConfigError, ValueError) as exc:
        _fail(str(exc))
    if progress is not None:
        click.echo("\r\x1b[K", nl=False, err=True)
    report = run.report
    report.options["sarif_category"] = sarif_category
    if fmt in ("json", "sarif", "rdjson"):
        from kspm_lint.fix.apply import attach_fixes

        attach_fixes(run)
    if verbose:
        for file, count in sorted(run.skipped.items()):
            click.echo(f"kspm-lint: {file}: skipped {count} document(s) without apiVersion/kind", err=True)
        from kspm_lint.checks.schema import verbose_note

        note = verbose_note(rule.id for rule in report.rules)
        if note:
            click.echo(f"kspm-lint: {note}", err=True)
    color = fmt == "text" and not no_color and "NO_COLOR" not in os.environ and output is None \
        and sys.stdout.isatty()
    from kspm_lint.report import render

    if statistics and fmt == "text":
        from kspm_lint.report.text import statistics as render_statistics

        text = render_statistics(report)
    else:
        text = render(report, fmt, color=color, quiet=quiet)
    if output:
        from kspm_lint.fsutil import atomic_write_text

        atomic_write_text(output, text)
    else:
        click.echo(text, nl=False)
    nothing_changed = bool(changed_since) and not targets
    if report.resources == 0 and not nothing_changed and \
            not any(f.rule in ("yaml-syntax", "input-rejected") for f in report.findings):
        click.echo(f"kspm-lint: no Kubernetes objects found in {report.files} file(s) under "
                   f"{', '.join(paths or ['.'])}", err=True)
        if fail_on_empty:
            sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if report.failing else EXIT_OK)


def _check_combinations(paths: tuple[str, ...], fmt: str, fix: bool, diff: bool, statistics: bool,
                        list_rules: bool, explain: str | None) -> None:
    """Refuse option combinations that would otherwise be ignored in silence."""
    if (list_rules or explain) and fmt not in ("text", "json"):
        _fail(f"--list-rules and --explain print text or json, not {fmt}")
    if statistics and fmt != "text":
        _fail("--statistics is a text summary; drop --format or --statistics")
    if fix and "-" in paths and len(paths) > 1:
        _fail("--fix with stdin and files together: stdin cannot be re-read after the files are fixed; "
              "lint stdin in a separate run")


def _apply_fixes(run, targets, settings, config, unsafe: bool, write: bool, output: str | None = None):
    """--diff prints the fixes (to --output if given) and exits; --fix writes them and
    returns a fresh lint run."""
    from kspm_lint.api import lint_paths
    from kspm_lint.fix.apply import apply_fixes

    outcome = apply_fixes(run, unsafe=unsafe, write=write)
    for file, reason in outcome.failed:
        click.echo(f"kspm-lint: {file}: fix not applied: {reason}", err=True)
    if not write:
        text = outcome.diff()
        if output:
            from kspm_lint.fsutil import atomic_write_text

            atomic_write_text(output, text)
        else:
            click.echo(text, nl=False)
        sys.exit(EXIT_FINDINGS if text else EXIT_OK)
    if not outcome.changed:
        return run  # nothing was written: the run stands (and stdin cannot be read twice)
    click.echo(f"kspm-lint: fixed {len(outcome.fixed)} finding(s) in {len(outcome.changed)} file(s)", err=True)
    return lint_paths(targets, settings, config)


def _progress(done: int, total: int) -> None:
    if total >= 50 and (done % 25 == 0 or done == total):
        click.echo(f"\rlinting {done}/{total} files", nl=False, err=True)


def _show_rules(rules: list, all_rules: dict, explain: str | None, fmt: str) -> None:
    from kspm_lint.report.rules_info import explain as explain_rule
    from kspm_lint.report.rules_info import list_rules as list_rule_table

    if explain:
        rule = all_rules.get(explain)
        if rule is None:
            close = [r for r in all_rules if explain in r or r in explain]
            hint = f" (did you mean: {', '.join(close[:3])}?)" if close else " (see --list-rules)"
            _fail(f"unknown rule '{explain}'{hint}")
        click.echo(explain_rule(rule), nl=False)
        return
    click.echo(list_rule_table(rules, fmt), nl=False)
