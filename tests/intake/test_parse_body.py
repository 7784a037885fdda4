"""One parse per delivery, with orjson: the bodies accepted and refused are those json decides."""

from __future__ import annotations

import json
import math
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sandbox.deliveries import PAYLOADS
from bot.webhooks import NestedTooDeeply, parse_body

REAL = sorted(PAYLOADS.glob("*.json"))


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.stem)
def test_every_real_payload_reads_as_json_reads_it(path):
    body = path.read_bytes()
    assert parse_body(body) == json.loads(body)
    assert parse_body(b"payload=" + quote(body).encode()) == json.loads(body)   # form-encoded, as GitHub may send


def test_what_orjson_refuses_but_json_reads_is_still_read():
    assert math.isnan(parse_body(b'{"a": NaN}')["a"])
    assert parse_body(b'{"a": Infinity}')["a"] == math.inf
    assert parse_body(b'{"a": "\\ud800"}') == {"a": "\ud800"}        # a lone surrogate escape


@pytest.mark.parametrize("body", [
    b'{"action": "transferred", ',                  # cut off
    b"[1, 2, 3]",                                   # not an object
    b'"text"',
    b"\xff\xfe not utf-8",
    b'{"a": "\xed\xa0\x80"}',                        # a surrogate encoded raw: not UTF-8
    b"\xef\xbb\xbf{}",                               # a byte order mark
    b'{"a": 1} trailing',
    b"",
    b"payload=",
])
def test_what_is_not_a_json_object_is_refused(body):
    with pytest.raises(ValueError):
        parse_body(body)


@pytest.mark.parametrize("depth", [1_100, 100_000])
def test_deep_nesting_is_refused_as_such(depth):
    with pytest.raises(NestedTooDeeply):
        parse_body(b'{"a": ' + b"[" * depth + b"]" * depth + b"}")


@given(st.recursive(st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.floats(allow_nan=False)
                    | st.text(), lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20))
def test_any_json_object_reads_as_json_reads_it(value):
    body = json.dumps({"value": value}).encode()
    assert parse_body(body) == json.loads(body)
