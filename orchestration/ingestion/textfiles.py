"""Text-level facts about an export file: is it text, which encoding, which header.

DuckDB reads UTF-8 only (cp1252 needs an extension it would download), so an older
cp1252 export is decoded by Python's codec into a temporary UTF-8 copy, outside the
warehouse folder and deleted as soon as it has been read. DuckDB's CSV reader also expects
one kind of line ending per file; a file that mixes CRLF and LF (rows appended by another
tool) gets the same temporary copy with every line ending as LF. Line endings inside quoted
fields change too, which no loaded value notices (trimmed codes and platform names).
"""

from __future__ import annotations

import codecs
import csv
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orchestration.ingestion.errors import FileRejected

CHUNK = 1 << 20
BOM = codecs.BOM_UTF8


def mixed_line_endings(path: Path) -> bool:
    """True when the file has both CRLF and bare LF line endings (read in chunks, never whole)."""
    crlf = bare_lf = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            if chunk.endswith(b"\r"):  # keep a CRLF split across two chunks together
                chunk += handle.read(1)
            pairs = chunk.count(b"\r\n")
            crlf += pairs
            bare_lf += chunk.count(b"\n") - pairs
            if crlf and bare_lf:
                return True
    return False


def detect_encoding(path: Path) -> str:
    """`utf-8-sig` when the file decodes as UTF-8 (BOM or not), else `cp1252`; rejects non-text files."""
    with path.open("rb") as handle:
        head = handle.read(CHUNK)
        if not head:
            raise FileRejected("empty file (0 bytes)")
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise FileRejected("UTF-16 text: export the file as UTF-8 (or cp1252)")
        if b"\0" in head:
            raise FileRejected("binary file, not a text export")
        decoder = codecs.getincrementaldecoder("utf-8")()
        chunk = head
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = handle.read(CHUNK)
            decoder.decode(b"", final=True)
            return "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        with path.open(encoding="cp1252") as handle:
            while handle.read(CHUNK):
                pass
    except UnicodeDecodeError:
        raise FileRejected("neither UTF-8 nor cp1252 text") from None
    return "cp1252"


@contextmanager
def utf8_view(path: Path, encoding: str) -> Iterator[Path]:
    """The file itself when it is UTF-8 with one kind of line ending, else a temporary UTF-8 copy with
    LF line endings, removed on exit."""
    mixed = mixed_line_endings(path)
    if encoding == "utf-8-sig" and not mixed:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="ncii-transcode-") as scratch:
        target = Path(scratch) / path.name
        # newline=None reads CRLF, CR and LF as "\n"; newline="" keeps them as they are
        with (
            path.open(encoding=encoding, newline=None if mixed else "") as src,
            target.open("w", encoding="utf-8", newline="") as dst,
        ):
            shutil.copyfileobj(src, dst, CHUNK)
        yield target


def read_header(path: Path, encoding: str, delimiter: str) -> list[str]:
    """The header fields, split the way the CSV reader will split them."""
    with path.open(encoding=encoding, newline="") as handle:
        first = handle.readline()
    if not first.strip():
        raise FileRejected("no header line")
    return [field.strip() for field in next(csv.reader([first], delimiter=delimiter))]


def check_header(header: list[str], required: list[str], delimiter: str) -> None:
    """Reject a file whose header lacks required columns, saying why in one line."""
    if len(header) == 1 and len(required) > 1:
        other = next((d for d in (";", ",", "\t", "|") if d != delimiter and d in header[0]), None)
        hint = f" (it looks {other!r}-separated: wrong delimiter?)" if other else ""
        raise FileRejected(
            f"header has 1 column, expected a {delimiter!r}-separated export with {len(required)}+ columns{hint}"
        )
    missing = [column for column in required if column not in header]
    if missing:
        raise FileRejected(f"missing columns: {', '.join(missing)}")
