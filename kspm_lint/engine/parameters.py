"""Typed check parameters: the one place a parameter value is checked.

A check template declares its parameters (name, type, default, one-line description);
rule files give values when they instantiate the template and the config can override
them under ``parameters.<rule>``. Both go through ``resolve`` / ``check_overrides``
here, so a rule file and a config file get the same errors for the same mistake.
Errors carry the offending key; the caller turns it into a file and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

TYPES = ("string", "regex", "boolean", "integer", "string-list", "path-list", "message", "value")


class _Required:
    """The default of a parameter that has none: the rule file must give a value."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


class ParameterError(ValueError):
    """A bad parameter value; ``key`` is the parameter's name (None: the whole block)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str
    default: Any = REQUIRED
    placeholders: tuple[str, ...] = ()  # for ``message``: the {names} the text may use

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"parameter '{self.name}': unknown type '{self.type}' (one of: {', '.join(TYPES)})")

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def type_label(self) -> str:
        if self.type == "message" and self.placeholders:
            return "message (" + ", ".join("{" + p + "}" for p in self.placeholders) + ")"
        return self.type


_EXPECTED = {
    "string": "a string",
    "regex": "a regular expression (a string)",
    "boolean": "true or false",
    "integer": "an integer",
    "string-list": "a list of strings",
    "path-list": "a list of absolute paths (strings starting with /)",
    "message": "a message (a string)",
    "value": "a value (a string, number, boolean, list or mapping)",
}


def _shown(value: Any) -> str:
    kind = "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else \
        "a boolean" if isinstance(value, bool) else "null" if value is None else type(value).__name__
    return f"{kind} ({value!r})" if not isinstance(value, (list, dict)) else kind


def check_value(parameter: Parameter, value: Any, owner: str) -> None:
    """Raise ParameterError when ``value`` does not fit ``parameter`` (``owner``: the rule id)."""
    name, kind = parameter.name, parameter.type
    wrong = ParameterError(f"parameter '{name}' of '{owner}' must be {_EXPECTED[kind]}, not {_shown(value)}", name)
    if kind in ("string", "regex", "message"):
        if not isinstance(value, str):
            raise wrong
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise wrong
    elif kind == "integer":
        if type(value) is not int:
            raise wrong
    elif kind == "value":  # data the template interprets itself (a template's own structure)
        if value is None:
            raise wrong
    elif not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
        raise wrong
    if kind == "regex":
        try:
            re.compile(value)
        except re.error as exc:
            raise ParameterError(f"parameter '{name}' of '{owner}' is not a valid regular expression: {exc}",
                                 name) from None
    elif kind == "path-list":
        relative = [item for item in value if not item.startswith("/")]
        if relative:
            raise ParameterError(f"parameter '{name}' of '{owner}' must list absolute paths; "
                                 f"'{relative[0]}' does not start with /", name)
    elif kind == "message":
        try:
            value.format(**{placeholder: "" for placeholder in parameter.placeholders})
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            allowed = " ".join("{" + p + "}" for p in parameter.placeholders) or "none"
            raise ParameterError(f"parameter '{name}' of '{owner}' is not a valid message "
                                 f"({type(exc).__name__}: {exc}); placeholders: {allowed}", name) from None


def _unknown(schema: Iterable[Parameter], name: Any, owner: str) -> ParameterError:
    known = ", ".join(p.name for p in schema) or "none"
    return ParameterError(f"rule '{owner}' has no parameter '{name}' (known: {known})", str(name))


def resolve(schema: tuple[Parameter, ...], given: Mapping[str, Any], owner: str) -> dict[str, Any]:
    """Every parameter's value: the given one (checked) or the default; unknown or
    missing required parameters are errors. In schema order."""
    by_name = {p.name: p for p in schema}
    for name, value in given.items():
        if name not in by_name:
            raise _unknown(schema, name, owner)
        check_value(by_name[name], value, owner)
    missing = [p.name for p in schema if p.required and p.name not in given]
    if missing:
        raise ParameterError(f"rule '{owner}' needs parameter(s) {', '.join(missing)} "
                             f"(add them under 'parameters:')")
    # An optional parameter without a default (None) is left out when not given: the
    # template reads its absence ("no minimum") rather than a placeholder.
    return {p.name: given.get(p.name, p.default) for p in schema if p.name in given or p.default is not None}


def check_overrides(schema: tuple[Parameter, ...], overrides: Mapping[str, Any], owner: str) -> None:
    """Config ``parameters.<rule>``: each override must be a known, well-typed parameter."""
    by_name = {p.name: p for p in schema}
    for name, value in overrides.items():
        if name not in by_name:
            raise _unknown(schema, name, owner)
        check_value(by_name[name], value, owner)


def inferred_schema(values: Mapping[str, Any]) -> tuple[Parameter, ...]:
    """A declarative rule's parameters have no declaration: their type is their value's."""
    found = []
    for name, value in values.items():
        if isinstance(value, bool):
            kind = "boolean"
        elif type(value) is int:
            kind = "integer"
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            kind = "string-list"
        elif isinstance(value, str):
            kind = "regex" if str(name).endswith("pattern") else "string"
        else:
            raise ParameterError(f"parameter '{name}' must be a string, a boolean, an integer "
                                 "or a list of strings", str(name))
        found.append(Parameter(str(name), kind, "declared in the rule file", value))
    return tuple(found)
