"""Rule files: load, validate (errors name the file and line) and select rules."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.findings import Severity
from kspm_lint.parsing.document import Document

RULE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CATEGORIES = ("pod-security", "workload-hardening", "supply-chain", "secrets", "rbac", "input")
_REQUIRED = ("id", "title", "severity", "category", "description", "remediation", "check")
_KNOWN = set(_REQUIRED) | {"references", "frameworks", "equivalents", "parameters", "fix"}
FRAMEWORK_KEYS = ("pss", "cis", "nsa", "mitre")
EQUIVALENT_KEYS = ("kube-linter", "polaris", "checkov", "kubescape", "kubeaudit", "kube-score", "trivy")


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

    @property
    def pss_level(self) -> str | None:
        pss = self.frameworks.get("pss")
        return pss.get("level") if isinstance(pss, dict) else None

    @property
    def fix_safety(self) -> str | None:
        return self.fix.get("safety") if self.fix else None


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


def load_rule_file(path: str, checks: dict[str, Callable]) -> Rule:
    from kspm_lint.engine.declarative import DeclarativeError, compile_check
    from kspm_lint.parsing.loader import parse_file

    parsed = parse_file(path)
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
    fix = raw.get("fix")
    if fix is not None and (not isinstance(fix, dict) or fix.get("safety") not in ("safe", "unsafe", "none")):
        raise fail("'fix' needs 'safety: safe', 'unsafe' or 'none'", "fix")

    spec = raw["check"]
    if not isinstance(spec, dict):
        raise fail("'check' must be a mapping", "check")
    evaluate: Callable | None
    if "python" in spec:
        name = spec["python"]
        if name not in checks:
            raise fail(f"unknown Python check '{name}'", "check", "python")
        kind, evaluate = "python", checks[name]
    elif spec.get("engine") is True:
        kind, evaluate = "engine", None
    else:
        try:
            kind, evaluate = "declarative", compile_check(spec)
        except DeclarativeError as exc:
            raise fail(str(exc), "check", *exc.field) from None
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
        parameters=raw.get("parameters", {}),
        check_kind=kind,
        evaluate=evaluate,
        source=path,
        fix=fix,
    )


def rule_files(directory: str | os.PathLike) -> list[str]:
    folder = FsPath(directory)
    if not folder.is_dir():
        raise RuleError(str(directory), 1, "rules directory does not exist")
    return sorted(str(p) for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_rules(extra_dirs: Iterable[str] = ()) -> dict[str, Rule]:
    """Built-in rules plus users' rule directories; a duplicate id is an error."""
    from kspm_lint.checks import load_builtin_checks

    checks = load_builtin_checks()
    rules: dict[str, Rule] = {}
    for directory in [builtin_rules_dir(), *extra_dirs]:
        for path in rule_files(directory):
            rule = load_rule_file(path, checks)
            if rule.id in rules:
                raise RuleError(path, 1, f"rule id '{rule.id}' is already defined in {rules[rule.id].source}")
            rules[rule.id] = rule
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
