"""Values as Helm composes them, with the file and key that set each one.

Layers, lowest precedence first: each subchart's own ``values.yaml`` (under the
subchart's name or alias), the chart's ``values.yaml``, the user's values files in
order, then ``--set`` pairs. A later layer overrides an earlier one key by key; a null
deletes the key, as in Helm.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

import yaml

from kspm_lint.helm.paths import display_path
from kspm_lint.location import Path, Span, value_at
from kspm_lint.origin import FixTarget, Location
from kspm_lint.parsing.document import Document
from kspm_lint.parsing.loader import parse_file


@dataclass
class ValuesLayer:
    """One source of values; ``file`` is None for ``--set`` pairs."""

    file: str | None
    prefix: Path
    data: dict[str, Any]
    document: Document | None = None
    label: str = ""
    default: bool = False  # a chart's own values.yaml, which the engine reads itself


class ValuesError(Exception):
    """A values file or --set pair that cannot be read: ``location`` says where."""

    def __init__(self, message: str, location: Location) -> None:
        super().__init__(message)
        self.location = location


def load_layers(chart_dir: str, values_files: tuple[str, ...], set_values: tuple[str, ...]) -> list[ValuesLayer]:
    layers = _chart_defaults(chart_dir, ())
    for path in values_files:
        layers.append(_file_layer(path, ()))
    if set_values:
        data: dict[str, Any] = {}
        for pair in set_values:
            _apply_set(data, pair)
        layers.append(ValuesLayer(None, (), data, label="--set"))
    return layers


def _chart_defaults(chart_dir: str, prefix: Path) -> list[ValuesLayer]:
    layers: list[ValuesLayer] = []
    for name, sub_dir in _subcharts(chart_dir):
        layers += _chart_defaults(sub_dir, prefix + (name,))
    own = os.path.join(chart_dir, "values.yaml")
    if os.path.isfile(own):
        layer = _file_layer(own, prefix)
        layer.default = True
        layers.append(layer)
    return layers


def _subcharts(chart_dir: str) -> list[tuple[str, str]]:
    """(values key, directory) of each unpacked subchart; the key is its alias when
    Chart.yaml gives one."""
    charts = os.path.join(chart_dir, "charts")
    if not os.path.isdir(charts):
        return []
    aliases = {}
    meta = read_chart_yaml(chart_dir)
    for dep in meta.get("dependencies") or []:
        if isinstance(dep, dict) and dep.get("alias") and dep.get("name"):
            aliases[str(dep["name"])] = str(dep["alias"])
    found = []
    for entry in sorted(os.listdir(charts)):
        sub_dir = os.path.join(charts, entry)
        if os.path.isfile(os.path.join(sub_dir, "Chart.yaml")):
            name = str(read_chart_yaml(sub_dir).get("name") or entry)
            found.append((aliases.get(name, name), sub_dir))
    return found


def read_chart_yaml(chart_dir: str) -> dict[str, Any]:
    try:
        with open(os.path.join(chart_dir, "Chart.yaml"), encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _file_layer(path: str, prefix: Path) -> ValuesLayer:
    shown = display_path(path)
    if not os.path.isfile(path):
        raise ValuesError(f"values file {shown} does not exist", Location(shown, Span.point(1)))
    parsed = parse_file(path, shown)
    if parsed.problems:
        problem = parsed.problems[0]
        raise ValuesError(f"values file {shown}: {problem.message}", Location(shown, problem.span))
    if not parsed.documents or parsed.documents[0].data is None:
        return ValuesLayer(shown, prefix, {}, None, os.path.basename(path))
    document = parsed.documents[0]
    if not isinstance(document.data, dict):
        raise ValuesError(f"values file {shown} is not a mapping", Location(shown, Span.point(1)))
    return ValuesLayer(shown, prefix, document.data, document, os.path.basename(path))


_SET_SPLIT = re.compile(r"(?<!\\),")
_SET_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _apply_set(data: dict[str, Any], text: str) -> None:
    """Apply ``a.b[0].c=v,x=y`` (the common part of Helm's --set syntax)."""
    for pair in _SET_SPLIT.split(text):
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ValuesError(f"--set {pair!r} is not key=value", Location("--set", Span.point(1)))
        steps: list[str | int] = [m.group(1) if m.group(1) is not None else int(m.group(2))
                                  for m in _SET_STEP.finditer(key.replace("\\.", "\0"))]
        steps = [s.replace("\0", ".") if isinstance(s, str) else s for s in steps]
        _put(data, steps, _typed(raw.replace("\\,", ",")))


def _typed(raw: str) -> Any:
    if raw in ("true", "false"):
        return raw == "true"
    if raw == "null":
        return None
    if re.fullmatch(r"-?[0-9]+", raw):
        return int(raw)
    return raw


def _put(node: Any, steps: list[str | int], value: Any) -> None:
    for number, step in enumerate(steps):
        last = number == len(steps) - 1
        following: Any = value if last else ([] if isinstance(steps[number + 1], int) else {})
        if isinstance(step, int):
            while len(node) <= step:
                node.append(None)
            if last or not isinstance(node[step], (dict, list)):
                node[step] = following
        else:
            if last or not isinstance(node.get(step), (dict, list)):
                node[step] = following
        node = node[step]


def merge_layers(layers: list[ValuesLayer], keep_nulls: bool = False) -> dict[str, Any]:
    """The layers merged as Helm merges them; ``keep_nulls`` keeps a null (it must reach
    the engine, where it deletes the chart's default)."""
    merged: dict[str, Any] = {}
    for layer in layers:
        target = merged
        for key in layer.prefix:
            target = target.setdefault(str(key), {})
        _merge_into(target, layer.data, keep_nulls)
    return merged


def _merge_into(target: dict[str, Any], source: dict[str, Any], keep_nulls: bool) -> None:
    for key, value in source.items():
        if value is None:
            if keep_nulls:
                target[key] = None
            else:
                target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_into(target[key], value, keep_nulls)
        elif isinstance(value, dict):
            target[key] = {}
            _merge_into(target[key], value, keep_nulls)
        else:
            target[key] = value


class ValuesIndex:
    """The effective values and, for a values path, the layer that sets it."""

    def __init__(self, layers: list[ValuesLayer]) -> None:
        self.layers = layers
        self.effective = merge_layers(layers)

    def user_values(self) -> dict[str, Any]:
        """What the engine is given: the user's layers (the chart's defaults it reads itself)."""
        return merge_layers([layer for layer in self.layers if not layer.default], keep_nulls=True)

    def value(self, path: Path) -> Any:
        return value_at(self.effective, path)

    def exists(self, path: Path) -> bool:
        return _exists(self.effective, path)

    def setter(self, path: Path) -> tuple[ValuesLayer, Path] | None:
        """The highest-precedence layer that writes ``path`` (maybe the --set layer)."""
        for layer in reversed(self.layers):
            if len(path) < len(layer.prefix) or tuple(path[:len(layer.prefix)]) != layer.prefix:
                continue
            inner = tuple(path[len(layer.prefix):])
            if _exists(layer.data, inner):
                return layer, inner
        return None

    def location(self, path: Path, what: str | None) -> Location | None:
        found = self.setter(path)
        if found is None:
            return None
        layer, inner = found
        if layer.document is None or layer.file is None:
            return None
        return Location(layer.file, layer.document.locate(inner), what)

    def fix_target(self, path: Path) -> FixTarget | None:
        """Where a fix for values ``path`` is written: the file setting it, or for a
        missing key the file setting its nearest existing parent mapping."""
        for cut in range(len(path), 0, -1):
            found = self.setter(path[:cut])
            if found is None:
                continue
            layer, inner = found
            if layer.file is None:
                return None  # set by --set: no file to fix
            return FixTarget(layer.file, 0, inner + tuple(path[cut:]))
        return None


def _exists(data: Any, path: Path) -> bool:
    for step in path:
        in_mapping = isinstance(step, str) and isinstance(data, dict) and step in data
        in_list = isinstance(step, int) and isinstance(data, list) and 0 <= step < len(data)
        if in_mapping or in_list:
            data = data[step]
        else:
            return False
    return True
