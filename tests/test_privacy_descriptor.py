"""The descriptor of an unknown value: the same in SQL and Python, keyed, and never the value itself."""

from __future__ import annotations

import random

import duckdb
import pytest

from orchestration.ingestion.pseudonymise import pseudonym
from orchestration.privacy import DESCRIPTOR, describe, describe_sql, sql_params, value_hash
from tests.conftest import TEST_KEY

KEY = TEST_KEY.encode()
VALUES = [
    "",
    " ",
    "a",
    "M",
    "0470 12 34 56",
    "+32 470 12 34 56",
    "lisa.peeters@example.com",
    "Jan Janssens",
    '{"name": "Jan", "phone": "0470123456"}',
    "tab\there",
    "line\nbreak",
    "crlf\r\n",
    "form\ffeed",
    "héllo wörld",
    "Ελληνικά",
    "日本語",
    "emoji 👍🏽",
    "ǅ title-case",
    "٣ arabic digit",
    "nbsp\u00a0space",
    "zero\u200bwidth",
    "x" * 300,
    "@@@",
    "semi;colon,comma/slash",
    "'; DROP TABLE raw.quarantine; --",
]


def _random_values(count: int) -> list[str]:
    rng = random.Random(14)
    alphabet = [chr(c) for c in range(32, 127)] + list("\t\n\r\féàüßÆøЖж中文😀\u00a0\u2003٣")
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(count)]


def test_sql_and_python_descriptors_are_equal() -> None:
    values = VALUES + _random_values(500)
    conn = duckdb.connect()
    rows = conn.execute(
        f"SELECT v, {describe_sql('v')} FROM (SELECT unnest($values) AS v)", {"values": values, **sql_params(KEY)}
    ).fetchall()
    assert len(rows) == len(values)
    for value, in_sql in rows:
        assert in_sql == describe(value, KEY), repr(value)


def test_descriptor_names_length_and_shape_but_not_the_value() -> None:
    text = describe("0470 12 34 56", KEY)
    assert text.endswith("(13 characters: digits, spaces)")
    assert DESCRIPTOR.fullmatch(text)
    assert describe("lisa@x.be", KEY).endswith("(9 characters: letters, @, other)")
    assert describe("M", KEY).endswith("(1 character: letters)")
    for value in VALUES:
        assert len(value) < 4 or value not in describe(value, KEY)


@pytest.mark.parametrize("value", ["0470123456", "Jan Janssens", "CF-2026-000123"])
def test_the_hash_is_keyed_and_is_not_the_pseudonym(value: str) -> None:
    other_key = b"another-key-of-at-least-thirty-two-characters"
    assert value_hash(value, KEY) != value_hash(value, other_key)
    assert value_hash(value, KEY) not in f"{pseudonym(KEY, value):032x}"
