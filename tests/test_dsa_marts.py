"""Acceptance: the dsa marts equal an independent pandas computation cell by cell, for both engines.

The landing folder holds the contract's example dump and generated days around the category change
(version 1 and version 2 days), with uuids repeated from the day before, statements outside Belgium
and malformed records, beside a small takedown export for the scorecard. The dumps are small (one CSV
part a generated day): Spark's cost here is its start and a few jobs per part, not the data.
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import socket
import subprocess
import time
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.ingestion.dsa.engine_spark import java_available
from orchestration.sample_data.dsa import generate_dsa_landing
from tests import dsa_truth
from tests.conftest import make_settings

EXAMPLE = Path(__file__).parent / "fixtures" / "dsa" / "sor-global-2025-07-01-full.zip"
GENERATED_DAYS = [date(2025, 6, 29), date(2025, 6, 30), date(2025, 7, 2)]
K = 5
# (platform text, month, outcome, hours to resolution) of the helplines' requests
REQUESTS = (
    [("TikTok", 6, "removed", h) for h in (5, 9, 12, 30, 48)]
    + [("tiktok", 6, "rejected", 4)]
    + [("Instagram", 7, "removed", 3)] * 3
    + [("X", 7, "removed", 20)] * 2
    + [("X", 7, "no_response", None)] * 4
    + [("Snapchat", 6, "removed", h) for h in (1, 2, 3, 4, 5, 6)]
)


def write_takedowns(landing: Path) -> pd.DataFrame:
    lines = ["request_id,case_ref,platform,content_type,submitted_at,acknowledged_at,resolved_at,outcome"]
    truth = []
    for i, (platform, month, outcome, hours) in enumerate(REQUESTS):
        submitted = datetime(2025, month, 10, 9, 0)
        resolved = "" if hours is None else (submitted + pd.Timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S+02:00")
        lines.append(
            f"TD-{i:07d},CF-2025-{i:06d},{platform},image,{submitted:%Y-%m-%dT%H:%M:%S}+02:00,,{resolved},{outcome}"
        )
        truth.append(
            {
                "month": date(2025, month, 1),
                "platform": platform.lower(),
                "outcome": outcome,
                "hours": float(hours) if hours is not None else None,
            }
        )
    (landing / "takedown_requests_20250801.csv").write_text("\n".join(lines) + "\n")
    return pd.DataFrame(truth)


def dsa_landing(landing: Path) -> list[Path]:
    """The dumps in load order (oldest day first)."""
    shutil.copy(EXAMPLE, landing / EXAMPLE.name)
    generated = generate_dsa_landing(
        landing, GENERATED_DAYS, statements=200, seed=7, malformed=4, parts=1, files_per_part=1
    )
    return sorted([landing / EXAMPLE.name, *generated])


@pytest.fixture(scope="module")
def dsa_landing_folder(tmp_path_factory) -> tuple[Path, list[Path], pd.DataFrame]:
    landing = tmp_path_factory.mktemp("dsa_landing")
    dumps = dsa_landing(landing)
    return landing, dumps, write_takedowns(landing)


def _run(engine: str, dsa_landing_folder, tmp_path_factory, **extra: str):
    from orchestration.runner import run_main_job

    landing, dumps, requests = dsa_landing_folder
    settings = make_settings(
        landing, tmp_path_factory.mktemp(f"dsa_warehouse_{engine}"), k=K, NCII_DSA_ENGINE=engine, **extra
    )
    outcome = run_main_job(settings)
    assert outcome.success, outcome.reason
    return settings, dumps, requests


@pytest.fixture(scope="module")
def duckdb_run(dsa_landing_folder, tmp_path_factory):
    return _run("duckdb", dsa_landing_folder, tmp_path_factory)


@pytest.fixture(scope="module")
def spark_run(dsa_landing_folder, tmp_path_factory):
    if not java_available():
        pytest.skip(
            "Java is not installed: the Spark engine's local mode needs Java 17+ (the DuckDB engine still runs)"
        )
    return _run("spark", dsa_landing_folder, tmp_path_factory)


@pytest.fixture(scope="module")
def spark_connect_master(tmp_path_factory):
    """A Spark Connect server of its own (the pyspark package's spark-submit, local[2]), as a cluster would run
    one: the engine reaches it only through NCII_SPARK_MASTER=sc://host:port."""
    if not java_available():
        pytest.skip("Java is not installed: a Spark Connect server needs Java 17+ (the DuckDB engine still runs)")
    import pyspark

    home = Path(pyspark.__file__).parent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path_factory.mktemp("spark_connect") / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                str(home / "bin" / "spark-submit"),
                "--class",
                "org.apache.spark.sql.connect.service.SparkConnectServer",
                "--master",
                "local[2]",
                "--conf",
                f"spark.connect.grpc.binding.port={port}",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.sql.shuffle.partitions=4",
            ],
            env={**os.environ, "SPARK_HOME": str(home)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 180
        while True:
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert server.poll() is None, f"the Spark Connect server stopped: see {log}"
            assert time.monotonic() < deadline, f"no Spark Connect server on port {port} after 180 s: see {log}"
            time.sleep(1)
        yield f"sc://localhost:{port}"
    finally:  # the JVM's shutdown hooks can hang on a busy machine: ask, then make sure
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)


@pytest.fixture(scope="module")
def spark_connect_run(dsa_landing_folder, tmp_path_factory, spark_connect_master):
    return _run("spark", dsa_landing_folder, tmp_path_factory, NCII_SPARK_MASTER=spark_connect_master)


@pytest.fixture(params=["duckdb", "spark"])
def dsa_run(request):
    return request.getfixturevalue(f"{request.param}_run")


def published(settings, mart: str) -> pd.DataFrame:
    with duckdb.connect(str(settings.published_db), read_only=True) as conn:
        return conn.execute(f"SELECT * FROM {mart}").df()


def assert_frames_equal(actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> None:
    """Same rows and, cell by cell, the same values (medians to 1e-9 days)."""
    actual = actual.assign(month=pd.to_datetime(actual["month"]).dt.date)
    expected = expected.assign(month=pd.to_datetime(expected["month"]).dt.date)
    assert sorted(map(tuple, actual[keys].values.tolist())) == sorted(map(tuple, expected[keys].values.tolist()))
    merged = actual.merge(expected, on=keys, suffixes=("", "_truth"))
    assert len(merged) == len(expected)
    for column in expected.columns.difference(keys):
        for got, want, key in zip(merged[column], merged[f"{column}_truth"], merged[keys].values.tolist()):
            missing = want is None or want is pd.NA or (isinstance(want, float) and math.isnan(want))
            if missing:
                assert got is None or pd.isna(got), (column, key, got)
            else:
                assert not pd.isna(got) and math.isclose(float(got), float(want), abs_tol=1e-9), (
                    column,
                    key,
                    got,
                    want,
                )


def test_platform_statements_monthly_equals_pandas(dsa_run):
    settings, dumps, _ = dsa_run
    frame, _ = dsa_truth.statements(dumps)
    expected = dsa_truth.platform_statements_monthly(frame)
    assert {"csam", "intimate_deepfake", "intimate_image_abuse", "other_cyber_violence"} <= set(expected["harm_group"])
    assert_frames_equal(
        published(settings, "platform_statements_monthly"), expected, ["month", "platform", "harm_group", "source_type"]
    )


HELPLINE_COLUMNS = [
    "takedown_requests",
    "removal_rate",
    "median_hours_to_removal",
    "statements_per_request",
    "suppressed",
]


def test_platform_responsiveness_equals_pandas(dsa_run):
    settings, dumps, requests = dsa_run
    frame, _ = dsa_truth.statements(dumps)
    expected = dsa_truth.platform_responsiveness(frame, requests, K)
    actual = published(settings, "platform_responsiveness")
    # the platforms' side cell by cell against the independent reading of the dumps
    assert_frames_equal(
        actual.drop(columns=HELPLINE_COLUMNS),
        expected.drop(columns=[*HELPLINE_COLUMNS, "requests_truth"]),
        ["month", "platform"],
    )
    # the helplines' side: platform_monthly's published row over every source and incident type, never more
    monthly = published(settings, "platform_monthly")
    monthly = monthly[(monthly["source"] == "all") & (monthly["incident_type"] == "all")]
    merged = actual.merge(monthly, on=["month", "platform"], how="left", suffixes=("", "_monthly"))
    for column in ("takedown_requests", "removal_rate", "median_hours_to_removal"):
        with_row = merged[merged["source"].notna()]
        assert with_row[column].fillna(-1).tolist() == with_row[f"{column}_monthly"].fillna(-1).tolist(), column
    # where published, it is the independent count; counts 1..k-1 never are
    truth = {
        (pd.Timestamp(m).date(), p): n
        for m, p, n in expected[["month", "platform", "requests_truth"]].itertuples(index=False)
    }
    for row in actual.itertuples():
        n = truth.get((pd.Timestamp(row.month).date(), row.platform))
        if n is not None and 1 <= n < K:
            assert pd.isna(row.takedown_requests), (row.month, row.platform)
        elif not pd.isna(row.takedown_requests):
            assert row.takedown_requests == (n or 0), (row.month, row.platform, row.takedown_requests, n)
        if not pd.isna(row.statements_per_request):
            assert row.statements_per_request == row.tf_statements / row.takedown_requests
    # helpline counts 1..k-1 never published: Instagram's 3 requests are suppressed, and no ratio gives them back
    instagram = actual[(actual["platform"] == "instagram") & (pd.to_datetime(actual["month"]).dt.month == 7)].iloc[0]
    assert pd.isna(instagram["takedown_requests"]) and instagram["suppressed"]
    assert pd.isna(instagram["statements_per_request"])


def test_ledger_counts_every_record(dsa_run):
    """Out-of-scope, repeated and quarantined records are counted, and the same as the independent reading."""
    settings, dumps, _ = dsa_run
    _, ledger = dsa_truth.statements(dumps)
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as conn:
        rows = conn.execute(
            """SELECT l.file_name, d.rows_read, d.statements_loaded, d.rows_out_of_scope, d.rows_repeated,
                      d.rows_quarantined, l.rows_loaded, l.rows_quarantined
               FROM raw.dsa_loads d JOIN raw.load_ledger l USING (load_id)"""
        ).fetchall()
        reasons = conn.execute("SELECT DISTINCT field, reason FROM raw.quarantine WHERE source = 'dsa'").fetchall()
    got = {
        name: dict(read=r, loaded=lo, out_of_scope=o, repeated=rep, quarantined=q)
        for name, r, lo, o, rep, q, _, _ in rows
    }
    assert got == ledger
    assert all(v["out_of_scope"] > 0 for v in ledger.values())
    assert sum(v["repeated"] for v in ledger.values()) > 0
    assert sum(v["quarantined"] for v in ledger.values()) >= 3 * 4
    # reasons name the part and record, never a value of the dump
    assert all("Tik" not in reason and "2025-13-45" not in reason for _, reason in reasons)
    assert any(reason.startswith("malformed row") for _, reason in reasons)


ENGINE_ROWS = {
    "counts": "SELECT * EXCLUDE (load_id) FROM raw.dsa_daily_counts",
    "durations": "SELECT * EXCLUDE (load_id) FROM raw.dsa_daily_durations",
    "quarantine": "SELECT file_name, row_number, field, reason FROM raw.quarantine WHERE source = 'dsa'",
    "loads": "SELECT * EXCLUDE (load_id, engine) FROM raw.dsa_loads",
    "seen": "SELECT dump_date, uuid FROM raw.dsa_seen_uuids",
}


def engine_rows(run, engine: str) -> dict[str, list]:
    """The compact daily aggregate, the quarantine and the ledger a run wrote (and which engine wrote them)."""
    settings = run[0]
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as conn:
        assert conn.execute("SELECT DISTINCT engine FROM raw.dsa_loads").fetchall() == [(engine,)]
        return {name: sorted(conn.execute(sql).fetchall(), key=repr) for name, sql in ENGINE_ROWS.items()}


def test_both_engines_give_identical_rows(duckdb_run, spark_run):
    """The compact daily aggregate, the quarantine and the ledger: the same rows from DuckDB and from Spark."""
    duck, spark = engine_rows(duckdb_run, "duckdb"), engine_rows(spark_run, "spark")
    for name in ENGINE_ROWS:
        assert duck[name] == spark[name], name
        assert duck[name], name


def test_the_spark_engine_through_spark_connect_gives_the_same_rows(duckdb_run, spark_connect_run):
    """NCII_SPARK_MASTER=sc://...: the engine as a Spark Connect client of a separate server, same rows and marts."""
    duck, connect = engine_rows(duckdb_run, "duckdb"), engine_rows(spark_connect_run, "spark")
    for name in ENGINE_ROWS:
        assert duck[name] == connect[name], name
    for mart, keys in (
        ("platform_statements_monthly", ["month", "platform", "harm_group", "source_type"]),
        ("platform_responsiveness", ["month", "platform"]),
    ):
        assert_frames_equal(published(spark_connect_run[0], mart), published(duckdb_run[0], mart), keys)
