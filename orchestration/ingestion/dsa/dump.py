"""The EU DSA Transparency Database's daily dump as published: a zip of zips of CSV parts.

`sor-global-YYYY-MM-DD-full.zip` holds `...-full-NNNNN.csv.zip` parts, each holding one or more
CSV files. A day is 15 to 75 million statements (about 1 GB zipped, ten times that as CSV), so it
is never unpacked at once: `part_batches()` extracts a few CSV files (one per core the engine reads
with) into a scratch folder, hands their paths to the engine and deletes them when the engine moves
on, unzipping the next ones meanwhile. Peak disk use is twice that many uncompressed CSV files (plus
the inner zip they came from, copied out of the outer zip so that its members can be read with cheap
seeks: a nested `ZipExtFile` seeks backwards by decompressing from its start).

Columns are matched by the header (dumps before 1 July 2025 have no `content_id_ean`), and only
the columns the warehouse reads are ever selected: the free-text ones are never loaded.
"""

from __future__ import annotations

import csv
import queue
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingestion.errors import FileRejected

COPY_CHUNK = 1 << 22
# The columns the warehouse reads; every other column (free text, `_other` fields, source_identity,
# explanations, decision_facts, urls, ids) is never selected.
READ_COLUMNS = (
    "uuid",
    "decision_visibility",
    "category",
    "category_addition",
    "category_specification",
    "content_date",
    "territorial_scope",
    "application_date",
    "source_type",
    "automated_detection",
    "automated_decision",
    "platform_name",
    "created_at",
)
# The dump's columns in the order of the contract (after 1 July 2025; before it, without content_id_ean).
ALL_COLUMNS = (
    "uuid",
    "decision_visibility",
    "decision_visibility_other",
    "end_date_visibility_restriction",
    "decision_monetary",
    "decision_monetary_other",
    "end_date_monetary_restriction",
    "decision_provision",
    "end_date_service_restriction",
    "decision_account",
    "end_date_account_restriction",
    "account_type",
    "decision_ground",
    "decision_ground_reference_url",
    "illegal_content_legal_ground",
    "illegal_content_explanation",
    "incompatible_content_ground",
    "incompatible_content_explanation",
    "incompatible_content_illegal",
    "category",
    "category_addition",
    "category_specification",
    "category_specification_other",
    "content_type",
    "content_type_other",
    "content_language",
    "content_date",
    "content_id_ean",
    "territorial_scope",
    "application_date",
    "decision_facts",
    "source_type",
    "source_identity",
    "automated_detection",
    "automated_decision",
    "platform_name",
    "platform_uid",
    "created_at",
)


@dataclass(frozen=True)
class Part:
    """One CSV file of a day, extracted to `path` while the engine reads it."""

    index: int  # 0-based position of this CSV file in the day (inner zips in name order, then their members)
    name: str  # `NNNNN-MMMMM.csv` style label: the inner zip's and the member's names, for quarantine reasons
    path: Path
    header: tuple[str, ...]


def read_header(path: Path) -> tuple[str, ...]:
    """The CSV header, as the CSV reader splits it; rejects a part without the columns the warehouse reads."""
    with path.open("r", encoding="utf-8", errors="replace", newline="") as handle:
        first = handle.readline()
    if not first.strip():
        raise FileRejected("a CSV part has no header line")
    header = tuple(field.strip().lstrip("\ufeff") for field in next(csv.reader([first])))
    missing = [column for column in READ_COLUMNS if column not in header]
    if missing:
        raise FileRejected(f"a CSV part lacks the columns {', '.join(missing)}")
    if len(set(header)) != len(header):
        raise FileRejected("a CSV part repeats a column name in its header")
    return header


def part_batches(dump: Path, scratch_dir: Path | None = None, size: int = 1) -> Iterator[list[Part]]:
    """Every CSV file of the day in order, in batches of up to `size` consecutive files with the same header (an
    engine reads a batch in one pass, a file per core), each batch deleted once the caller moves on.

    The next files are unzipped in a thread while the caller reads a batch (zlib and the file writes release the
    GIL, so unzipping overlaps the engine's work): at most two batches of CSV files are on disk at once. Close
    the iterator (`contextlib.closing`) when leaving early: that stops the thread and deletes the scratch
    folder."""
    try:
        outer = zipfile.ZipFile(dump)
    except (zipfile.BadZipFile, OSError):
        raise FileRejected("not a zip archive (a DSA daily dump is a zip of zipped CSV parts)") from None
    with outer, tempfile.TemporaryDirectory(prefix="ncii-dsa-", dir=scratch_dir) as scratch:
        room = threading.Semaphore(2 * size)  # CSV files allowed on disk
        ready: queue.Queue[Part | BaseException | None] = queue.Queue()
        stop = threading.Event()

        def unzip() -> None:
            try:
                for part in _extract(outer, Path(scratch), room, stop):
                    ready.put(part)
                ready.put(None)
            except BaseException as exc:  # noqa: BLE001 (handed to the caller, in order after the parts before it)
                ready.put(exc)

        worker = threading.Thread(target=unzip, name="dsa-unzip", daemon=True)
        worker.start()
        try:
            pending: list[Part] = []  # a file whose header differs from the batch before it
            while True:
                batch, pending = pending, []
                while len(batch) < size:
                    item = ready.get()
                    if item is None:
                        ready.put(None)  # seen again by the next batch, which then ends the day
                        break
                    if isinstance(item, BaseException):
                        raise item
                    if batch and item.header != batch[0].header:
                        pending = [item]
                        break
                    batch.append(item)
                if not batch:
                    return
                yield batch
                for part in batch:
                    part.path.unlink(missing_ok=True)
                    room.release()
        finally:
            stop.set()
            room.release()  # a worker waiting for room wakes up, sees `stop` and ends
            worker.join()


def _extract(outer: zipfile.ZipFile, scratch: Path, room: threading.Semaphore, stop: threading.Event) -> Iterator[Part]:
    """The day's CSV files one after the other, each under a name of its own, once there is room on disk."""
    inner_names = sorted(n for n in outer.namelist() if n.lower().endswith(".zip") and not n.endswith("/"))
    if not inner_names:
        raise FileRejected("the dump holds no zipped CSV part")
    index = 0
    for inner_name in inner_names:
        inner_path = scratch / "part.zip"
        with outer.open(inner_name) as src, inner_path.open("wb") as dst:
            shutil.copyfileobj(src, dst, COPY_CHUNK)
        try:
            inner = zipfile.ZipFile(inner_path)
        except zipfile.BadZipFile:
            raise FileRejected(f"part {Path(inner_name).name} is not a zip archive") from None
        with inner:
            members = sorted(n for n in inner.namelist() if n.lower().endswith(".csv"))
            if not members:
                raise FileRejected(f"part {Path(inner_name).name} holds no CSV file")
            for member in members:
                room.acquire()
                if stop.is_set():
                    return
                csv_path = scratch / f"part-{index:05d}.csv"
                try:
                    with inner.open(member) as src, csv_path.open("wb") as dst:
                        shutil.copyfileobj(src, dst, COPY_CHUNK)
                except (zipfile.BadZipFile, OSError, EOFError):
                    raise FileRejected(f"part {Path(inner_name).name} is corrupt (cannot be unzipped)") from None
                label = f"{Path(inner_name).name}/{Path(member).name}"
                yield Part(index, label, csv_path, read_header(csv_path))
                index += 1
        inner_path.unlink(missing_ok=True)
