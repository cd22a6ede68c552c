"""The ``kspm-lint`` command line."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, NamedTuple, NoReturn

import click

from kspm_lint import __version__
from kspm_lint.report import RenderOptions, Report
from kspm_lint.report.formats import FORMATS, Format

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
  kspm-lint --format github --report sarif=kspm.sarif --report junit=junit.xml .
                                            one lint, three reports

{formats}
\b
Suppress one finding with a comment on its line or the line above:
  privileged: true  # kspm-lint: disable=privileged-container CNI needs it
or for an object with the annotation  kspm-lint.io/ignore: "rule-a,rule-b".

\b
Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or config error.
"""


def _formats_help() -> str:
    """The formats and their one-line descriptions, from the registry, for the epilog."""
    width = max(len(name) for name in FORMATS)
    rows = [f"  {f.name:<{width}}  {f.description}" for f in FORMATS.values()]
    return "\b\nFormats (for --format and --report FORMAT=PATH):\n" + "\n".join(rows) + "\n"


class ReportTarget(NamedTuple):
    """One ``--report FORMAT=PATH``."""

    format: str
    path: str


class _ReportSpec(click.ParamType):
    """Parses ``FORMAT=PATH``; a bad value is a usage error (exit 2) that says what to write."""

    name = "FORMAT=PATH"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> ReportTarget:
        if isinstance(value, ReportTarget):
            return value
        name, equals, path = str(value).partition("=")
        if not equals:
            self.fail(f"'{value}' is not FORMAT=PATH: write e.g. --report sarif=kspm.sarif", param, ctx)
        if name not in FORMATS:
            self.fail(f"unknown format '{name}' in '{value}' (choose from {', '.join(FORMATS)})", param, ctx)
        if not path or path == "-":
            self.fail(f"'{value}' needs a file PATH after '=' (the --format report is the one printed to stdout)",
                      param, ctx)
        return ReportTarget(name, path)


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _fail(message: str) -> NoReturn:
    click.echo(f"kspm-lint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


class _Command(click.Command):
    """Turns an unexpected exception into a short message and exit 2 (a traceback helps
    nobody in a CI log); ``KSPM_LINT_DEBUG=1`` shows it. A closed pipe ends quietly."""

    def invoke(self, ctx: click.Context):
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


@click.command(cls=_Command, epilog=EPILOG.format(formats=_formats_help()),
               context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("paths", nargs=-1, type=click.Path(exists=True, allow_dash=True))
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMATS)), default="text", show_default=True,
              help="Output format (see Formats below).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to FILE instead of stdout.")
@click.option("--report", "reports", multiple=True, type=_ReportSpec(),
              help="Also write a report in FORMAT to PATH, from the same lint (repeatable).")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rules: ids, a category, pss:baseline, pss:restricted or all (comma-separated).")
@click.option("--framework", type=click.Choice(["pss-baseline", "pss-restricted", "cis", "nsa", "all"]),
              help="Only the rules mapped to a compliance framework, and a summary of its controls passed.")
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
@click.option("--context", "context_dir", type=click.Path(exists=True, file_okay=False), metavar="DIR",
              help="Where relation rules find the objects of files not linted (default: the git repository "
                   "holding the paths).")
@click.option("--helm-values", multiple=True, type=click.Path(exists=True, dir_okay=False), metavar="FILE",
              help="Values file for every Helm chart linted (repeatable, as helm template -f).")
@click.option("--helm-set", multiple=True, metavar="KEY=VALUE", help="Set a chart value (repeatable, as helm --set).")
@click.option("--helm-release", metavar="NAME", help="Release name charts are rendered with [default: release-name].")
@click.option("--helm-namespace", metavar="NS",
              help="Namespace charts are installed in: objects rendered without one get it.")
@click.option("--kube-version", metavar="VERSION", help="Kubernetes version charts are rendered for (e.g. 1.31).")
@click.option("--list-rules", is_flag=True, help="List the rules and exit.")
@click.option("--list-templates", is_flag=True,
              help="List the check templates (scope, parameters) rule files can instantiate, and exit.")
@click.option("--explain", metavar="RULE", help="Explain a rule and exit.")
@click.option("--no-color", is_flag=True, help="No colours (also: NO_COLOR environment variable).")
@click.option("--sort", type=click.Choice(["file", "risk"]), default="file", show_default=True,
              help="Text report order: by file and line, or riskiest first (severity raised by exposure, "
                   "privilege, secrets and missing network isolation of the workload).")
@click.option("--statistics", is_flag=True, help="Print a count of findings per rule instead of the findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no headers or summary.")
@click.option("-v", "--verbose", is_flag=True, help="Say which files and documents were skipped and why.")
@click.version_option(__version__, "-V", "--version", prog_name="kspm-lint")
def main(paths: tuple[str, ...], fmt: str, output: str | None, reports: tuple[ReportTarget, ...],
         select: tuple[str, ...], framework: str | None,
         ignore: tuple[str, ...], fail_on: str | None, fail_on_empty: bool, config_path: str | None,
         rules_dir: tuple[str, ...], exclude: tuple[str, ...], no_inline_suppressions: bool,
         fix: bool, unsafe_fixes: bool, diff: bool, sarif_category: str | None, changed_since: str | None,
         context_dir: str | None, helm_values: tuple[str, ...], helm_set: tuple[str, ...],
         helm_release: str | None, helm_namespace: str | None, kube_version: str | None,
         list_rules: bool, list_templates: bool, explain: str | None, no_color: bool,
         sort: str, statistics: bool, quiet: bool,
         verbose: bool) -> None:
    """Lint Kubernetes manifests for security-posture problems.

    PATHS are files or directories (YAML/JSON, multi-document, List kinds); "-"
    reads stdin. With no PATHS, the current directory is linted.
    """
    from kspm_lint.api import Settings, lint_paths, prepare
    from kspm_lint.config import Config, ConfigError, find_config, load_config
    from kspm_lint.engine.catalog import RuleError
    from kspm_lint.findings import Severity

    _check_combinations(click.get_current_context().params)
    _check_report_paths(reports, output)
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
    settings.context = context_dir
    if framework:
        from kspm_lint.frameworks import selectors

        settings.select, settings.framework = selectors(framework), framework
    helm = settings.helm
    helm.values = list(helm_values) or helm.values
    helm.set_values = helm.set_values + list(helm_set)
    helm.release = helm_release or helm.release
    helm.namespace = helm_namespace or helm.namespace
    helm.kube_version = kube_version or helm.kube_version
    try:
        if list_rules or explain:
            _, rules, all_rules = prepare(settings, config)
            _show_rules(rules, all_rules, explain, fmt)
            return
        if list_templates:
            from kspm_lint.engine.catalog import builtin_templates
            from kspm_lint.report.rules_info import list_templates as list_template_table

            _, _, all_rules = prepare(settings, config)
            click.echo(list_template_table(builtin_templates().templates.values(), all_rules.values(), fmt), nl=False)
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
        needs_fixes = any(FORMATS[name].needs_fixes for name in (fmt, *(target.format for target in reports)))
        fixes = needs_fixes and not keep  # attached file by file, where linted
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
    if needs_fixes:
        from kspm_lint.fix.apply import attach_fixes

        attach_fixes(run)  # once, however many of the outputs show them
    if verbose:
        for file, count in sorted(run.skipped.items()):
            click.echo(f"kspm-lint: {file}: skipped {count} document(s) without apiVersion/kind", err=True)
        if run.not_evaluated:
            click.echo(f"kspm-lint: not evaluated: {', '.join(run.not_evaluated)}: they judge what a repository "
                       "lacks, and the rest of it is unknown here (stdin, or files outside a git work tree); "
                       "pass --context DIR", err=True)
        from kspm_lint.checks.schema import verbose_note

        note = verbose_note(rule.id for rule in report.rules)
        if note:
            click.echo(f"kspm-lint: {note}", err=True)
    if statistics:
        from kspm_lint.report.text import statistics as render_statistics

        _write(render_statistics(report), output, "--output")
    else:
        color = not no_color and "NO_COLOR" not in os.environ and output is None and sys.stdout.isatty()
        outputs = [Output(FORMATS[fmt], output, "--output",
                          RenderOptions(color=color, quiet=quiet, sarif_category=sarif_category, sort=sort))]
        outputs += [Output(FORMATS[target.format], target.path, f"--report {target.format}={target.path}",
                           RenderOptions(quiet=quiet, sarif_category=sarif_category, sort=sort)) for target in reports]
        _write_outputs(report, outputs)
    nothing_changed = bool(changed_since) and not targets
    if report.resources == 0 and not nothing_changed and \
            not any(f.rule in ("yaml-syntax", "input-rejected") for f in report.findings):
        click.echo(f"kspm-lint: no Kubernetes objects found in {report.files} file(s) under "
                   f"{', '.join(paths or ['.'])}", err=True)
        if fail_on_empty:
            sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if report.failing else EXIT_OK)


class Output(NamedTuple):
    """One report to write: the ``--format`` one (to ``--output``, or stdout when
    ``path`` is None) or a ``--report FORMAT=PATH``; ``option`` names it in errors."""

    format: Format
    path: str | None
    option: str
    options: RenderOptions


def _write_outputs(report: Report, outputs: list[Output]) -> None:
    """Render each distinct (format, options) once and write it to every output that
    asks for it, files before stdout; one rendered report is held at a time."""
    groups: dict[tuple[str, RenderOptions], list[Output]] = {}
    for out in outputs:
        groups.setdefault((out.format.name, out.format.options(out.options)), []).append(out)
    for (name, options), group in sorted(groups.items(), key=lambda item: any(o.path is None for o in item[1])):
        text = FORMATS[name].render(report, options)
        for out in group:
            _write(text, out.path, out.option)


def _write(text: str, path: str | None, option: str) -> None:
    """``text`` to stdout, or atomically to ``path``: a file that cannot be written is
    an error naming the option that asked for it."""
    if path is None:
        click.echo(text, nl=False)
        return
    from kspm_lint.fsutil import atomic_write_text

    try:
        atomic_write_text(path, text)
    except OSError as exc:
        _fail(f"{option}: cannot write {path}: {exc.strerror or exc}; check that its directory exists "
              "and is writable")


class Conflict(NamedTuple):
    """``option`` given with any of ``conflicts_with`` is refused with ``message``
    (``{other}`` is the one given, ``{fmt}`` the --format): one of them would be
    ignored in silence."""

    option: str
    conflicts_with: tuple[str, ...]
    message: str


def _outputs_accept(option: str, params: dict[str, Any]) -> bool:
    names = [params["fmt"], *(target.format for target in params["reports"])]
    return any(option in FORMATS[name].accepts for name in names)


# What each name used in CONFLICTS means, read from the parsed command line (click's params).
GIVEN: dict[str, Callable[[dict[str, Any]], bool]] = {
    "--list-rules": lambda p: bool(p["list_rules"]),
    "--framework": lambda p: p["framework"] is not None,
    "--select": lambda p: bool(p["select"]),
    "--list-templates": lambda p: bool(p["list_templates"]),
    "--explain": lambda p: p["explain"] is not None,
    "--statistics": lambda p: bool(p["statistics"]),
    "--fix": lambda p: bool(p["fix"]),
    "--diff": lambda p: bool(p["diff"]),
    "--report": lambda p: bool(p["reports"]),
    "--sarif-category": lambda p: p["sarif_category"] is not None,
    "a --format other than text or json": lambda p: p["fmt"] not in ("text", "json"),
    "a --format other than text": lambda p: p["fmt"] != "text",
    "stdin and files": lambda p: "-" in p["paths"] and len(p["paths"]) > 1,
    "no SARIF output": lambda p: not _outputs_accept("sarif_category", p),
}

CONFLICTS: tuple[Conflict, ...] = (
    Conflict("--list-rules", ("a --format other than text or json",),
             "--list-rules and --explain print text or json, not {fmt}"),
    Conflict("--explain", ("a --format other than text or json",),
             "--list-rules and --explain print text or json, not {fmt}"),
    Conflict("--framework", ("--select",),
             "--framework selects the rules mapped to it; drop --select (or use --ignore to narrow it)"),
    Conflict("--list-templates", ("a --format other than text or json",),
             "--list-templates prints text or json, not {fmt}"),
    Conflict("--statistics", ("a --format other than text",),
             "--statistics is a text summary; drop --format or --statistics"),
    Conflict("--fix", ("stdin and files",),
             "--fix with stdin and files together: stdin cannot be re-read after the files are fixed; "
             "lint stdin in a separate run"),
    Conflict("--report", ("--list-rules", "--list-templates", "--explain"),
             "--report writes lint reports and {other} lints nothing; drop --report or run them separately"),
    Conflict("--report", ("--statistics",),
             "--report writes full reports and --statistics prints only counts; run them separately"),
    Conflict("--report", ("--diff",),
             "--report writes lint reports and --diff only prints fixes; run them separately "
             "(--fix with --report reports the lint after fixing)"),
    Conflict("--sarif-category", ("no SARIF output",),
             "--sarif-category applies to SARIF only; add --format sarif or --report sarif=PATH, "
             "or drop --sarif-category"),
)


def _check_combinations(params: dict[str, Any]) -> None:
    """Refuse the option combinations declared in CONFLICTS, the first one found."""
    for conflict in CONFLICTS:
        if GIVEN[conflict.option](params):
            for other in conflict.conflicts_with:
                if GIVEN[other](params):
                    _fail(conflict.message.format(other=other, fmt=params["fmt"]))


def _check_report_paths(reports: tuple[ReportTarget, ...], output: str | None) -> None:
    """Each report needs a file of its own: of two writers of one file, only the last
    one's report would be left."""
    seen: dict[str, str] = {} if output is None else {os.path.realpath(output): "--output"}
    for target in reports:
        key = os.path.realpath(target.path)
        option = f"--report {target.format}={target.path}"
        if key in seen:
            _fail(f"{option}: {target.path} is already written by {seen[key]}; give each report its own PATH")
        seen[key] = option


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
