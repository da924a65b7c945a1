"""How the warehouse refers to a landing value the taxonomy does not know: never by the value itself.

People type personal data into the wrong field (a phone number as a channel, a name as a platform),
so an unknown value is shown everywhere (quarantine, monitoring, alerts, logs, errors) only as its
descriptor: a short keyed hash, its length and its shape, e.g. `#3f9a1c0b2e (12 characters: digits,
spaces)`. The hash lets an operator tell values apart and find them with `ncii unmapped`, which reads
the landing files on demand; without the key nobody can test a guess against it.

The hash is HMAC-SHA256 under a key derived from the pseudonym key with its own purpose label, so a
descriptor never equals a case pseudonym. Platform names are stored in the raw tables as these
descriptors too, and mapped to the taxonomy by hash (`raw.platform_alias_keys`).

`describe_sql` is what ingestion computes inside DuckDB (ten million rows at engine speed);
`describe` is the same in Python, tested equal to it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata

from orchestration.ingestion.pseudonymise import hmac_pads

PURPOSE = b"ncii-warehouse: descriptor of a landing value the taxonomy does not know, v1"
HASH_CHARS = 10
SPACES = " \t\n\r\f"
# Shape classes, in the order they are named: (word, RE2 pattern DuckDB tests, Python test of one character)
_CLASSES = (
    ("digits", "[0-9]", lambda c: "0" <= c <= "9"),
    ("letters", r"\pL", lambda c: unicodedata.category(c).startswith("L")),
    ("spaces", r"[ \t\n\r\f]", lambda c: c in SPACES),
    ("@", "@", lambda c: c == "@"),
)
_OTHER_SQL = r"[^0-9\pL \t\n\r\f@]"


def descriptor_key(key: bytes) -> bytes:
    """The key of the descriptor hash: derived from the pseudonym key, for this purpose only."""
    return hmac.new(key, PURPOSE, hashlib.sha256).digest()


def sql_params(key: bytes) -> dict[str, bytes]:
    """The parameters `describe_sql` and `hash_sql` expect."""
    ipad, opad = hmac_pads(descriptor_key(key))
    return {"descriptor_ipad": ipad, "descriptor_opad": opad}


def value_hash(value: str, key: bytes) -> str:
    return hmac.new(descriptor_key(key), value.encode(), hashlib.sha256).hexdigest()[:HASH_CHARS]


def value_shape(value: str) -> str:
    """`12 characters: digits, spaces`: the length and which kinds of characters the value holds."""
    words = [word for word, _, test in _CLASSES if any(test(c) for c in value)]
    if any(not any(test(c) for _, _, test in _CLASSES) for c in value):
        words.append("other")
    unit = "character" if len(value) == 1 else "characters"
    return f"{len(value)} {unit}: {', '.join(words) or 'nothing'}"


def describe(value: str, key: bytes) -> str:
    """`#3f9a1c0b2e (12 characters: digits, spaces)`: the only way any output refers to an unknown value."""
    return f"#{value_hash(value, key)} ({value_shape(value)})"


def hash_sql(expression: str) -> str:
    """SQL for `value_hash` of a VARCHAR expression; expects the parameters of `sql_params`."""
    inner = f"sha256($descriptor_ipad::BLOB || encode({expression}))"
    return f"left(sha256($descriptor_opad::BLOB || unhex({inner})), {HASH_CHARS})"


def shape_sql(expression: str) -> str:
    """SQL for `value_shape` of a VARCHAR expression."""
    tests = [(word, pattern) for word, pattern, _ in _CLASSES] + [("other", _OTHER_SQL)]
    words = ", ".join(
        f"CASE WHEN regexp_matches({expression}, '{pattern}') THEN '{word}' END" for word, pattern in tests
    )
    listed = f"list_filter([{words}], lambda w: w IS NOT NULL)"
    return (
        f"length({expression}) || CASE WHEN length({expression}) = 1 THEN ' character: ' ELSE ' characters: ' END"
        f" || coalesce(nullif(array_to_string({listed}, ', '), ''), 'nothing')"
    )


def describe_sql(expression: str) -> str:
    """SQL for `describe` of a VARCHAR expression; expects the parameters of `sql_params`."""
    return f"('#' || {hash_sql(expression)} || ' (' || {shape_sql(expression)} || ')')"


DESCRIPTOR = re.compile(rf"#[0-9a-f]{{{HASH_CHARS}}} \(\d+ characters?: [a-z@, ]+\)")
"""What a descriptor looks like (tests and readers of quarantine reasons use it)."""


def normalise_platform_sql(expression: str) -> str:
    """A typed platform name as the alias seed writes it: lower case, white space collapsed and trimmed."""
    return f"lower(trim(regexp_replace(coalesce({expression}, ''), '\\s+', ' ', 'g')))"


PLATFORM_NAME_TYPE = "STRUCT(name_hash VARCHAR, name_shape VARCHAR)"


def platform_name_sql(normalised: str) -> str:
    """SQL for the stored form of one normalised platform name: its hash and shape (a STRUCT), never the name."""
    return f"{{'name_hash': {hash_sql(normalised)}, 'name_shape': {shape_sql(normalised)}}}"


def platform_list_sql(names: str) -> str:
    """SQL for the stored form of a list of typed platform names (VARCHAR[]): each normalised, empty ones
    dropped, the rest as `platform_name_sql` structs. Never NULL: no name is an empty list."""
    normalised = f"list_transform(coalesce({names}, []::VARCHAR[]), lambda n: {normalise_platform_sql('n')})"
    kept = f"list_filter({normalised}, lambda n: n <> '')"
    return f"list_transform({kept}, lambda n: {platform_name_sql('n')})"
