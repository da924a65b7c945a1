"""The contract's landing rules, each tried the way it goes wrong in practice (issue 14, landing guards).

Every test starts from the hand-written exports in tests/fixtures/landing and breaks them one way:
a date in a file name, a name that nearly matches, a link or a folder, a file still being copied,
an export mostly in the wrong date format, defects in key and non-key fields, mixed line endings,
two-digit years, and survey files with bad weights, swapped value labels or a missing header row.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pyreadstat
import pytest

from orchestration.ingestion.ingest import ingest_source
from orchestration.ingestion.landing import near_miss, scan
from orchestration.ingestion.readers import childfocus as childfocus_reader
from orchestration.monitoring.checks import newest_exports
from orchestration.reporting.summary import run_summary
from orchestration.runner import run_main_job
from orchestration.sample_data.survey import make_wave, write_qualtrics_csv, write_sav
from tests.conftest import make_settings

FIXTURES = Path(__file__).parent / "fixtures"
CF_NAME = "childfocus_cases_20260301.csv"
CF_ROW = (
    "{ref};{opened};{closed};{kanaal};Slachtoffer;{age};V;Limburg;{taal};Deepnude;Ja;Snapchat;Kennis;"
    'Emma Claes;+32 475 66 77 88;emma.claes@example.be;"Melding via chat."'
)


def cf_row(
    ref: str,
    opened: str = "10/02/2026 14:00",
    closed: str = "",
    kanaal: str = "Chat",
    age: str = "15",
    taal: str = "NL",
) -> str:
    return CF_ROW.format(ref=ref, opened=opened, closed=closed, kanaal=kanaal, age=age, taal=taal)


def fixture_text(name: str = CF_NAME) -> str:
    """A fixture export as text (the February one is an older cp1252 export)."""
    data = (FIXTURES / "landing" / name).read_bytes()
    return data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else data.decode("cp1252")


def write_cf(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8-sig"))


@pytest.fixture()
def landing(tmp_path: Path):
    """A landing folder, its settings (no quiet wait unless a test asks) and a warehouse connection."""
    folder = tmp_path / "landing"
    folder.mkdir()
    settings = make_settings(folder, tmp_path / "warehouse")
    settings.warehouse_dir.mkdir()
    conn = duckdb.connect(str(settings.warehouse_db))
    yield folder, settings, conn
    conn.close()


def ledger(conn) -> dict[str, tuple]:
    return {
        name: (status, message)
        for name, status, message in conn.execute("SELECT file_name, status, message FROM raw.load_ledger").fetchall()
    }


# --- dates in file names -------------------------------------------------------------------------


def test_a_future_or_impossible_date_in_a_file_name_is_rejected_and_never_wins(landing) -> None:
    folder, settings, conn = landing
    shutil.copy(FIXTURES / "landing" / CF_NAME, folder / CF_NAME)
    # an old export saved under a mistyped year: its values (CF-2026-000001 still open, by chat) must never win
    stale = fixture_text("childfocus_cases_20260201.csv").replace(";Chat;", ";Webformulier;")
    write_cf(folder / "childfocus_cases_20620315.csv", stale)
    write_cf(folder / "childfocus_cases_20260231.csv", stale + cf_row("CF-2026-000777") + "\r\n")

    summary = ingest_source(conn, settings, "childfocus")
    assert {f.file_name: f.status for f in summary.files} == {
        CF_NAME: "loaded",
        "childfocus_cases_20620315.csv": "rejected",
        "childfocus_cases_20260231.csv": "rejected",
    }
    assert ledger(conn)["childfocus_cases_20620315.csv"] == (
        "rejected",
        "childfocus_cases_20620315.csv: date 2062-03-15 in the file name is after today (a typo?)",
    )
    assert ledger(conn)["childfocus_cases_20260231.csv"] == (
        "rejected",
        "childfocus_cases_20260231.csv: impossible date 20260231 in the file name",
    )
    assert conn.execute("SELECT DISTINCT source_file FROM raw.childfocus_cases").fetchall() == [(CF_NAME,)]
    assert conn.execute(
        "SELECT count(*) FROM raw.childfocus_cases WHERE kanaal = 'Webformulier' AND row_number = 1"
    ).fetchone() == (0,)
    assert newest_exports(conn) == {"childfocus": date(2026, 3, 1)}

    # the next run does not fail again on the same bytes; renamed to its real date, the export loads
    assert {f.status for f in ingest_source(conn, settings, "childfocus").files} == {"skipped"}
    (folder / "childfocus_cases_20620315.csv").rename(folder / "childfocus_cases_20260215.csv")
    renamed = {f.file_name: f.status for f in ingest_source(conn, settings, "childfocus").files}
    assert renamed["childfocus_cases_20260215.csv"] == "loaded"


def test_two_digit_years_are_a_clear_quarantine_reason_never_year_26(landing) -> None:
    folder, settings, conn = landing
    rows = [
        cf_row("CF-2026-000701", opened="01/02/26 10:00"),  # the key: the row is quarantined
        cf_row("CF-2026-000702", closed="12/02/26 10:00"),
    ]  # the closing date: loaded, closing date unknown
    write_cf(folder / CF_NAME, fixture_text() + "\r\n".join(rows) + "\r\n")
    ingest_source(conn, settings, "childfocus")
    assert conn.execute(
        "SELECT row_number, field, reason, level FROM raw.quarantine WHERE row_number > 5 ORDER BY row_number"
    ).fetchall() == [
        (6, "Datum opening", "two-digit year (expected dd/mm/yyyy HH:MM)", "row"),
        (7, "Datum afsluiting", "two-digit year (expected dd/mm/yyyy HH:MM)", "field"),
    ]
    assert conn.execute(
        "SELECT datum_opening IS NOT NULL, datum_afsluiting FROM raw.childfocus_cases WHERE row_number = 7"
    ).fetchone() == (True, None)
    assert conn.execute("SELECT min(year(datum_opening)) FROM raw.childfocus_cases").fetchone()[0] >= 2000


# --- names that nearly match, links and folders ----------------------------------------------------

NEAR_MISSES = {
    "childfocus_cases_20260401.CSV": "capital letters",
    "childfocus_cases_20260401 (1).csv": "copy suffix",
    "takedown_requests_20260401.csv ": "space at the start or end",
    "childfocus_cases_2026-04-01.csv": "date written with separators",
    "Childfocus_cases_20260401.csv": "capital letters",
    "igvm_reports 20260401.jsonl": "space inside the name",
}


def test_near_miss_names_say_what_is_wrong() -> None:
    for name, problem in NEAR_MISSES.items():
        source, words = near_miss(name)
        assert problem in words and source == name.strip().split("_")[0].lower(), (name, words)
    assert near_miss("notes for the analysts.txt") is None


def test_links_and_folders_are_not_followed_and_are_noted(landing, tmp_path: Path) -> None:
    folder, settings, conn = landing
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(FIXTURES / "landing" / CF_NAME, elsewhere / CF_NAME)
    (folder / CF_NAME).symlink_to(elsewhere / CF_NAME)  # a link named exactly like an export
    archive = folder / "archive"
    archive.mkdir()
    shutil.copy(FIXTURES / "landing" / "childfocus_cases_20260201.csv", archive / "childfocus_cases_20260201.csv")

    summary = ingest_source(conn, settings, "childfocus")
    assert summary.files == []
    assert conn.execute("SELECT count(*) FROM raw.childfocus_cases").fetchone() == (0,)
    assert sorted((n.kind, n.file_name) for n in summary.notes) == [("folder", "archive"), ("symlink", CF_NAME)]
    assert sorted(conn.execute("SELECT kind, file_name FROM raw.landing_notes").fetchall()) == [
        ("folder", "archive"),
        ("symlink", CF_NAME),
    ]


def test_near_misses_links_and_folders_reach_the_summary_and_an_alert(tmp_path: Path, webhook) -> None:
    folder = tmp_path / "landing"
    shutil.copytree(FIXTURES / "landing", folder)
    hook = webhook()
    settings = make_settings(folder, tmp_path / "warehouse", k=2, NCII_ALERT_WEBHOOK_URL=hook.url)
    text = fixture_text()
    for name in NEAR_MISSES:
        write_cf(folder / name, text)
    (folder / "old").mkdir()
    (folder / "latest.csv").symlink_to(folder / CF_NAME)

    outcome = run_main_job(settings)
    assert outcome.success, outcome.reason
    summary = run_summary(settings)
    for name, problem in NEAR_MISSES.items():
        assert f"{name!r}: name nearly matches" in summary and problem in summary
    assert "'old': folder: not searched" in summary and "'latest.csv': symbolic link: not followed" in summary
    landing_alerts = [m for m in hook.messages if "landing:" in m["text"].splitlines()[0]]
    assert len(landing_alerts) == 1
    assert landing_alerts[0]["text"].startswith("[WARN] landing: 6 file names nearly match an export pattern")
    assert all(repr(name) in landing_alerts[0]["text"] for name in NEAR_MISSES)

    for name in NEAR_MISSES:  # renamed or removed: the alert clears, the summary stops mentioning them
        (folder / name).unlink()
    assert run_main_job(settings).success
    conn = duckdb.connect(str(settings.warehouse_db), read_only=True)
    try:
        assert conn.execute("SELECT state FROM monitoring.alerts WHERE kind = 'landing'").fetchall() == [("cleared",)]
    finally:
        conn.close()
    assert "nearly matches" not in run_summary(settings)


# --- files still being written -----------------------------------------------------------------------


class Writer(threading.Thread):
    """Copies an export the way a slow upload does: a header, then one row every `pause` seconds."""

    def __init__(self, path: Path, lines: list[str], pause: float) -> None:
        super().__init__(daemon=True)
        self.path, self.lines, self.pause = path, lines, pause

    def run(self) -> None:
        with self.path.open("wb") as handle:
            for line in self.lines:
                handle.write(line.encode("utf-8") + b"\r\n")
                handle.flush()
                time.sleep(self.pause)


def growing_export_lines() -> list[str]:
    text = fixture_text()
    return [
        "\ufeff" + text.splitlines()[0],
        *text.splitlines()[1:],
        *(cf_row(f"CF-2026-0009{i:02d}") for i in range(20)),
    ]


def test_a_file_still_being_written_is_left_for_a_later_run(landing) -> None:
    folder, settings, conn = landing
    settings = make_settings(folder, settings.warehouse_dir, NCII_LANDING_QUIET_SECONDS="1")
    lines = growing_export_lines()
    writer = Writer(folder / CF_NAME, lines, pause=0.15)
    writer.start()
    time.sleep(0.5)  # the upload has begun when the run looks
    summary = ingest_source(conn, settings, "childfocus")
    assert [(f.status, f.message) for f in summary.files] == [
        (
            "deferred",
            f"{CF_NAME}: still being written (size or modification time changed during the run); left for the next run",
        )
    ]
    assert conn.execute("SELECT count(*) FROM raw.load_ledger").fetchone() == (0,)
    assert conn.execute("SELECT kind, file_name FROM raw.landing_notes").fetchall() == [("still_changing", CF_NAME)]
    writer.join()

    loaded = ingest_source(conn, settings, "childfocus")  # the next run: the file is whole and quiet
    assert [(f.status, f.rows_read) for f in loaded.files] == [("loaded", len(lines) - 1)]
    assert conn.execute("SELECT count(*) FROM raw.landing_notes").fetchone() == (0,)


def test_a_file_that_grows_while_it_is_read_is_not_committed(landing, monkeypatch) -> None:
    """The second look, just before the commit: a writer appends rows after the file was hashed and read."""
    folder, settings, conn = landing
    write_cf(folder / CF_NAME, fixture_text())
    real_reader = childfocus_reader.read_childfocus

    def read_then_writer_appends(cursor, landed, key):
        result = real_reader(cursor, landed, key)
        writer = threading.Thread(
            target=lambda: landed.path.open("ab").write((cf_row("CF-2026-000950") + "\r\n").encode("utf-8"))
        )
        writer.start()
        writer.join()
        return result

    monkeypatch.setattr(childfocus_reader, "read_childfocus", read_then_writer_appends)
    summary = ingest_source(conn, settings, "childfocus")
    assert summary.files[0].status == "deferred"
    assert conn.execute("SELECT count(*) FROM raw.childfocus_cases").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM raw.load_ledger").fetchone() == (0,)


# --- an export that is mostly quarantined -----------------------------------------------------------


def test_an_export_mostly_quarantined_blocks_publication_and_keeps_the_last_one(tmp_path: Path) -> None:
    folder = tmp_path / "landing"
    shutil.copytree(FIXTURES / "landing", folder)
    settings = make_settings(folder, tmp_path / "warehouse", k=2)
    assert run_main_job(settings).success
    before = settings.published_db.read_bytes()

    # the April export came out of a new export tool that writes ISO dates: no row can be placed in a month
    april = re.sub(r"(\d\d)/(\d\d)/(\d{4})", r"\3-\2-\1", fixture_text())
    write_cf(folder / "childfocus_cases_20260401.csv", april)
    outcome = run_main_job(settings)
    assert not outcome.success
    assert outcome.reason.startswith("step raw_childfocus_cases failed: ") and "\n" not in outcome.reason
    assert outcome.reason.endswith(
        "input unusable: childfocus_cases_20260401.csv: 5 of 5 rows would be quarantined (100%, more than 50%); "
        "most often Datum opening: unreadable date (expected dd/mm/yyyy HH:MM)"
    )
    assert settings.published_db.read_bytes() == before
    conn = duckdb.connect(str(settings.warehouse_db), read_only=True)
    try:
        april_rows = conn.execute("SELECT count(*) FROM raw.childfocus_cases WHERE export_date = '2026-04-01'")
        assert april_rows.fetchone() == (0,)
    finally:
        conn.close()


def test_half_quarantined_is_still_loaded(landing) -> None:
    """The limit is more than half: a file with as many bad rows as good ones still loads."""
    folder, settings, conn = landing
    good = fixture_text("childfocus_cases_20260201.csv")
    bad = [cf_row(f"CF-2026-00080{i}", opened="2026-02-10") for i in range(4)]
    write_cf(folder / CF_NAME, good + "\r\n".join(bad) + "\r\n")
    [outcome] = ingest_source(conn, settings, "childfocus").files
    assert (outcome.status, outcome.rows_loaded, outcome.rows_quarantined) == ("loaded", 4, 4)


# --- key and non-key defects -----------------------------------------------------------------------


def test_a_bad_non_key_field_keeps_the_case_with_that_field_unknown(landing) -> None:
    folder, settings, conn = landing
    rows = [
        cf_row("CF-2026-000801", closed="05/03/2026 10:00"),  # closed after the export date
        cf_row("CF-2026-000802", closed="gisteren"),  # unreadable closing date
        cf_row("CF-2026-000803", kanaal="Telefoon"),  # a channel the code map does not know
        cf_row("CF-2026-000804", taal="EN", age="veertien"),  # two bad fields in one row
        cf_row("", kanaal="Chat"),  # no reference: the key
        cf_row("CF-2026-000806", opened="31/02/2026 10:00"),  # impossible opening date: the key
    ]
    write_cf(folder / CF_NAME, fixture_text() + "\r\n".join(rows) + "\r\n")
    [outcome] = ingest_source(conn, settings, "childfocus").files
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (11, 9, 2)
    assert conn.execute(
        "SELECT row_number, field, level FROM raw.quarantine WHERE row_number > 5 ORDER BY row_number, field"
    ).fetchall() == [
        (6, "Datum afsluiting", "field"),
        (7, "Datum afsluiting", "field"),
        (8, "Kanaal", "field"),
        (9, "Leeftijd slachtoffer", "field"),
        (9, "Taal", "field"),
        (10, "Dossiernummer", "row"),
        (11, "Datum opening", "row"),
    ]
    kept = conn.execute(
        "SELECT row_number, datum_afsluiting, kanaal, leeftijd_slachtoffer, taal, geslacht_slachtoffer "
        "FROM raw.childfocus_cases WHERE row_number > 5 ORDER BY row_number"
    ).fetchall()
    assert kept == [
        (6, None, "Chat", 15, "NL", "V"),
        (7, None, "Chat", 15, "NL", "V"),
        (8, None, None, 15, "NL", "V"),
        (9, None, "Chat", None, None, "V"),
    ]


def test_igvm_and_takedown_non_key_defects_keep_the_record(landing) -> None:
    folder, settings, conn = landing
    igvm = (FIXTURES / "landing" / "igvm_reports_20260301.jsonl").read_text(encoding="utf-8").splitlines()
    odd = igvm[0].replace('"female"', '"vrouw"').replace('"open"', '"archived"').replace('"age": 24', '"age": 24.5')
    keyless = igvm[1].replace('"IGVM-2026-000002"', '""')
    (folder / "igvm_reports_20260301.jsonl").write_text("\n".join([odd, keyless]) + "\n", encoding="utf-8")
    takedown = (FIXTURES / "landing" / "takedown_requests_20260301.csv").read_text(encoding="utf-8").splitlines()
    takedown[1] = takedown[1].replace(",removed", ",verwijderd").replace(",image,", ",foto,")
    takedown[2] = takedown[2].replace("2026-01-23T09:00:00+01:00", "2026-04-23T09:00:00+01:00")
    (folder / "takedown_requests_20260301.csv").write_text("\n".join(takedown) + "\n", encoding="utf-8")

    [report] = ingest_source(conn, settings, "igvm").files
    [requests] = ingest_source(conn, settings, "takedown").files
    assert (report.rows_loaded, report.rows_quarantined) == (1, 1)
    assert (requests.rows_loaded, requests.rows_quarantined) == (4, 0)
    assert conn.execute("SELECT victim_gender, status, victim_age, channel FROM raw.igvm_reports").fetchall() == [
        (None, None, None, "web_form")
    ]
    assert conn.execute(
        "SELECT request_id, content_type, outcome, resolved_at FROM raw.takedown_requests "
        "WHERE request_id IN ('TD-0000001', 'TD-0000002') ORDER BY 1"
    ).fetchall() == [
        ("TD-0000001", None, None, pd.Timestamp("2026-01-07T10:00:00+01:00").to_pydatetime()),
        ("TD-0000002", "image", "removed", None),
    ]
    assert conn.execute("SELECT source, field, level FROM raw.quarantine ORDER BY ALL").fetchall() == [
        ("igvm", "report_id", "row"),
        ("igvm", "status", "field"),
        ("igvm", "victim.age", "field"),
        ("igvm", "victim.gender", "field"),
        ("takedown", "content_type", "field"),
        ("takedown", "outcome", "field"),
        ("takedown", "resolved_at", "field"),
    ]


# --- line endings --------------------------------------------------------------------------------------


def test_mixed_crlf_and_lf_line_endings_read_like_either(landing, tmp_path: Path) -> None:
    folder, settings, conn = landing
    lines = fixture_text().splitlines()
    # rows appended by another tool with LF after the export's own CRLF rows
    mixed = "\r\n".join(lines[:3]) + "\r\n" + "\n".join(lines[3:]) + "\n"
    write_cf(folder / CF_NAME, mixed)
    [outcome] = ingest_source(conn, settings, "childfocus").files
    assert (outcome.status, outcome.rows_read, outcome.rows_loaded) == ("loaded", 5, 5)

    other = tmp_path / "crlf"
    other.mkdir()
    write_cf(other / CF_NAME, fixture_text())
    reference = make_settings(other, tmp_path / "crlf-warehouse")
    reference.warehouse_dir.mkdir()
    crlf = duckdb.connect(str(reference.warehouse_db))
    try:
        ingest_source(crlf, reference, "childfocus")
        expected = crlf.execute("SELECT * EXCLUDE (load_id) FROM raw.childfocus_cases ORDER BY row_number").fetchall()
    finally:
        crlf.close()
    got = conn.execute("SELECT * EXCLUDE (load_id) FROM raw.childfocus_cases ORDER BY row_number").fetchall()
    assert got == expected

    # JSON Lines too: two reports and the fixture's broken line, with both kinds of line ending
    igvm = (FIXTURES / "landing" / "igvm_reports_20260301.jsonl").read_text(encoding="utf-8").splitlines()
    (folder / "igvm_reports_20260301.jsonl").write_bytes(f"{igvm[0]}\r\n{igvm[1]}\n{igvm[2]}\r\n".encode())
    [reports] = ingest_source(conn, settings, "igvm").files
    assert (reports.status, reports.rows_loaded, reports.rows_quarantined) == ("loaded", 2, 1)


# --- survey ----------------------------------------------------------------------------------------------


def test_non_finite_and_absurd_survey_weights_are_quarantined(landing) -> None:
    folder, settings, conn = landing
    frame = make_wave("2024", seed=5).head(40).copy()
    finished = list(frame.index[frame["Finished"] == 1][:5])
    frame["weight"] = frame["weight"].astype(object)
    for index, weight in zip(finished, ["inf", "1e308", "-2.5", "NaN", "-inf"]):
        frame.loc[index, "weight"] = weight
    write_qualtrics_csv(frame, folder / "survey_2024_qualtrics.csv")
    ingest_source(conn, settings, "survey")
    assert conn.execute("SELECT row_number, reason FROM raw.quarantine ORDER BY row_number").fetchall() == [
        (frame.index.get_loc(i) + 1, reason)
        for i, reason in zip(
            finished,
            [
                "weight not a finite number",
                "weight over 100 (not a post-stratification weight)",
                "weight missing, zero or negative",
                "weight not a finite number",
                "weight not a finite number",
            ],
        )
    ]
    assert conn.execute(
        "SELECT count(*) FROM raw.survey_responses WHERE NOT isfinite(weight) OR weight > 100"
    ).fetchone() == (0,)


def test_a_sav_whose_value_labels_are_swapped_is_rejected(landing) -> None:
    folder, settings, conn = landing
    frame, meta = pyreadstat.read_sav(str(FIXTURES / "survey" / "survey_2025.sav"))
    labels = dict(meta.variable_value_labels)
    labels["Q2"] = {1.0: "vrouw", 2.0: "man", 3.0: "non-binair/anders", 4.0: "zeg ik liever niet"}
    pyreadstat.write_sav(
        frame, str(folder / "survey_2025.sav"), column_labels=meta.column_labels, variable_value_labels=labels
    )
    [outcome] = ingest_source(conn, settings, "survey").files
    assert (outcome.status, outcome.message) == (
        "rejected",
        "survey_2025.sav: value labels of Q2 differ from the codebook: code 1 is labelled as code 2 (codes swapped?)",
    )

    write_sav(make_wave("2026", seed=7).head(30), folder / "survey_2026.sav")  # the generator's labels are fine
    assert {f.file_name: f.status for f in ingest_source(conn, settings, "survey").files}["survey_2026.sav"] == "loaded"


def test_a_qualtrics_csv_with_one_header_row_is_rejected(landing) -> None:
    folder, settings, conn = landing
    frame = make_wave("2024", seed=5).head(30)
    frame.to_csv(folder / "survey_2024_qualtrics.csv", index=False, encoding="utf-8-sig")  # names only
    [outcome] = ingest_source(conn, settings, "survey").files
    assert (outcome.status, outcome.message) == (
        "rejected",
        "survey_2024_qualtrics.csv: expected a Qualtrics export with three header rows (names, question "
        "text, ImportId); the third row is not the ImportId row",
    )
    assert conn.execute("SELECT count(*) FROM raw.survey_responses").fetchone() == (0,)


def test_the_scan_sees_names_without_reading_files(tmp_path: Path) -> None:
    """The scan is a directory listing: a file whose name no source claims is noted, never opened."""
    (tmp_path / "notes.txt").write_text("voor de analisten")
    (tmp_path / ".hidden").write_text("x")
    (tmp_path / "childfocus_cases_20260401.csv.part").write_text("Dossiernummer;")  # an upload on its way
    result = scan(tmp_path)
    assert result.files == []
    assert [(n.kind, n.file_name) for n in result.notes] == [
        ("still_changing", "childfocus_cases_20260401.csv.part"),
        ("other_file", "notes.txt"),
    ]


def test_a_file_modified_in_the_future_waits_and_says_why(landing) -> None:
    """An upload from a machine whose clock runs ahead: its time cannot tell whether it is complete."""
    folder, settings, conn = landing
    write_cf(folder / CF_NAME, fixture_text())
    ahead = time.time_ns() + 3600 * 10**9
    os.utime(folder / CF_NAME, ns=(ahead, ahead))
    [outcome] = ingest_source(conn, settings, "childfocus").files
    assert outcome.status == "deferred" and "modification time in the future" in outcome.message
