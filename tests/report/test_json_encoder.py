"""The hand-written indented encoder (``report.json_report``) writes exactly what
``json.dumps(..., indent=2, ensure_ascii=...)`` writes, for any JSON value: JSON uses
it with ``ensure_ascii=True``, SARIF with ``ensure_ascii=False``."""

from __future__ import annotations

import json
import math
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kspm_lint.report.json_report import dumps, encode_at

# Any text without lone surrogates (astral characters included), and more often than
# chance the characters JSON escapes: controls, quotes, backslashes, DEL, U+2028/2029.
_escapes = st.sampled_from(["\x00", "\x1f", "\x7f", '"', "\\", "/", "\b", "\f", "\n", "\r", "\t",
                            "\u2028", "\u2029", "\ufeff", "\U0001f600", "\U0010ffff", "é"])
texts = st.lists(st.one_of(st.characters(blacklist_categories=("Cs",)), _escapes), max_size=12).map("".join)
floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e16, 1e-7, 1.5e300, -2.5e-300, 5e-324, sys.float_info.max, 1e22, 0.1]),
)
ints = st.one_of(st.integers(), st.integers(min_value=-(10 ** 40), max_value=10 ** 40))
scalars = st.one_of(st.none(), st.booleans(), ints, floats, texts)
keys = st.one_of(texts, ints, floats, st.booleans(), st.none())  # json.dumps turns these into strings
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(keys, inner, max_size=5),
    ),
    max_leaves=30,
)


def _same_bytes(value, ensure_ascii: bool) -> None:
    expected = json.dumps(value, indent=2, ensure_ascii=ensure_ascii)
    assert dumps(value, ensure_ascii=ensure_ascii).encode("utf-8") == expected.encode("utf-8")


@settings(max_examples=400, deadline=None, derandomize=True)
@given(value=values)
def test_ascii_output_is_byte_for_byte_json_dumps(value):
    _same_bytes(value, ensure_ascii=True)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(value=values)
def test_unicode_output_is_byte_for_byte_json_dumps(value):
    _same_bytes(value, ensure_ascii=False)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(value=values, depth=st.integers(0, 4), ensure_ascii=st.booleans())
def test_encode_at_writes_what_json_dumps_writes_at_that_depth(value, depth, ensure_ascii):
    """``encode_at`` is how a report writes one finding inside an already open list."""
    newline = "\n" + "  " * depth
    wrapped: object = value
    for _ in range(depth):
        wrapped = [wrapped]
    text = json.dumps(wrapped, indent=2, ensure_ascii=ensure_ascii)
    before = "".join("[\n" + "  " * level for level in range(1, depth + 1))
    after = "".join("\n" + "  " * level + "]" for level in reversed(range(depth)))
    assert text.startswith(before) and text.endswith(after)
    inner = text[len(before):len(text) - len(after)]
    assert encode_at(value, newline, ensure_ascii=ensure_ascii).encode("utf-8") == inner.encode("utf-8")


@pytest.mark.parametrize("value", [
    -0.0, float("nan"), float("-inf"), 1e300, {"": {}}, [[], {}], {1.5: 1, -0.0: 2, True: 3, None: 4, 7: 5},
    "\U0001f600\u2028\x00", {"a": [{"b": [1, 2.5, None, False]}]}, (1, (2,)),
])
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_edge_values(value, ensure_ascii):
    _same_bytes(value, ensure_ascii)


def test_edge_values_read_back():
    assert math.copysign(1, json.loads(dumps(-0.0))) == -1
    assert dumps({"k": "\U0001f600"}) == '{\n  "k": "\\ud83d\\ude00"\n}'
    assert dumps({"k": "\U0001f600"}, ensure_ascii=False) == '{\n  "k": "\U0001f600"\n}'


def test_what_json_cannot_encode_is_refused_the_same_way():
    with pytest.raises(TypeError):
        json.dumps({(1,): 1}, indent=2)
    with pytest.raises(TypeError):
        dumps({(1,): 1})
    with pytest.raises(TypeError):
        dumps(object())
