"""One way to judge a configuration setting, shared by control-plane flags and
KubeletConfiguration fields.

A rule names the setting and, in its ``parameters``, what is wrong with it:

- ``default``: the value the component uses when the setting is not written
  (omit it when there is none: the setting is then simply unset);
- ``forbidden``: values that are a finding (booleans compare as ``true``/``false``);
- ``allowed``: the only values that are fine;
- ``must-include`` / ``must-not-include``: items a comma-separated list (or a YAML
  list) must or must not hold; ``only-items``: the items a list may hold;
- ``min``: the lowest acceptable number (``zero-means-unlimited``: 0 is fine too);
- ``required``: the setting must be written (or have a default);
- ``forbid-set``: writing the setting at all is a finding;
- ``forbid-zero-duration``: a duration of zero (``0``, ``0s``, ``0h0m``) is a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_TRUE = {"t", "true"}
_FALSE = {"f", "false"}
_ZERO_DURATION = re.compile(r"^(?:0+(?:\.0+)?(?:ns|us|µs|ms|s|m|h)?)+$")


def normal(value: Any, boolean: bool = False) -> str:
    """A value as text, booleans spelled the way Go's strconv.ParseBool reads them
    (``1`` and ``0`` too when the setting is a boolean)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value).strip()
    lowered = text.lower()
    if lowered in _TRUE or (boolean and lowered == "1"):
        return "true"
    if lowered in _FALSE or (boolean and lowered == "0"):
        return "false"
    return text


def items_of(value: Any) -> list[str]:
    """The items of a comma-separated list or a YAML list."""
    if isinstance(value, list):
        return [str(item).strip() for item in value if str(item).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


@dataclass(frozen=True)
class Verdict:
    """What is wrong with a setting: ``written`` tells whether the finding is about a
    value written in the file or about the default the component applies."""

    reason: str
    written: bool


def judge(name: str, value: Any, written: bool, params: dict[str, Any]) -> Verdict | None:
    """Judge one setting; ``value`` is what was written (``written``) or None."""
    has_default = "default" in params
    if not written:
        if params.get("forbid-set"):
            return None
        if not has_default or params["default"] is None:
            if params.get("required"):
                return Verdict(f"{name} is not set", False)
            return None
        value = params["default"]
    elif params.get("forbid-set"):
        return Verdict(f"{name} is set", True)
    elif params.get("required") and str(value).strip() == "":
        return Verdict(f"{name} is empty", True)
    how = "is set to" if written else "is not set, so it defaults to"
    boolean = bool(params.get("boolean"))
    text = normal(value, boolean)
    forbidden = [normal(v, boolean) for v in params.get("forbidden", [])]
    if text in forbidden:
        return Verdict(f"{name} {how} {text}", written)
    allowed = params.get("allowed")
    if allowed is not None and text not in [normal(v, boolean) for v in allowed]:
        shown = " or ".join(normal(v, boolean) for v in allowed)
        return Verdict(f"{name} {how} {text} (expected {shown})", written)
    if params.get("forbid-zero-duration") and _ZERO_DURATION.match(text.replace(" ", "")):
        return Verdict(f"{name} {how} {text}, which disables the timeout", written)
    if "min" in params:
        try:
            number = float(text)
        except ValueError:
            number = None
        unlimited = number == 0 and params.get("zero-means-unlimited")
        if number is None or (number < float(params["min"]) and not unlimited):
            return Verdict(f"{name} {how} {text} (at least {params['min']} expected)", written)
    items = items_of(value)
    missing = [item for item in _texts(params.get("must-include", [])) if item not in items]
    if missing:
        shown = ",".join(items) if items else "nothing"
        return Verdict(f"{name} {how} {shown}, without {' and '.join(missing)}", written)
    present = [item for item in _texts(params.get("must-not-include", [])) if item in items]
    if present:
        return Verdict(f"{name} {how} {','.join(items)}, which includes {' and '.join(present)}", written)
    if "only-items" in params:
        extra = [item for item in items if item not in _texts(params["only-items"])]
        if extra:
            return Verdict(f"{name} {how} a list that includes {', '.join(extra)}", written)
    return None


def _texts(values: Iterable[Any]) -> list[str]:
    return [str(v) for v in values]
