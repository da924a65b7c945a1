"""Loading dsa days with the DuckDB engine, without dbt: record by record, and a day whole or not at all."""

from __future__ import annotations

import csv
import io
import threading
import time
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion.dsa.dump import ALL_COLUMNS, part_batches
from orchestration.ingestion.dsa.engine_duckdb import DuckDBEngine
from orchestration.ingestion.dsa.load import UUID_WINDOW_DAYS, load_day
from orchestration.ingestion.landing import classify
from orchestration.ingestion.raw_schema import ensure_raw_schema

V1_COLUMNS = tuple(c for c in ALL_COLUMNS if c != "content_id_ean")
TABLES = ("dsa_daily_counts", "dsa_daily_durations", "dsa_seen_uuids", "dsa_loads", "quarantine", "load_ledger")


def statement(n: int, **values: str) -> dict[str, str]:
    base = {
        "uuid": f"00000000-0000-4000-8000-{n:012d}",
        "decision_visibility": '["DECISION_VISIBILITY_CONTENT_REMOVED"]',
        "category": "STATEMENT_CATEGORY_CYBER_VIOLENCE",
        "category_specification": '["KEYWORD_NON_CONSENSUAL_IMAGE_SHARING"]',
        "content_date": "2025-07-01 00:00:00",
        "territorial_scope": '["BE","NL"]',
        "application_date": "2025-07-02 00:00:00",
        "source_type": "SOURCE_TRUSTED_FLAGGER",
        "automated_detection": "No",
        "automated_decision": "AUTOMATED_DECISION_NOT_AUTOMATED",
        "platform_name": "TikTok",
        "created_at": "2025-07-03 06:00:00",
        "decision_facts": 'Free text, "quoted"',
    }
    return {**base, **values}


def encode(columns, row) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([row.get(c, "") for c in columns] if isinstance(row, dict) else row)
    return out.getvalue().encode()


def write_dump(folder: Path, day: date, parts: list[list[bytes]], columns=ALL_COLUMNS) -> Path:
    """A zip of zips, one CSV file per part, each given as its encoded records."""
    path = folder / f"sor-global-{day.isoformat()}-full.zip"
    with zipfile.ZipFile(path, "w") as outer:
        for i, records in enumerate(parts):
            inner = io.BytesIO()
            with zipfile.ZipFile(inner, "w") as z:
                z.writestr(
                    f"sor-global-{day.isoformat()}-full-{i:05d}-00000.csv",
                    encode(columns, list(columns)) + b"".join(records),
                )
            outer.writestr(f"sor-global-{day.isoformat()}-full-{i:05d}.csv.zip", inner.getvalue())
    return path


def engine(conn, landed):
    return DuckDBEngine(conn, landed.export_date, UUID_WINDOW_DAYS)


@pytest.fixture
def conn():
    connection = duckdb.connect()
    ensure_raw_schema(connection)
    yield connection
    connection.close()


def snapshot(conn) -> dict:
    return {
        t: sorted(conn.execute(f"SELECT * EXCLUDE (load_id) FROM raw.{t}").fetchall(), key=repr)
        if t in ("dsa_daily_counts", "dsa_daily_durations", "dsa_loads")
        else conn.execute(f"SELECT count(*) FROM raw.{t}").fetchone()[0]
        for t in TABLES
    }


def test_records_go_where_the_contract_says(conn, tmp_path):
    columns = ALL_COLUMNS
    records = [
        encode(columns, statement(1)),  # 1 counted
        encode(columns, list(statement(2).values())[:5]),  # 2 too few fields
        encode(columns, statement(3, created_at="2025-07-32 00:00:00")),  # 3 not a timestamp
        encode(columns, statement(4, decision_facts='line one\nline "two", three')),  # 4 counted (multi-line)
        encode(columns, statement(5, platform_name="PLATFORM")).replace(b"PLATFORM", b"Tik\xffTok"),  # 5 bad UTF-8
        encode(columns, statement(6, decision_facts="FACTS")).replace(b"FACTS", b"f\xffcts"),  # 6 counted: not read
        encode(columns, statement(7, territorial_scope='["NL"]')),  # 7 outside Belgium
        encode(columns, statement(1)),  # 8 uuid of record 1 again
        encode(columns, statement(9, territorial_scope="[]")),  # 9 outside Belgium
        encode(columns, statement(10, territorial_scope="")),  # 10 outside Belgium
        encode(columns, statement(11, uuid="not-a-uuid")),  # 11 not a UUID
    ]
    landed = classify(write_dump(tmp_path, date(2025, 7, 3), [records[:6], records[6:]]))
    outcome = load_day(conn, landed, engine)
    assert (outcome.status, outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == ("loaded", 11, 3, 4)
    assert conn.execute("SELECT * EXCLUDE (load_id, dump_date, engine) FROM raw.dsa_loads").fetchall() == [
        (2, 11, 3, 3, 1, 4)
    ]
    quarantine = conn.execute("SELECT row_number, field, reason FROM raw.quarantine ORDER BY row_number").fetchall()
    assert [(r, f) for r, f, _ in quarantine] == [(2, None), (3, "created_at"), (5, None), (11, "uuid")]
    assert quarantine[0][2].startswith("malformed row: wrong number of fields (part ")
    assert quarantine[2][2].startswith("bad UTF-8")
    assert "record 5" in quarantine[3][2]  # record 11 of the day is record 5 of its part
    assert not any("2025-07-32" in reason or "Tik" in reason or "not-a-uuid" in reason for _, _, reason in quarantine)
    counts = conn.execute(
        "SELECT month, platform_name, harm_group, source_type, statements, content_removed FROM raw.dsa_daily_counts"
    ).fetchall()
    assert counts == [(date(2025, 7, 1), "TikTok", "intimate_image_abuse", "trusted_flagger", 3, 3)]
    # exact durations: 1 day to decision, 30 hours to the database, for each of the three
    assert conn.execute("SELECT measure, seconds, statements FROM raw.dsa_daily_durations ORDER BY 1").fetchall() == [
        ("database", 30 * 3600, 3),
        ("decision", 86400, 3),
    ]


@pytest.mark.parametrize("at_once", [1, 2, 4])
def test_records_are_numbered_the_same_however_many_parts_are_read_at_once(conn, tmp_path, at_once):
    """Malformed records and records with a problem in every part, the second and third included: each keeps its
    number in its part and in the day, and the same uuid twice counts in its first part, whatever the batch."""
    columns = ALL_COLUMNS
    good = [encode(columns, statement(n)) for n in range(1, 13)]
    short = encode(columns, list(statement(90).values())[:5])
    late = encode(columns, statement(91, created_at="2025-07-32 00:00:00"))
    day_parts = [
        [good[0], short, good[1]],  # day records 1-3: record 2 malformed
        [good[2], late, short, good[3], encode(columns, statement(1))],  # 4-8: 5 a problem, 6 malformed, 8 again
        [short, short, good[4], encode(columns, statement(92, uuid="x")), good[5]],  # 9-13: 9, 10 malformed, 12
    ]
    landed = classify(write_dump(tmp_path, date(2025, 7, 3), day_parts))

    def factory(connection, day):
        real = engine(connection, day)
        real.parts_at_once = at_once
        return real

    outcome = load_day(conn, landed, factory)
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (13, 6, 6)
    quarantine = conn.execute("SELECT row_number, field, reason FROM raw.quarantine ORDER BY row_number").fetchall()
    assert [(r, f) for r, f, _ in quarantine] == [
        (2, None),
        (5, "created_at"),
        (6, None),
        (9, None),
        (10, None),
        (12, "uuid"),
    ]
    assert [reason.rsplit("record ", 1)[1] for _, _, reason in quarantine] == ["2)", "2)", "3)", "1)", "2)", "4)"]
    assert ["00001-00000.csv" in reason for _, _, reason in quarantine] == [False, True, True, False, False, False]
    assert conn.execute("SELECT rows_repeated FROM raw.dsa_loads").fetchone()[0] == 1


def test_a_day_before_the_category_change_has_37_columns_and_version_1_keys(conn, tmp_path):
    records = [
        encode(
            V1_COLUMNS,
            statement(
                1,
                category="STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
                category_specification='["KEYWORD_NON_CONSENSUAL_ITEMS_DEEPFAKE"]',
            ),
        ),
        encode(
            V1_COLUMNS,
            statement(2, category="STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR", category_specification="[]"),
        ),
    ]
    landed = classify(write_dump(tmp_path, date(2025, 6, 30), [records], columns=V1_COLUMNS))
    assert load_day(conn, landed, engine).rows_loaded == 2
    assert sorted(conn.execute("SELECT harm_group FROM raw.dsa_daily_counts").fetchall()) == [
        ("intimate_deepfake",),
        ("other_cyber_violence",),
    ]


def test_the_same_day_twice_changes_nothing(conn, tmp_path):
    landed = classify(write_dump(tmp_path, date(2025, 7, 3), [[encode(ALL_COLUMNS, statement(n)) for n in range(5)]]))
    assert load_day(conn, landed, engine).status == "loaded"
    before = snapshot(conn)
    again = load_day(conn, landed, engine)
    assert again.status == "skipped"
    assert snapshot(conn) == before


def test_a_repeat_counts_once_within_the_window_and_the_window_is_kept_small(conn, tmp_path):
    first = classify(write_dump(tmp_path, date(2025, 7, 3), [[encode(ALL_COLUMNS, statement(n)) for n in range(4)]]))
    nxt = classify(write_dump(tmp_path, date(2025, 7, 4), [[encode(ALL_COLUMNS, statement(n)) for n in range(2, 6)]]))
    assert load_day(conn, first, engine).rows_loaded == 4
    second = load_day(conn, nxt, engine)
    assert (second.rows_loaded, second.message) == (2, "0 outside Belgium, 2 seen before")
    far = classify(
        write_dump(tmp_path, date(2025, 7, 4 + UUID_WINDOW_DAYS + 2), [[encode(ALL_COLUMNS, statement(99))]])
    )
    load_day(conn, far, engine)
    # the uuids of days older than the window before the newest day are forgotten
    assert conn.execute("SELECT DISTINCT dump_date FROM raw.dsa_seen_uuids ORDER BY 1").fetchall() == [
        (date(2025, 7, 4 + UUID_WINDOW_DAYS + 2),)
    ]


class Killed(BaseException):
    """Stands in for a kill: not an Exception, so nothing on the way may swallow it."""


def test_a_load_killed_mid_day_leaves_no_half_day(conn, tmp_path):
    parts = [[encode(ALL_COLUMNS, statement(n))] for n in range(3)]
    landed = classify(write_dump(tmp_path, date(2025, 7, 3), parts))
    before = (
        snapshot(conn)
        if conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'dsa_loads'").fetchone()[0]
        else None
    )

    def dies_on_the_third_part(connection, day):
        real = engine(connection, day)
        real.parts_at_once = 1
        reduce_parts = real.reduce_parts

        def reduce(batch, first_row):
            if batch[0].index == 2:
                raise Killed
            return reduce_parts(batch, first_row)

        real.reduce_parts = reduce
        return real

    with pytest.raises(Killed):
        load_day(conn, landed, dies_on_the_third_part)
    after = snapshot(conn)
    assert all(value in (0, []) for value in after.values()), after
    assert before is None or before == after
    # the day loads whole on the next run
    assert load_day(conn, landed, engine).rows_loaded == 3


def test_a_file_that_is_not_a_dump_is_rejected_in_one_line(conn, tmp_path):
    path = tmp_path / "sor-global-2025-07-03-full.zip"
    path.write_text("uuid,platform_name\n1,TikTok\n")
    outcome = load_day(conn, classify(path), engine)
    assert outcome.status == "rejected" and "not a zip" in outcome.message and "TikTok" not in outcome.message


KILLED_CHILD = """
import sys, time
from pathlib import Path
import duckdb
from orchestration.ingestion.dsa.engine_duckdb import DuckDBEngine
from orchestration.ingestion.dsa.load import load_day
from orchestration.ingestion.landing import classify
from orchestration.ingestion.raw_schema import ensure_raw_schema

db, dump, marker = sys.argv[1:]

def factory(conn, landed):
    engine = DuckDBEngine(conn, landed.export_date, 3)
    engine.parts_at_once = 1
    reduce_parts = engine.reduce_parts
    def reduce(batch, first_row):
        counts = reduce_parts(batch, first_row)
        if batch[-1].index == 1:
            Path(marker).write_text("two parts reduced")
            time.sleep(600)  # killed here, with the day's first parts written in the open transaction
        return counts
    engine.reduce_parts = reduce
    return engine

conn = duckdb.connect(db)
ensure_raw_schema(conn)
load_day(conn, classify(Path(dump)), factory)
"""


def test_a_process_killed_mid_day_leaves_no_half_day(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    parts = [[encode(ALL_COLUMNS, statement(10 * p + n)) for n in range(10)] for p in range(3)]
    dump = write_dump(tmp_path, date(2025, 7, 3), parts)
    db, marker = tmp_path / "warehouse.duckdb", tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", KILLED_CHILD, str(db), str(dump), str(marker)])
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None and time.monotonic() < deadline, "the child never reached the second part"
            time.sleep(0.1)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    with duckdb.connect(str(db)) as conn:
        assert all(value in (0, []) for value in snapshot(conn).values())
        assert load_day(conn, classify(dump), engine).rows_loaded == 30


def test_parts_come_in_order_two_batches_on_disk_at_most(tmp_path):
    """The next batch is unzipped while the engine reads one; never more than two batches of CSV files on disk, a
    batch never mixes headers, and closing the iterator early stops the unzipping and deletes the scratch folder."""
    many = [[encode(ALL_COLUMNS, statement(10 * p + n)) for n in range(10)] for p in range(6)]
    dump = write_dump(tmp_path, date(2025, 7, 3), many)
    scratch = tmp_path / "scratch"
    scratch.mkdir()

    def csv_files() -> int:
        return len(list(scratch.rglob("*.csv")))

    for size, batches in ((1, [[0], [1], [2], [3], [4], [5]]), (2, [[0, 1], [2, 3], [4, 5]])):
        seen, on_disk = [], []
        for batch in part_batches(dump, scratch, size):  # the engine at work: the unzipping runs ahead
            deadline = time.monotonic() + 10
            while batch[-1].index < 6 - size and csv_files() < 2 * size and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.05)  # room for one more file, if anything allowed it
            seen.append([part.index for part in batch])
            assert all(part.path.read_bytes().count(b"\n") == 11 for part in batch)
            on_disk.append(csv_files())
        assert seen == batches
        assert on_disk == [2 * size] * (len(batches) - 1) + [size] and not list(scratch.iterdir())

    day = part_batches(dump, scratch, 2)
    first = next(day)
    assert all(part.path.exists() for part in first)
    day.close()
    assert not list(scratch.iterdir())
    assert not [t for t in threading.enumerate() if t.name == "dsa-unzip"]


def test_a_batch_never_mixes_headers(tmp_path):
    """Parts of one day with other columns (or the same in another order) are read in batches of their own."""
    dump = tmp_path / "sor-global-2025-07-03-full.zip"
    reordered = (*ALL_COLUMNS[1:], ALL_COLUMNS[0])
    with zipfile.ZipFile(dump, "w") as outer:
        for i, columns in enumerate((ALL_COLUMNS, ALL_COLUMNS, reordered, ALL_COLUMNS)):
            inner = io.BytesIO()
            with zipfile.ZipFile(inner, "w") as z:
                z.writestr(f"p-{i:05d}.csv", encode(columns, list(columns)) + encode(columns, statement(i)))
            outer.writestr(f"p-{i:05d}.csv.zip", inner.getvalue())
    assert [[p.index for p in batch] for batch in part_batches(dump, tmp_path, 4)] == [[0, 1], [2], [3]]


def test_a_part_the_reader_cannot_parse_is_named_even_inside_a_batch(conn, tmp_path):
    """Two parts read in one pass, the second one not CSV at all: the day is rejected naming that part, without a
    byte of it, and nothing of the first part is kept."""
    unparseable = b'"never closed, ' + b"secret-ish text " * 20
    landed = classify(write_dump(tmp_path, date(2025, 7, 3), [[encode(ALL_COLUMNS, statement(1))], [unparseable]]))
    outcome = load_day(conn, landed, engine)
    assert outcome.status == "rejected"
    assert outcome.message.endswith(
        "part sor-global-2025-07-03-full-00001.csv.zip/"
        "sor-global-2025-07-03-full-00001-00000.csv is not a CSV file the reader can parse"
    )
    assert "secret" not in outcome.message
    assert conn.execute("SELECT count(*) FROM raw.dsa_daily_counts").fetchone()[0] == 0
