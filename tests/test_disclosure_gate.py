"""The disclosure audit is part of the gate: an exposing candidate publication never goes out."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.disclosure.audit import DisclosureError
from orchestration.monitoring.failures import alert_failed_run
from orchestration.publishing import publish
from orchestration.publishing.publish import publish_marts
from tests.conftest import make_settings
from tests.test_disclosure_audit import base_tables, plant_complement

MARTS = ("platform_monthly", "victim_demographics_quarterly", "survey_prevalence", "platform_exposure_vs_reports")


def write_warehouse(warehouse_db: Path, tables: dict[str, pd.DataFrame]) -> None:
    conn = duckdb.connect(str(warehouse_db))
    conn.execute("CREATE SCHEMA IF NOT EXISTS marts")
    conn.execute("CREATE SCHEMA IF NOT EXISTS monitoring")
    for name, frame in tables.items():
        target = "monitoring.checks" if name == "monitoring_checks" else f"marts.{name}"
        conn.register("frame", frame)
        conn.execute(f"CREATE OR REPLACE TABLE {target} AS SELECT * FROM frame")
        conn.unregister("frame")
    conn.close()


def test_an_exposing_candidate_is_not_published_and_the_live_one_stays(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "landing", tmp_path / "warehouse")
    settings.warehouse_dir.mkdir(parents=True)
    write_warehouse(settings.warehouse_db, base_tables())
    publish_marts(settings, MARTS, extra_tables={"monitoring_checks": "monitoring.checks"})
    live = settings.published_db.read_bytes()
    parquet = {p: p.read_bytes() for p in settings.published_dir.rglob("*") if p.is_file()}

    tables = base_tables()
    label = plant_complement(tables)  # 20 cases of which 17 AI-generated: 3 not, a small count
    write_warehouse(settings.warehouse_db, tables)
    with pytest.raises(DisclosureError) as failure:
        publish_marts(settings, MARTS, extra_tables={"monitoring_checks": "monitoring.checks"})

    message = str(failure.value)
    assert "\n" not in message and message.startswith("disclosure audit failed (")
    assert label in message and "exactly 3" in message
    assert settings.published_db.read_bytes() == live
    assert {p: p.read_bytes() for p in settings.published_dir.rglob("*") if p.is_file()} == parquet
    assert not list(settings.warehouse_dir.glob(".published-*"))
    assert len(list((settings.published_dir / publish.VERSIONS_DIR).iterdir())) == 1


def test_a_refusal_is_a_disclosure_alert_listing_every_exposed_count(tmp_path: Path) -> None:
    """The one-line reason names the first exposed count; the alert says the gate refused the publication and what
    to do, and the error carries every exposed count for the run log."""
    settings = make_settings(tmp_path / "landing", tmp_path / "warehouse")
    settings.warehouse_dir.mkdir(parents=True)
    tables = base_tables()
    label = plant_complement(tables)
    write_warehouse(settings.warehouse_db, tables)
    with pytest.raises(DisclosureError) as failure:
        publish_marts(settings, MARTS, extra_tables={"monitoring_checks": "monitoring.checks"})
    assert any(label in line and "exactly 3" in line for line in failure.value.result.lines())
    assert not settings.published_db.exists()

    alert_failed_run(settings, "run-1", "published_marts", f"step published_marts failed: {failure.value}")
    conn = duckdb.connect(str(settings.warehouse_db), read_only=True)
    kind, title, message = conn.execute("SELECT kind, title, message FROM monitoring.alerts").fetchone()
    conn.close()
    assert kind == "disclosure_audit"
    assert title == "[ERROR] pipeline: publication blocked by the disclosure audit"
    assert label in message and "last good publication" in message


def test_the_end_to_end_publication_passes_the_audit(pipeline_run, capsys: pytest.CaptureFixture[str]) -> None:
    """The pipeline published (so the gate's audit passed), and `ncii audit` agrees on the live publication."""
    from orchestration.cli import main
    from orchestration.disclosure.audit import audit_publication

    settings = pipeline_run.settings
    result = audit_publication(settings.published_db, settings.suppression_k)
    assert result.lines() == [] and result.audited > 1000
    assert main(["audit", "--db", str(settings.published_db)]) == 0
    assert capsys.readouterr().out == ""
