"""Keyed pseudonyms for case references: HMAC-SHA256, computed inside DuckDB.

The same reference gets the same pseudonym in every source and every export, so a case
and its takedown requests still join; without the key nobody can go back to the reference.
HMAC is written out in SQL (two SHA-256 passes over the padded key) so ten million
references hash at engine speed; `hmac_hex` is the reference implementation it is tested against.
"""

from __future__ import annotations

import hashlib
import hmac

_BLOCK = 64  # SHA-256 block size in bytes


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer padded keys of HMAC-SHA256 (RFC 2104)."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def hmac_sql(expression: str) -> str:
    """SQL for the HMAC of a VARCHAR expression; expects parameters `$ipad` and `$opad` (BLOBs)."""
    return f"sha256($opad::BLOB || unhex(sha256($ipad::BLOB || encode(trim({expression})))))"


def hmac_hex(key: bytes, reference: str) -> str:
    return hmac.new(key, reference.strip().encode(), hashlib.sha256).hexdigest()
