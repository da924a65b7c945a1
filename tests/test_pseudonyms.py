"""Pseudonyms: the SQL that ingestion runs equals the Python reference, and warehouses that stored
the full HMAC in hexadecimal are migrated to the same 128-bit keys new loads get."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
import pytest

from orchestration.ingestion.pseudonymise import hmac_pads, pseudonym, pseudonym_sql
from orchestration.ingestion.raw_schema import PSEUDONYM_COLUMNS, ensure_raw_schema

REFERENCES = ["CF-2026-000001", " CF-2026-000001 ", "IGVM-2026-000002", "dossier-é-ü-✓", "7", "x" * 300]
KEYS = [b"k", b"test-pseudonym-key-not-a-secret", bytes(range(64)), b"a-key-longer-than-one-sha256-block-" * 3]


@pytest.mark.parametrize("key", KEYS, ids=["short", "typical", "one block", "longer than a block"])
def test_the_sql_pseudonym_is_the_truncated_hmac(key: bytes) -> None:
    ipad, opad = hmac_pads(key)
    with duckdb.connect() as conn:
        got = conn.execute(
            f"SELECT ref, {pseudonym_sql('ref')} AS p, typeof(p) FROM unnest($refs) AS t(ref)",
            {"refs": REFERENCES, "ipad": ipad, "opad": opad},
        ).fetchall()
    for reference, value, type_name in got:
        full = hmac.new(key, reference.strip().encode(), hashlib.sha256).digest()
        assert type_name == "UHUGEINT"
        assert value == pseudonym(key, reference) == int.from_bytes(full[:16], "big")
    assert got[0][1] == got[1][1]  # surrounding spaces are not part of the reference
    assert len({value for _, value, _ in got}) == len(REFERENCES) - 1


def test_hexadecimal_pseudonyms_of_an_older_warehouse_are_migrated() -> None:
    key = b"test-pseudonym-key-not-a-secret"
    full_hex = {ref: hmac.new(key, ref.encode(), hashlib.sha256).hexdigest() for ref in ("CF-1", "CF-2", "IGVM-1")}
    with duckdb.connect() as conn:
        conn.execute("CREATE SCHEMA raw")
        # the three tables as warehouses before 2026-12 had them: the full HMAC as 64 hexadecimal characters
        conn.execute("CREATE TABLE raw.childfocus_cases (load_id VARCHAR NOT NULL, dossier_key VARCHAR NOT NULL)")
        conn.execute("CREATE TABLE raw.igvm_reports (load_id VARCHAR NOT NULL, report_key VARCHAR NOT NULL)")
        conn.execute("CREATE TABLE raw.takedown_requests (request_id VARCHAR NOT NULL, case_key VARCHAR)")
        conn.execute(
            "INSERT INTO raw.childfocus_cases VALUES ('l1', ?), ('l2', ?)", [full_hex["CF-1"], full_hex["CF-2"]]
        )
        conn.execute("INSERT INTO raw.igvm_reports VALUES ('l3', ?)", [full_hex["IGVM-1"]])
        conn.execute("INSERT INTO raw.takedown_requests VALUES ('TD-1', ?), ('TD-2', NULL)", [full_hex["CF-2"]])

        ensure_raw_schema(conn)
        ensure_raw_schema(conn)  # a second time changes nothing

        types = dict(
            ((t, c), d)
            for t, c, d in conn.execute(
                "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'raw'"
            ).fetchall()
        )
        assert {types[pair] for pair in PSEUDONYM_COLUMNS} == {"UHUGEINT"}
        assert conn.execute("SELECT dossier_key FROM raw.childfocus_cases ORDER BY load_id").fetchall() == [
            (pseudonym(key, "CF-1"),),
            (pseudonym(key, "CF-2"),),
        ]
        assert conn.execute("SELECT report_key FROM raw.igvm_reports").fetchall() == [(pseudonym(key, "IGVM-1"),)]
        # a request keeps joining its case, and a request without a case stays without one
        assert conn.execute("SELECT request_id, case_key FROM raw.takedown_requests ORDER BY 1").fetchall() == [
            ("TD-1", pseudonym(key, "CF-2")),
            ("TD-2", None),
        ]
