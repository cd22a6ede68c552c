"""Rule files: load, validate (errors name the file and line) and select rules."""

from __future__ import annotations

import difflib
import importlib
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from kspm_lint.engine.context import CheckContext, CheckFunction, CheckTemplate, Violation
from kspm_lint.engine.parameters import Parameter, ParameterError, inferred_schema, resolve
from kspm_lint.findings import Severity
from kspm_lint.fix.generators import GENERATORS, NAMED, FixBinding, OpsFix
from kspm_lint.parsing.document import Document, ParsedFile

RULE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CATEGORIES = ("pod-security", "workload-hardening", "supply-chain", "secrets", "rbac", "network", "admission",
              "control-plane", "schema", "input")
_REQUIRED = ("id", "title", "severity", "category", "description", "remediation", "check")
_KNOWN = set(_REQUIRED) | {"references", "frameworks", "equivalents", "parameters", "fix"}
FRAMEWORK_KEYS = ("pss", "cis", "nsa", "mitre")
EQUIVALENT_KEYS = ("kube-linter", "polaris", "checkov", "kubescape", "kubeaudit", "kube-score", "trivy")
_FIX_KEYS = ("safety", "description", "generator", "ops")
# The package whose ``load_templates()`` gives the built-in check templates. It is
# imported by name: the checks import the engine, never the other way round.
TEMPLATE_PACKAGE = "kspm_lint.checks"


class RuleError(Exception):
    """A rule file that cannot be used; says which file, which line and why."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


@dataclass
class Rule:
    id: str
    title: str
    severity: Severity
    category: str
    description: str
    remediation: str
    references: list[str]
    frameworks: dict[str, Any]
    equivalents: dict[str, Any]
    parameters: dict[str, Any]
    check_kind: str  # "python", "declarative" or "engine"
    evaluate: Callable[[CheckContext], Iterable[Violation]] | None
    source: str
    fix: dict[str, Any] | None = None
    template: CheckTemplate | None = None  # the Python template a "python" rule instantiates
    schema: tuple[Parameter, ...] = ()  # what ``parameters`` may hold (config overrides too)
    fixer: FixBinding | None = None  # the automatic fix, when the rule file names one

    @property
    def check_origin(self) -> str:
        """Where the check is defined, for --explain and the reference docs."""
        if self.template is not None:
            return f"template {self.template.name} ({self.template.module})"
        if self.check_kind == "declarative":
            return f"declarative in {self.source}"
        return "the engine itself (parsing, suppressions and the runner report it)"

    @property
    def pss_level(self) -> str | None:
        pss = self.frameworks.get("pss")
        return pss.get("level") if isinstance(pss, dict) else None

    @property
    def fix_safety(self) -> str | None:
        return self.fix.get("safety") if self.fix else None


@dataclass(frozen=True)
class TemplateSet:
    """The check templates rule files may name, and the functions they run."""

    templates: Mapping[str, CheckTemplate]
    functions: Mapping[str, CheckFunction]


def builtin_templates() -> TemplateSet:
    templates, functions = importlib.import_module(TEMPLATE_PACKAGE).load_templates()
    return TemplateSet(templates, functions)


def builtin_rules_dir() -> FsPath:
    """The shipped rules: inside the package when installed, ``rules/`` in a checkout."""
    packaged = FsPath(__file__).resolve().parent.parent / "_rules"
    if packaged.is_dir():
        return packaged
    return FsPath(__file__).resolve().parent.parent.parent / "rules"


def _line(document: Document | None, path: tuple) -> int:
    if document is None:
        return 1
    return document.locate(path).line


def load_rule_file(path: str, templates: TemplateSet) -> Rule:
    from kspm_lint.engine.declarative import DeclarativeError, compile_check

    parsed = _parse_rule_file(path)
    if parsed.problems:
        problem = parsed.problems[0]
        raise RuleError(path, problem.span.line, problem.message)
    if len(parsed.documents) != 1 or not isinstance(parsed.documents[0].data, dict):
        raise RuleError(path, 1, "a rule file holds exactly one mapping")
    document = parsed.documents[0]
    raw: dict[str, Any] = document.data

    def fail(message: str, *where: Any) -> RuleError:
        return RuleError(path, _line(document, tuple(where)), message)

    for key in raw:
        if key not in _KNOWN:
            raise fail(f"unknown key '{key}' (known: {', '.join(sorted(_KNOWN))})", key)
    for key in _REQUIRED:
        if key not in raw:
            raise fail(f"missing required key '{key}'")
    rule_id = raw["id"]
    if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
        raise fail("'id' must be kebab-case (lowercase letters, digits and dashes)", "id")
    try:
        severity = Severity.parse(str(raw["severity"]))
    except ValueError as exc:
        raise fail(str(exc), "severity") from None
    for key in ("title", "description", "remediation", "category"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise fail(f"'{key}' must be non-empty text", key)
    if raw["category"] not in CATEGORIES:
        raise fail(f"unknown category '{raw['category']}' (one of: {', '.join(CATEGORIES)})", "category")
    for key in ("frameworks", "equivalents", "parameters"):
        if key in raw and not isinstance(raw[key], dict):
            raise fail(f"'{key}' must be a mapping", key)
    for key, known in (("frameworks", FRAMEWORK_KEYS), ("equivalents", EQUIVALENT_KEYS)):
        for name in raw.get(key, {}):
            if name not in known:
                raise fail(f"unknown {key} key '{name}' (known: {', '.join(known)})", key, name)
    references = raw.get("references", [])
    if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
        raise fail("'references' must be a list of URLs", "references")

    spec = raw["check"]
    if not isinstance(spec, dict):
        raise fail("'check' must be a mapping", "check")
    given = raw.get("parameters", {})
    evaluate: Callable | None
    template: CheckTemplate | None = None
    scope: str | None = None
    if "template" in spec or "python" in spec:
        template = _template(spec, templates, fail)
        kind, evaluate = "python", templates.functions[template.function]
        schema = template.parameters
    elif spec.get("engine") is True:
        if len(spec) > 1:
            raise fail(f"unknown key '{sorted(k for k in spec if k != 'engine')[0]}' in an engine check", "check")
        kind, evaluate, schema = "engine", None, ()
    else:
        try:
            check = compile_check(spec)
        except DeclarativeError as exc:
            raise fail(str(exc), "check", *exc.field) from None
        kind, evaluate, scope = "declarative", check, check.scope
    try:
        if kind == "declarative":
            schema = inferred_schema(given)
        parameters = resolve(schema, given, rule_id)
    except ParameterError as exc:
        where = ("parameters", exc.key) if exc.key is not None else ("parameters",) if "parameters" in raw \
            else ("check",)
        raise fail(str(exc), *where) from None
    fix = raw.get("fix")
    fixer = _fixer(fix, scope, path, fail) if fix is not None else None
    return Rule(
        id=rule_id,
        title=raw["title"].strip(),
        severity=severity,
        category=raw["category"].strip(),
        description=raw["description"].strip(),
        remediation=raw["remediation"].strip(),
        references=references,
        frameworks=raw.get("frameworks", {}),
        equivalents=raw.get("equivalents", {}),
        parameters=parameters,
        check_kind=kind,
        evaluate=evaluate,
        source=path,
        fix=fix,
        template=template,
        schema=schema,
        fixer=fixer,
    )


def _template(spec: dict[str, Any], templates: TemplateSet, fail: Callable[..., RuleError]) -> CheckTemplate:
    """``check: {template: NAME}`` (``python: function_name`` is the older spelling)."""
    key = "template" if "template" in spec else "python"
    extra = sorted(k for k in spec if k != key)
    if extra:
        raise fail(f"unknown key '{extra[0]}' in a template check: a template takes its values from "
                   "'parameters:'", "check", extra[0])
    name = spec[key]
    by_function = {t.function: t for t in templates.templates.values()}
    found = templates.templates.get(name) if key == "template" else by_function.get(name)
    if found is None:
        names = sorted(templates.templates)
        close = difflib.get_close_matches(str(name), names, n=3)
        hint = f"did you mean: {', '.join(close)}?" if close else "see kspm-lint --list-templates"
        raise fail(f"unknown check template '{name}' ({hint})", "check", key)
    return found


def _fixer(fix: Any, scope: str | None, path: str, fail: Callable[..., RuleError]) -> FixBinding | None:
    """Validate ``fix:``; a rule that claims a fix must name its generator or write its ops."""
    from kspm_lint.engine.declarative import DeclarativeError, compile_fix_ops

    if not isinstance(fix, dict):
        raise fail("'fix' must be a mapping (safety, description, and generator or ops)", "fix")
    for key in fix:
        if key not in _FIX_KEYS:
            raise fail(f"unknown key '{key}' in fix (known: {', '.join(_FIX_KEYS)})", "fix", key)
    safety = fix.get("safety")
    if safety not in ("safe", "unsafe", "none"):
        raise fail("'fix' needs 'safety: safe', 'unsafe' or 'none'", "fix", *(("safety",) if "safety" in fix else ()))
    if safety == "none":
        for key in ("generator", "ops"):
            if key in fix:
                raise fail(f"a fix with 'safety: none' has no '{key}'", "fix", key)
        return None
    description = fix.get("description")
    if not isinstance(description, str) or not description.strip():
        raise fail("a fix needs a 'description' saying what it changes and why it is safe or not", "fix")
    if ("generator" in fix) == ("ops" in fix):
        raise fail(f"a '{safety}' fix names its 'generator' (one of: {', '.join(sorted(NAMED))}) or, in a "
                   "declarative rule, lists its 'ops'; it needs exactly one of them", "fix")
    one_line = " ".join(description.split())
    if "ops" in fix:
        if scope is None:
            raise fail("fix 'ops' are for declarative checks; a template rule names a 'generator'", "fix", "ops")
        try:
            ops = compile_fix_ops(fix["ops"])
        except DeclarativeError as exc:
            raise fail(str(exc), "fix", *exc.field) from None
        return FixBinding(safety, one_line, OpsFix(scope, ops), f"declarative in {path}")
    name = fix["generator"]
    generator = NAMED.get(name) if isinstance(name, str) else None
    if generator is None:
        raise fail(f"unknown fix generator '{name}' (one of: {', '.join(sorted(NAMED))})", "fix", "generator")
    if generator.safety == "unsafe" and safety == "safe":
        raise fail(f"fix generator '{name}' is unsafe (it can change how the workload runs); "
                   "declare 'safety: unsafe'", "fix", "safety")
    return FixBinding(safety, one_line, generator.function, f"generator {name} ({generator.module})")


def rule_files(directory: str | os.PathLike) -> list[str]:
    folder = FsPath(directory)
    if not folder.is_dir():
        raise RuleError(str(directory), 1, "rules directory does not exist")
    return sorted(str(p) for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


_parsed: dict[tuple[str, float], ParsedFile] = {}  # (path, mtime) -> a rule file as parsed


def _parse_rule_file(path: str) -> ParsedFile:
    """Rule files are parsed once per process (the admission check reads the shipped
    rules again); the rules are built anew each time (checks are looked up afresh)."""
    from kspm_lint.parsing.loader import parse_file

    key = (path, os.path.getmtime(path))
    parsed = _parsed.get(key)
    if parsed is None:
        parsed = _parsed[key] = parse_file(path)
    return parsed


def load_rules(extra_dirs: Iterable[str] = (), templates: TemplateSet | None = None,
               bind: bool = True) -> dict[str, Rule]:
    """Built-in rules plus users' rule directories; a duplicate id is an error.

    The loaded rules' fixes are bound in ``fix.generators.GENERATORS`` (by rule id,
    replacing those of an earlier load), where the fix code finds them; ``bind=False``
    (a check that reads the shipped rules) leaves that binding alone. The shipped rule
    files are parsed once per process."""
    templates = templates if templates is not None else builtin_templates()
    rules: dict[str, Rule] = {}
    directories: list[str | os.PathLike] = [builtin_rules_dir(), *extra_dirs]
    for directory in directories:
        for path in rule_files(directory):
            rule = load_rule_file(path, templates)
            if rule.id in rules:
                raise RuleError(path, 1, f"rule id '{rule.id}' is already defined in {rules[rule.id].source}")
            rules[rule.id] = rule
    if bind:
        GENERATORS.bind({rule.id: rule.fixer for rule in rules.values() if rule.fixer is not None})
    return rules


def select_rules(rules: dict[str, Rule], select: Iterable[str], ignore: Iterable[str]) -> list[Rule]:
    """Resolve selectors: a rule id, ``all``, a category, or ``pss:baseline`` /
    ``pss:restricted`` (restricted includes baseline, as the standard does).

    Input rules (a file that does not parse, a duplicate key) always run unless ignored
    by name: selecting a few posture rules must not make a broken file pass silently.
    """
    chosen: dict[str, Rule] = {r.id: r for r in rules.values() if r.category == "input"}
    select = list(select) or ["all"]
    for selector in select:
        matched = _match(rules, selector)
        if not matched:
            raise ValueError(f"--select '{selector}' matches no rule (see --list-rules)")
        chosen.update((r.id, r) for r in matched)
    for selector in ignore:
        matched = _match(rules, selector)
        if not matched:
            raise ValueError(f"--ignore '{selector}' matches no rule (see --list-rules)")
        for rule in matched:
            chosen.pop(rule.id, None)
    return sorted(chosen.values(), key=lambda r: r.id)


def _match(rules: dict[str, Rule], selector: str) -> list[Rule]:
    selector = selector.strip()
    if selector == "all":
        return list(rules.values())
    if selector in rules:
        return [rules[selector]]
    if selector.startswith("pss:"):
        levels = {"baseline": ("baseline",), "restricted": ("baseline", "restricted")}
        wanted = levels.get(selector[4:], ())
        return [r for r in rules.values() if r.pss_level in wanted]
    return [r for r in rules.values() if r.category == selector]


GENERATORS.install_loader(load_rules)  # reading the fixes before any load binds the built-in rules
