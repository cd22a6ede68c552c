"""Write new values as YAML or JSON text, in the style of the place they go.

Only inserted values are written here; existing text is never re-emitted. Scalars are
written plain only when a YAML 1.1 reader (the API server's) reads them back as the
same string: ``yes``, ``on``, ``1.0`` or ``~`` get quotes.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import yaml

from kspm_lint.fix.style import Style

_SAFE_PLAIN = re.compile(r"[A-Za-z0-9_/][A-Za-z0-9_./-]*\Z")
_SHORT_BOOLS = {"y", "Y", "n", "N"}
_resolver = yaml.resolver.Resolver()


@lru_cache(maxsize=4096)  # the same keys and values are written again and again
def _plain_ok(text: str) -> bool:
    if not _SAFE_PLAIN.match(text) or text in _SHORT_BOOLS:
        return False
    return _resolver.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"


def scalar(value: Any, json_style: bool = False, quote: str | None = None) -> str:
    """A scalar's text. ``quote`` keeps the quoting style of a value being replaced."""
    if json_style:
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if quote == "'" and "\n" not in text:
        return "'" + text.replace("'", "''") + "'"
    if quote is None and _plain_ok(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def flow(value: Any, json_style: bool = False) -> str:
    """A value on one line: ``{type: RuntimeDefault}`` or its JSON form."""
    if json_style:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    return scalar(value)


def flow_entry(key: str, value: Any, json_style: bool) -> str:
    return f"{scalar(key, json_style)}: {flow(value, json_style)}"


def block_entry(key: str, value: Any, style: Style) -> list[str]:
    """Lines (without indentation of their own) of ``key: value`` in block style."""
    head = f"{scalar(key)}:"
    if isinstance(value, dict) and value:
        pad = " " * style.map_step
        return [head] + [pad + line for line in block_mapping(value, style)]
    if isinstance(value, list) and value:
        pad = " " * style.seq_offset
        return [head] + [pad + line for line in block_sequence(value, style)]
    return [f"{head} {flow(value)}"]


def block_mapping(value: dict, style: Style) -> list[str]:
    lines: list[str] = []
    for key, item in value.items():
        lines.extend(block_entry(key, item, style))
    return lines


def block_item(value: Any, style: Style) -> list[str]:
    """Lines of one sequence item, starting with its dash."""
    if isinstance(value, dict) and value:
        inner = block_mapping(value, style)
        dash = "-" + " " * (style.item_offset - 1)
        pad = " " * style.item_offset
        return [dash + inner[0]] + [pad + line for line in inner[1:]]
    return [f"- {flow(value)}"]


def block_sequence(value: list, style: Style) -> list[str]:
    lines: list[str] = []
    for item in value:
        lines.extend(block_item(item, style))
    return lines
