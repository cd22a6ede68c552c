"""Configuration: ``.kspm-lint.yaml`` (found upward) or ``[tool.kspm-lint]`` in pyproject.toml."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kspm_lint.engine.parameters import ParameterError, check_overrides
from kspm_lint.findings import Severity

CONFIG_NAMES = (".kspm-lint.yaml", ".kspm-lint.yml")
_LIST_KEYS = ("select", "ignore", "exclude", "rules-dirs")
_IGNORE_KEYS = {"rules", "kind", "namespace", "name", "container", "file", "reason"}
KNOWN_KEYS = set(_LIST_KEYS) | {"fail-on", "severity", "parameters", "ignores", "inline-suppressions"}


class ConfigError(Exception):
    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")


@dataclass
class Config:
    path: str | None = None
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    rules_dirs: list[str] = field(default_factory=list)
    fail_on: Severity | None = None
    severity: dict[str, Severity] = field(default_factory=dict)
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    ignores: list[dict[str, Any]] = field(default_factory=list)
    inline_suppressions: bool = True
    line_of: Callable[[Any], int] = field(default=lambda key: 1, repr=False, compare=False)

    def error(self, message: str, *key: Any) -> ConfigError:
        return ConfigError(self.path or "<config>", self.line_of(tuple(key)), message)

    def check_against(self, rules: dict[str, Any]) -> None:
        """Errors for rule ids the rules do not know and parameters they do not take.

        A typo in a parameter name would otherwise be ignored in silence, and a value of
        the wrong type (a string where a list belongs) would quietly change a check.
        """
        for rule_id in self.severity:
            if rule_id not in rules:
                raise self.error(f"'severity' names unknown rule '{rule_id}'", "severity", rule_id)
        for index, entry in enumerate(self.ignores):
            names = entry.get("rules", ["all"])
            for name in [names] if isinstance(names, str) else names:
                if name != "all" and name not in rules:
                    raise self.error(f"'ignores' entry names unknown rule '{name}'", "ignores", index)
        for rule_id, values in self.parameters.items():
            if rule_id not in rules:
                raise self.error(f"'parameters' names unknown rule '{rule_id}'", "parameters", rule_id)
            try:  # the same schema and checks as the rule file's own parameters
                check_overrides(rules[rule_id].schema, values, rule_id)
            except ParameterError as exc:
                raise self.error(str(exc), "parameters", rule_id, *([exc.key] if exc.key else [])) from None


def find_config(start: str | None = None) -> str | None:
    """The nearest config file at or above ``start`` (the working directory)."""
    directory = Path(start or os.getcwd()).resolve()
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return str(candidate)
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.kspm-lint]" in pyproject.read_text(errors="replace"):
            return str(pyproject)
    return None


def _load_toml(path: str) -> tuple[dict[str, Any], Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, getattr(exc, "lineno", 1) or 1, f"invalid TOML: {exc}") from None
    lines = text.splitlines()

    def line_of(key: Any) -> int:
        """TOML keeps no positions: the first line that starts with the most specific name."""
        names = [str(k) for k in (key if isinstance(key, tuple) else (key,)) if isinstance(k, str)]
        for needle in reversed(names):
            for number, line in enumerate(lines, start=1):
                if line.strip().lstrip("[").strip('"').startswith(needle):
                    return number
        return 1

    return data.get("tool", {}).get("kspm-lint", {}), line_of


def _load_yaml(path: str) -> tuple[dict[str, Any], Any]:
    from kspm_lint.parsing.loader import parse_file

    parsed = parse_file(path)
    if parsed.problems:
        raise ConfigError(path, parsed.problems[0].span.line, parsed.problems[0].message)
    if not parsed.documents:
        return {}, lambda key: 1
    document = parsed.documents[0]
    if not isinstance(document.data, dict):
        raise ConfigError(path, document.start_line, "the config must be a mapping")
    return document.data, lambda key: document.locate(key if isinstance(key, tuple) else (key,)).line


def load_config(path: str) -> Config:
    raw, line_of = _load_toml(path) if path.endswith(".toml") else _load_yaml(path)
    base = Path(path).resolve().parent

    def fail(message: str, key: Any) -> ConfigError:
        return ConfigError(path, line_of(key), message)

    config = Config(path=path, line_of=lambda key: line_of(key))
    for key, value in raw.items():
        if key not in KNOWN_KEYS:
            raise fail(f"unknown config key '{key}' (known: {', '.join(sorted(KNOWN_KEYS))})", key)
        if key in _LIST_KEYS and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise fail(f"'{key}' must be a list of strings", key)
    config.select = list(raw.get("select", []))
    config.ignore = list(raw.get("ignore", []))
    config.exclude = list(raw.get("exclude", []))
    config.rules_dirs = [str((base / d).resolve()) for d in raw.get("rules-dirs", [])]
    if "fail-on" in raw:
        try:
            config.fail_on = Severity.parse(str(raw["fail-on"]))
        except ValueError as exc:
            raise fail(str(exc), "fail-on") from None
    severity = raw.get("severity", {})
    if not isinstance(severity, dict):
        raise fail("'severity' maps rule ids to severities", "severity")
    for rule, level in severity.items():
        try:
            config.severity[rule] = Severity.parse(str(level))
        except ValueError as exc:
            raise fail(str(exc), ("severity", rule)) from None
    parameters = raw.get("parameters", {})
    if not isinstance(parameters, dict) or not all(isinstance(v, dict) for v in parameters.values()):
        raise fail("'parameters' maps rule ids to mappings of parameters", "parameters")
    config.parameters = parameters
    ignores = raw.get("ignores", [])
    if not isinstance(ignores, list):
        raise fail("'ignores' must be a list of entries", "ignores")
    for index, entry in enumerate(ignores):
        if not isinstance(entry, dict):
            raise fail("each 'ignores' entry is a mapping (rules, kind, namespace, name, container, file, reason)",
                       ("ignores", index))
        unknown = set(entry) - _IGNORE_KEYS
        if unknown:
            raise fail(f"unknown key '{sorted(unknown)[0]}' in ignores entry (known: "
                       f"{', '.join(sorted(_IGNORE_KEYS))})", ("ignores", index))
    config.ignores = ignores
    inline = raw.get("inline-suppressions", True)
    if not isinstance(inline, bool):
        raise fail("'inline-suppressions' must be true or false", "inline-suppressions")
    config.inline_suppressions = inline
    return config
