"""What real exports produce on a bad day, each with the behaviour it must get.

Each case starts from a good hand-written export (tests/fixtures/landing), breaks it one way,
and asserts the message, what was quarantined or rejected, and that nothing else was lost.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.ingestion.ingest import ingest_source
from orchestration.privacy import describe, value_hash
from orchestration.runner import run_main_job
from orchestration.sample_data.survey import make_wave, write_qualtrics_csv
from tests.conftest import TEST_KEY, make_settings
from tests.pii import find_pii

FIXTURES = Path(__file__).parent / "fixtures" / "landing"
CF_NAME = "childfocus_cases_20260301.csv"
GOOD_ROW = (
    "CF-2026-000100;03/02/2026 09:00;;Chat;Slachtoffer;12;V;West-Vlaanderen;NL;Deepnude;Ja;{platform};Kennis;"
    "Lotte Maes;+32 474 55 66 77;lotte.maes@example.be;{summary}"
)


def childfocus_text() -> str:
    return (FIXTURES / CF_NAME).read_bytes().decode("utf-8-sig")


def write_childfocus(landing: Path, text: str) -> None:
    (landing / CF_NAME).write_bytes(text.encode("utf-8-sig"))


def row(platform: str = "Snapchat", summary: str = "Chat over nepfoto.") -> str:
    """One more valid case row (data row 6 of the fixture export)."""
    return GOOD_ROW.format(platform=platform, summary=summary)


@pytest.fixture()
def ingest(tmp_path: Path):
    """Load one source from a landing folder of the test's making; return (summary, connection)."""
    landing = tmp_path / "landing"
    landing.mkdir()
    settings = make_settings(landing, tmp_path / "warehouse")
    settings.warehouse_dir.mkdir()
    conn = duckdb.connect(str(settings.warehouse_db))

    def run(source: str):
        return ingest_source(conn, settings, source), conn

    run.landing = landing
    run.settings = settings
    yield run
    conn.close()


def platform_hashes(conn, row_number: int) -> list[str]:
    """The hashes a case row holds for its platform names (raw tables never hold the names)."""
    return conn.execute(
        "SELECT list_transform(platform_names, lambda n: n.name_hash) FROM raw.childfocus_cases WHERE row_number = ?",
        [row_number],
    ).fetchone()[0]


def quarantine(conn) -> list[tuple]:
    return conn.execute("SELECT row_number, field, reason FROM raw.quarantine ORDER BY row_number").fetchall()


def only_file(summary):
    assert len(summary.files) == 1
    return summary.files[0]


def test_empty_file_is_rejected(ingest) -> None:
    (ingest.landing / CF_NAME).write_bytes(b"")
    outcome = only_file(ingest("childfocus")[0])
    assert (outcome.status, outcome.message) == ("rejected", f"{CF_NAME}: empty file (0 bytes)")


def test_header_only_file_loads_nothing(ingest) -> None:
    write_childfocus(ingest.landing, childfocus_text().splitlines()[0] + "\r\n")
    outcome = only_file(ingest("childfocus")[0])
    assert (outcome.status, outcome.rows_read, outcome.rows_loaded) == ("loaded", 0, 0)


def test_a_file_cut_off_mid_row_quarantines_that_row_only(ingest) -> None:
    text = childfocus_text()
    write_childfocus(ingest.landing, text[: text.rindex("Kennis;Emma")])  # last row loses its last fields
    summary, conn = ingest("childfocus")
    outcome = only_file(summary)
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (5, 4, 1)
    assert quarantine(conn) == [(5, None, "malformed row: too few fields (cut off?)")]


def test_records_after_two_malformed_ones_in_a_row_keep_their_numbers(ingest) -> None:
    """Two cut-off rows side by side: the rows after them are records 5 to 7 of the file, not 4 to 6."""
    lines = childfocus_text().split("\r\n")
    cut = "CF-2026-000901;03/02/2026 09:00;;Chat"
    write_childfocus(ingest.landing, "\r\n".join([*lines[:3], cut, cut, *lines[3:]]))
    summary, conn = ingest("childfocus")
    outcome = only_file(summary)
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (7, 5, 2)
    assert [r for r, _, _ in quarantine(conn)] == [3, 4, 7]  # 7: the fixture's age of 250
    loaded = conn.execute("SELECT row_number FROM raw.childfocus_cases ORDER BY row_number").fetchall()
    assert [r for (r,) in loaded] == [1, 2, 5, 6, 7]


def test_wrong_delimiter_is_rejected_with_a_hint(ingest) -> None:
    write_childfocus(ingest.landing, childfocus_text().replace(";", ","))
    outcome = only_file(ingest("childfocus")[0])
    assert outcome.status == "rejected"
    assert "header has 1 column" in outcome.message and "wrong delimiter" in outcome.message


def test_wrong_encoding_is_rejected(ingest) -> None:
    (ingest.landing / CF_NAME).write_bytes(childfocus_text().encode("utf-16"))
    outcome = only_file(ingest("childfocus")[0])
    assert (outcome.status, outcome.message) == (
        "rejected",
        f"{CF_NAME}: UTF-16 text: export the file as UTF-8 (or cp1252)",
    )


def test_a_binary_file_named_csv_is_rejected(ingest) -> None:
    (ingest.landing / CF_NAME).write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    outcome = only_file(ingest("childfocus")[0])
    assert (outcome.status, outcome.message) == ("rejected", f"{CF_NAME}: binary file, not a text export")


def test_a_broken_json_line_is_quarantined_with_its_line_number(ingest) -> None:
    shutil.copy(FIXTURES / "igvm_reports_20260301.jsonl", ingest.landing)
    summary, conn = ingest("igvm")
    assert (only_file(summary).rows_loaded, only_file(summary).rows_quarantined) == (2, 1)
    assert quarantine(conn) == [(3, "line", "not valid JSON")]


def test_blank_json_lines_are_skipped_and_keep_the_line_numbers(ingest) -> None:
    lines = (FIXTURES / "igvm_reports_20260301.jsonl").read_text(encoding="utf-8").splitlines()
    # a blank line, spaces and a tab between the records; a record indented by a space
    padded = [lines[0], "", "   ", "\t", " " + lines[1], *lines[2:]]
    (ingest.landing / "igvm_reports_20260301.jsonl").write_text("\n".join(padded) + "\n", encoding="utf-8")
    summary, conn = ingest("igvm")
    outcome = only_file(summary)
    assert (outcome.rows_read, outcome.rows_loaded, outcome.rows_quarantined) == (3, 2, 1)
    assert quarantine(conn) == [(6, "line", "not valid JSON")]  # the broken third record, now on line 6
    assert conn.execute("SELECT list(row_number ORDER BY row_number) FROM raw.igvm_reports").fetchone()[0] == [1, 5]


def test_duplicated_references_keep_the_first_row(ingest) -> None:
    text = childfocus_text().rstrip("\r\n") + "\r\n" + childfocus_text().splitlines()[1] + "\r\n"
    write_childfocus(ingest.landing, text)
    summary, conn = ingest("childfocus")
    assert only_file(summary).rows_loaded == 5  # the fixture's age-250 row is loaded with its age unknown
    assert (6, "Dossiernummer", "duplicate reference in this file") in quarantine(conn)


def test_the_first_valid_row_of_a_reference_is_kept(ingest) -> None:
    """A reference whose first row is quarantined for another reason keeps its next valid row."""
    bad_first = row().replace("03/02/2026 09:00", "31/02/2026 09:00")
    write_childfocus(ingest.landing, childfocus_text() + "\r\n".join([bad_first, row(), row("TikTok")]) + "\r\n")
    summary, conn = ingest("childfocus")
    assert only_file(summary).rows_loaded == 6  # the fixture's five, and row 7
    assert [r for r in quarantine(conn) if r[0] >= 6] == [
        (6, "Datum opening", "unreadable date (expected dd/mm/yyyy HH:MM)"),
        (8, "Dossiernummer", "duplicate reference in this file"),
    ]
    assert platform_hashes(conn, 7) == [value_hash("snapchat", TEST_KEY.encode())]


@pytest.mark.parametrize(
    ("field_value", "field", "reason"),
    [
        ("03/02/2027 09:00", "Datum opening", "date after the export date"),
        ("31/02/2026 09:00", "Datum opening", "unreadable date (expected dd/mm/yyyy HH:MM)"),
        ("2026-02-03", "Datum opening", "unreadable date (expected dd/mm/yyyy HH:MM)"),
    ],
)
def test_bad_dates_are_quarantined(ingest, field_value: str, field: str, reason: str) -> None:
    write_childfocus(ingest.landing, childfocus_text() + row().replace("03/02/2026 09:00", field_value) + "\r\n")
    summary, conn = ingest("childfocus")
    assert only_file(summary).rows_loaded == 5
    assert (6, field, reason) in quarantine(conn)


@pytest.mark.parametrize("age", ["250", "-3", "veertien"])
def test_impossible_ages_are_quarantined(ingest, age: str) -> None:
    write_childfocus(ingest.landing, childfocus_text() + row().replace(";12;V;", f";{age};V;") + "\r\n")
    _, conn = ingest("childfocus")
    reason = "unreadable age" if age == "veertien" else "age outside 0..99"
    assert (6, "Leeftijd slachtoffer", reason) in quarantine(conn)


def test_an_unknown_gender_code_is_quarantined(ingest) -> None:
    write_childfocus(ingest.landing, childfocus_text() + row().replace(";12;V;", ";12;Z;") + "\r\n")
    _, conn = ingest("childfocus")
    assert (6, "Geslacht slachtoffer", f"unknown code {describe('Z', TEST_KEY.encode())}") in quarantine(conn)


@pytest.mark.parametrize(
    "platform",
    ["Bluesky", '=HYPERLINK("http://x.example")', "+32 474", "@evil", "'); DROP TABLE raw.childfocus_cases; --"],
)
def test_new_platform_names_formulas_and_sql_text_are_just_data(ingest, platform: str) -> None:
    write_childfocus(
        ingest.landing, childfocus_text() + row(platform=f'"{platform.replace(chr(34), 2 * chr(34))}"') + "\r\n"
    )
    summary, conn = ingest("childfocus")
    assert only_file(summary).rows_loaded == 6
    names = [" ".join(part.split()).lower() for part in re.split("[,/;]", platform)]
    assert platform_hashes(conn, 6) == [value_hash(name, TEST_KEY.encode()) for name in names if name]
    assert conn.execute("SELECT count(*) FROM raw.childfocus_cases").fetchone() == (6,)


def test_a_50_mb_summary_loads_without_it(ingest) -> None:
    huge = "Melder Lotte Maes " + "x" * 50_000_000
    write_childfocus(ingest.landing, childfocus_text() + row(summary=huge) + "\r\n")
    summary, conn = ingest("childfocus")
    # 5 fixture rows (the age-250 one loads with its age unknown) + the new one
    assert (only_file(summary).rows_loaded, only_file(summary).rows_quarantined) == (6, 0)
    assert conn.execute("SELECT count(*) FROM raw.childfocus_cases WHERE row_number = 6").fetchone() == (1,)
    size = conn.execute("SELECT max(length(CAST(COLUMNS(*) AS VARCHAR))) FROM raw.childfocus_cases").fetchall()[0]
    assert max(v for v in size if v is not None) < 1000


def survey_csv(landing: Path, mutate) -> None:
    frame = make_wave("2024", seed=5).head(60).copy()
    write_qualtrics_csv(mutate(frame), landing / "survey_2024_qualtrics.csv")


def test_a_survey_weight_of_zero_is_quarantined(ingest) -> None:
    def zero_weight(frame):
        frame.loc[frame.index[frame["Finished"] == 1][0], "weight"] = 0.0
        return frame

    survey_csv(ingest.landing, zero_weight)
    summary, conn = ingest("survey")
    assert only_file(summary).rows_quarantined == 1
    assert quarantine(conn)[0][1:] == ("weight", "weight missing, zero or negative")


def test_a_survey_without_weights_is_rejected(ingest) -> None:
    survey_csv(ingest.landing, lambda frame: frame.drop(columns=["weight"]))
    outcome = only_file(ingest("survey")[0])
    assert (outcome.status, outcome.message) == ("rejected", "survey_2024_qualtrics.csv: missing columns: weight")


def test_an_unknown_survey_code_is_quarantined(ingest) -> None:
    def bad_gender(frame):
        frame.loc[frame.index[0], "Q2"] = 9
        return frame

    survey_csv(ingest.landing, bad_gender)
    _, conn = ingest("survey")
    assert quarantine(conn) == [(1, "Q2", f"unknown answer code in Q2: {describe('9', TEST_KEY.encode())}")]


def test_a_rejected_file_fails_the_run_in_one_line_and_keeps_the_publication(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(FIXTURES, landing)
    settings = make_settings(landing, tmp_path / "warehouse", k=2)
    assert run_main_job(settings).success
    before = settings.published_db.read_bytes()

    (landing / "takedown_requests_20260401.csv").write_text("request_id;case_ref;platform\nTD-1;CF-1;Snapchat\n")
    outcome = run_main_job(settings)
    assert not outcome.success
    assert outcome.reason.startswith("step raw_takedown_requests failed: ")
    assert "takedown_requests_20260401.csv: header has 1 column" in outcome.reason and "\n" not in outcome.reason
    assert settings.published_db.read_bytes() == before
    assert find_pii(settings.warehouse_dir, {"Lotte Maes", "Zoë Peeters"}) == []
