"""Declarative checks: jsonpath-ng paths with simple operators, written in rule files.

A rule's ``check`` block::

    scope: container          # resource | workload | pod | container
    kinds: [Service]          # optional: only these kinds
    exempt-windows: true      # optional: skip pods with spec.os.name: windows
    when:                     # every condition must hold for a violation
      - path: securityContext.readOnlyRootFilesystem
        op: not-equals
        value: true
    message: "container {container} ..."

Paths are relative to the scope: the resource (``workload``: a resource that carries
a pod), the pod spec or one container.
The first condition says where the finding points: at each offending value, or,
when the field is absent, at the container item / nearest written ancestor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from kspm_lint.engine.context import CheckContext, Violation
from kspm_lint.fix.model import PatchOp
from kspm_lint.location import Path, format_path

OPERATORS = ("exists", "absent", "equals", "not-equals", "in", "not-in", "matches", "not-matches")
SCOPES = ("resource", "workload", "pod", "container")
_NEEDS_VALUE = {"equals", "not-equals", "in", "not-in", "matches", "not-matches"}


class DeclarativeError(ValueError):
    """A bad declarative check; ``field`` names the offending key for locating it."""

    def __init__(self, message: str, field: tuple) -> None:
        super().__init__(message)
        self.field = field


def _same(a: Any, b: Any) -> bool:
    """Equality that keeps ``True`` and ``1`` apart, as YAML readers must."""
    return type(a) is type(b) and a == b if isinstance(a, bool) or isinstance(b, bool) else a == b


def _datum_path(datum: Any) -> Path:
    from jsonpath_ng import jsonpath

    parts: list[Any] = []

    def visit(node: Any) -> None:
        if isinstance(node, jsonpath.Child):
            visit(node.left)
            visit(node.right)
        elif isinstance(node, jsonpath.Fields):
            parts.extend(node.fields)
        elif isinstance(node, jsonpath.Index):
            parts.extend(getattr(node, "indices", None) or [node.index])  # type: ignore[attr-defined]

    visit(datum.full_path)
    return tuple(parts)


def _literal_path(expression: Any) -> Path | None:
    """The path a jsonpath expression names, when it is plain fields and indices."""
    from jsonpath_ng import jsonpath

    parts: list[Any] = []

    def visit(node: Any) -> bool:
        if isinstance(node, jsonpath.Child):
            return visit(node.left) and visit(node.right)
        if isinstance(node, jsonpath.Fields) and len(node.fields) == 1 and node.fields[0] != "*":
            parts.append(node.fields[0])
            return True
        return isinstance(node, (jsonpath.Root, jsonpath.This))

    return tuple(parts) if visit(expression) else None


@dataclass
class Condition:
    path_text: str
    op: str
    value: Any
    expression: Any
    literal: Path | None
    pattern: re.Pattern | None

    def offenders(self, data: Any) -> tuple[bool, list[tuple[Path, Any]]]:
        """(holds, [(path, value) of each offending value])."""
        found = [(_datum_path(d), d.value) for d in self.expression.find(data)]
        present = [(p, v) for p, v in found if v is not None]
        op = self.op
        if op == "exists":
            return bool(present), present
        if op == "absent":
            return not present, []
        if op == "equals":
            hits = [(p, v) for p, v in present if _same(v, self.value)]
        elif op == "not-equals":
            if not present:
                return True, []
            hits = [(p, v) for p, v in present if not _same(v, self.value)]
        elif op == "in":
            hits = [(p, v) for p, v in present if any(_same(v, x) for x in self.value)]
        elif op == "not-in":
            hits = [(p, v) for p, v in present if not any(_same(v, x) for x in self.value)]
        else:  # matches / not-matches: compile_condition always sets the pattern for them
            pattern = self.pattern
            assert pattern is not None
            wanted = op == "matches"
            hits = [(p, v) for p, v in present if isinstance(v, str) and bool(pattern.search(v)) is wanted]
        return bool(hits), hits


def compile_condition(raw: Any, index: int) -> Condition:
    from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
    from jsonpath_ng.ext import parse

    where = ("when", index)
    if not isinstance(raw, dict):
        raise DeclarativeError("each 'when' entry must be a mapping with path and op", where)
    unknown = set(raw) - {"path", "op", "value"}
    if unknown:
        raise DeclarativeError(f"unknown key '{sorted(unknown)[0]}' in condition", where)
    path_text, op = raw.get("path"), raw.get("op")
    if not isinstance(path_text, str) or not path_text:
        raise DeclarativeError("condition needs a 'path' (a jsonpath-ng expression)", where)
    if op not in OPERATORS:
        raise DeclarativeError(
            f"unknown operator '{op}' (one of: {', '.join(OPERATORS)})", where + ("op",)
        )
    if op in _NEEDS_VALUE and "value" not in raw:
        raise DeclarativeError(f"operator '{op}' needs a 'value'", where)
    value = raw.get("value")
    if op in ("in", "not-in") and not isinstance(value, list):
        raise DeclarativeError(f"operator '{op}' needs a list 'value'", where + ("value",))
    pattern = None
    if op in ("matches", "not-matches"):
        try:
            pattern = re.compile(str(value))
        except re.error as exc:
            raise DeclarativeError(f"bad regular expression: {exc}", where + ("value",)) from None
    try:
        expression = parse(path_text)
    except (JsonPathLexerError, JsonPathParserError, Exception) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DeclarativeError(f"bad jsonpath '{path_text}': {message}", where + ("path",)) from None
    return Condition(path_text, op, value, expression, _literal_path(expression), pattern)


@dataclass
class DeclarativeCheck:
    scope: str
    kinds: frozenset[str] | None
    conditions: list[Condition]
    message: str
    exempt_windows: bool = False

    def __call__(self, ctx: CheckContext) -> Iterable[Violation]:
        resource = ctx.resource
        if self.kinds is not None and resource.kind not in self.kinds:
            return
        if self.scope == "resource":
            yield from self._evaluate(resource.data, (), None, ctx)
            return
        pod = ctx.pod
        if pod is None or (self.exempt_windows and pod.is_windows):
            return
        if self.scope == "workload":
            yield from self._evaluate(resource.data, (), None, ctx)
            return
        if self.scope == "pod":
            yield from self._evaluate(pod.data, pod.path, None, ctx)
            return
        for container in pod.containers():
            yield from self._evaluate(container.data, container.path, container.name, ctx)

    def _evaluate(self, data: Any, base: Path, container: str | None, ctx: CheckContext):
        results = [condition.offenders(data) for condition in self.conditions]
        if not all(holds for holds, _ in results):
            return
        first = self.conditions[0]
        hits = results[0][1]
        values = {"container": container or "", "kind": ctx.resource.kind, "name": ctx.resource.name}
        if hits:
            for path, value in hits:
                text = self.message.format(value=value, path=format_path(path), **values)
                yield Violation(base + path, text, container)
            return
        missing = base + (first.literal or ())
        text = self.message.format(value="", path=format_path(first.literal or ()), **values)
        # A container setting that is missing points at the container item.
        yield Violation(missing, text, container, at=base if container is not None else None)


def compile_check(raw: dict[str, Any]) -> DeclarativeCheck:
    unknown = set(raw) - {"scope", "kinds", "when", "message", "exempt-windows"}
    if unknown:
        raise DeclarativeError(f"unknown key '{sorted(unknown)[0]}' in check", (sorted(unknown)[0],))
    scope = raw.get("scope", "resource")
    if scope not in SCOPES:
        raise DeclarativeError(f"unknown scope '{scope}' (one of: {', '.join(SCOPES)})", ("scope",))
    kinds = raw.get("kinds")
    if kinds is not None and not (isinstance(kinds, list) and all(isinstance(k, str) for k in kinds)):
        raise DeclarativeError("'kinds' must be a list of kind names", ("kinds",))
    when = raw.get("when")
    if not isinstance(when, list) or not when:
        raise DeclarativeError("a declarative check needs a non-empty 'when' list", ("when",))
    message = raw.get("message")
    if not isinstance(message, str):
        raise DeclarativeError("a declarative check needs a 'message'", ("message",))
    try:
        message.format(value="", path="", container="", kind="", name="")
    except Exception as exc:  # KeyError, IndexError, ValueError, AttributeError ({value.x})
        raise DeclarativeError(
            f"bad message template ({type(exc).__name__}: {exc}); placeholders are "
            "{container} {kind} {name} {value} {path}",
            ("message",),
        ) from None
    exempt_windows = raw.get("exempt-windows", False)
    if not isinstance(exempt_windows, bool):
        raise DeclarativeError("'exempt-windows' must be true or false", ("exempt-windows",))
    conditions = [compile_condition(entry, index) for index, entry in enumerate(when)]
    return DeclarativeCheck(scope, frozenset(kinds) if kinds else None, conditions, message, exempt_windows)


FIX_OPS = ("set", "remove", "append")
_PATH_TOKEN = re.compile(r"""\.?([A-Za-z0-9_-]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]|\["((?:[^"\\]|\\.)*)"\]""")


def parse_fix_path(text: str) -> Path:
    """``securityContext.capabilities.drop``, ``ports[0].hostPort``,
    ``metadata.annotations['example.com/x']``: keys, list indices, quoted keys."""
    parts: list[Any] = []
    position = 0
    while position < len(text):
        match = _PATH_TOKEN.match(text, position)
        if match is None or (match.group(0).startswith(".") and position == 0) or \
                (match.group(1) is not None and position > 0 and not match.group(0).startswith(".")):
            raise ValueError(f"bad path '{text}' at character {position + 1} (write keys as a.b, list "
                             "items as a[0], other keys as a['x.y'])")
        key, index, single, double = match.groups()
        if index is not None:
            parts.append(int(index))
        elif key is not None:
            parts.append(key)
        else:
            quoted = single if single is not None else double
            parts.append(re.sub(r"\\(.)", r"\1", quoted))
        position = match.end()
    if not parts:
        raise ValueError("a fix op needs a non-empty 'path'")
    return tuple(parts)


def _plain(value: Any) -> bool:
    """Data a manifest can hold: strings, numbers, booleans, lists and string-keyed mappings."""
    if isinstance(value, (str, bool, int, float)):
        return True
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def compile_fix_ops(raw: Any) -> tuple[PatchOp, ...]:
    """A declarative fix's ``ops`` (paths relative to the check's scope) as ``PatchOp``s.

    Errors are ``DeclarativeError`` with the offending key under ``fix``."""
    if not isinstance(raw, list) or not raw:
        raise DeclarativeError("'ops' must be a non-empty list of {op, path, value} entries", ("ops",))
    ops: list[PatchOp] = []
    for index, entry in enumerate(raw):
        where = ("ops", index)
        if not isinstance(entry, dict):
            raise DeclarativeError("each fix op is a mapping with op, path and value", where)
        unknown = sorted(set(entry) - {"op", "path", "value", "prune"})
        if unknown:
            raise DeclarativeError(f"unknown key '{unknown[0]}' in fix op (known: op, path, value, prune)",
                                   where + (unknown[0],))
        op = entry.get("op")
        if op not in FIX_OPS:
            raise DeclarativeError(f"unknown fix op '{op}' (one of: {', '.join(FIX_OPS)})",
                                   where + (("op",) if "op" in entry else ()))
        path_text = entry.get("path")
        if not isinstance(path_text, str):
            raise DeclarativeError("a fix op needs a 'path' (text such as securityContext.privileged)",
                                   where + (("path",) if "path" in entry else ()))
        try:
            path = parse_fix_path(path_text)
        except ValueError as exc:
            raise DeclarativeError(str(exc), where + ("path",)) from None
        prune = entry.get("prune", False)
        if not isinstance(prune, bool) or (prune and op != "remove"):
            raise DeclarativeError("'prune' is true or false, and only for 'remove'", where + ("prune",))
        if op == "remove":
            if "value" in entry:
                raise DeclarativeError("'remove' takes no 'value'", where + ("value",))
            ops.append(PatchOp("remove", path, prune=prune))
            continue
        if "value" not in entry:
            raise DeclarativeError(f"'{op}' needs a 'value'", where)
        value = entry["value"]
        if not _plain(value):
            raise DeclarativeError(f"the value of '{op}' must be a string, number, boolean, list or "
                                   f"mapping, not {'null' if value is None else type(value).__name__}",
                                   where + ("value",))
        if op == "append" and isinstance(value, list):
            raise DeclarativeError("'append' adds one item: its value cannot be a list", where + ("value",))
        ops.append(PatchOp(op, path, value))
    return tuple(ops)
