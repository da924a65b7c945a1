"""Platform names reach the raw tables only as descriptors, and still map to the taxonomy by hash."""

from __future__ import annotations

import csv
import io

import duckdb
import pytest

from orchestration.ingestion.ingest import ingest_source
from orchestration.ingestion.platform_aliases import write_platform_alias_keys
from orchestration.ingestion.raw_schema import OutdatedWarehouse, ensure_raw_schema
from orchestration.privacy import value_hash
from orchestration.settings import SEEDS_DIR
from tests.conftest import TEST_KEY, fixture_landing, make_settings

KEY = TEST_KEY.encode()
CF_NAME = "childfocus_cases_20260301.csv"


def test_the_alias_keys_are_the_seed_hashed_as_a_typed_name_is(tmp_path) -> None:
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as conn:
        count = write_platform_alias_keys(conn, KEY)
        held = dict(conn.execute("SELECT name_hash, platform FROM raw.platform_alias_keys").fetchall())
    with (SEEDS_DIR / "platform_aliases.csv").open(newline="") as handle:
        seed = {value_hash(row["alias"], KEY): row["platform"] for row in csv.DictReader(handle)}
    assert count == len(seed) and held == seed


def test_typed_names_are_stored_as_hashes_that_meet_the_seed(tmp_path) -> None:
    landing = fixture_landing(tmp_path / "landing", [CF_NAME])
    text = (landing / CF_NAME).read_bytes().decode("utf-8-sig")
    row = next(csv.reader(text.splitlines()[1:2], delimiter=";"))
    row[0], row[11] = "CF-2026-000900", "  SnapChat ;INSTA / Sofie   Vermeulen,, "
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(row)
    (landing / CF_NAME).write_bytes((text + out.getvalue()).encode("utf-8-sig"))
    settings = make_settings(landing, tmp_path / "warehouse")
    settings.warehouse_dir.mkdir()
    with duckdb.connect(str(settings.warehouse_db)) as conn:
        ingest_source(conn, settings, "childfocus")
        write_platform_alias_keys(conn, KEY)
        names = conn.execute(
            "SELECT n.name_hash, n.name_shape, k.platform FROM (SELECT unnest(platform_names) AS n "
            "FROM raw.childfocus_cases WHERE row_number = (SELECT max(row_number) FROM raw.childfocus_cases)) "
            "LEFT JOIN raw.platform_alias_keys k ON k.name_hash = n.name_hash"
        ).fetchall()
        cells = " ".join(str(r) for r in conn.execute("SELECT * FROM raw.childfocus_cases").fetchall()).lower()
    assert names == [
        (value_hash("snapchat", KEY), "8 characters: letters", "snapchat"),
        (value_hash("insta", KEY), "5 characters: letters", "instagram"),
        (value_hash("sofie vermeulen", KEY), "15 characters: letters, spaces", None),
    ]
    assert "sofie" not in cells and "vermeulen" not in cells and "snapchat" not in cells


@pytest.mark.parametrize(
    ("table", "column"),
    [("childfocus_cases", "platformen"), ("igvm_reports", "incident_platforms"), ("takedown_requests", "platform")],
)
def test_a_warehouse_holding_names_as_typed_is_refused(tmp_path, table: str, column: str) -> None:
    with duckdb.connect(str(tmp_path / "wh.duckdb")) as conn:
        conn.execute("CREATE SCHEMA raw")
        conn.execute(f"CREATE TABLE raw.{table} (load_id VARCHAR, {column} VARCHAR)")
        with pytest.raises(OutdatedWarehouse, match="rebuild it"):
            ensure_raw_schema(conn)
