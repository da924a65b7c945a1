"""The pseudonym key is fixed for the life of a warehouse: a run with another key refuses to start.

A different key gives every case a second pseudonym, so each case would silently count twice.
The warehouse keeps a keyed fingerprint of its key (HMAC-SHA256 of a fixed label, never the key
itself, and useless for guessing it) in `.pseudonym_key.fingerprint`. The first run of a warehouse
writes it; a warehouse built before fingerprints existed adopts the key of its next run, because
nothing in it can tell which key made its pseudonyms.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from orchestration.settings import Settings, SettingsError

_LABEL = b"ncii-warehouse pseudonym key fingerprint v1"


def key_fingerprint(key: bytes) -> str:
    return hmac.new(key, _LABEL, hashlib.sha256).hexdigest()


def check_pseudonym_key(settings: Settings, record: bool = True) -> None:
    """Raise `SettingsError` (one line) unless the key is long enough and is this warehouse's key.

    Called before a run does any work, under the run lock; the first run of a warehouse records the
    fingerprint (`record=False` only checks, for a quick answer before the lock is taken).
    """
    fingerprint = key_fingerprint(settings.require_key())
    path = settings.key_fingerprint_file
    if path.exists():
        if not hmac.compare_digest(path.read_text().strip(), fingerprint):
            raise SettingsError(
                f"NCII_PSEUDONYM_KEY is not the key the warehouse {settings.warehouse_dir} was built with "
                "(its pseudonyms would not match): use that key, or a new NCII_WAREHOUSE_DIR for a new key"
            )
        return
    if not record:
        return
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(fingerprint + "\n")
    os.replace(temporary, path)  # a crash never leaves half a fingerprint that would refuse the right key
