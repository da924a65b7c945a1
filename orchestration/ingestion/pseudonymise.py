"""Keyed pseudonyms for case references: HMAC-SHA256, computed inside DuckDB.

The same reference gets the same pseudonym in every source and every export, so a case
and its takedown requests still join; without the key nobody can go back to the reference.
HMAC is written out in SQL (two SHA-256 passes over the padded key) so ten million
references hash at engine speed; `pseudonym` is the reference implementation it is tested against.

A pseudonym is the HMAC's first 128 bits as an unsigned 128-bit integer (UHUGEINT), the truncation
RFC 2104 (section 5) allows. Two of a hundred million references would share one with a probability
of about 1e-23. Sixteen bytes instead of 64 hexadecimal characters: the models partition, join and
test on these keys, and at ten million case rows picking each case's latest row and joining the
takedown requests to their cases took about a fifth less time (docs/benchmarks.md, notes).
"""

from __future__ import annotations

import hashlib
import hmac

_BLOCK = 64  # SHA-256 block size in bytes
PSEUDONYM_BITS = 128


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer padded keys of HMAC-SHA256 (RFC 2104)."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def pseudonym_sql(expression: str) -> str:
    """SQL for the pseudonym of a VARCHAR expression (UHUGEINT); expects parameters `$ipad` and `$opad` (BLOBs)."""
    return pseudonym_from_hex_sql(f"sha256($opad::BLOB || unhex(sha256($ipad::BLOB || encode(trim({expression})))))")


def pseudonym_from_hex_sql(hmac_hex: str) -> str:
    """SQL for the pseudonym of a full HMAC-SHA256 in hexadecimal (raw tables held those before)."""
    return f"('0x' || left({hmac_hex}, {PSEUDONYM_BITS // 4}))::UHUGEINT"


def pseudonym(key: bytes, reference: str) -> int:
    """The pseudonym `pseudonym_sql` computes, in Python."""
    digest = hmac.new(key, reference.strip().encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[: PSEUDONYM_BITS // 8], "big")
