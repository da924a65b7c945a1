"""Folders whose names hold a quote (`it's`) work: no path is put into SQL by string formatting.

Covers the run's own plumbing (settings, the run lock, the key fingerprint, ingestion's reads of the
landing files, dbt building the warehouse, the Dagster instance folder); publication is tested with
the publishing code.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.dagster_home import prepare_dagster_home
from orchestration.ingestion.ingest import ingest_source
from orchestration.key_fingerprint import check_pseudonym_key
from orchestration.locking import run_lock, run_lock_is_free
from orchestration.resources import WarehouseResource
from orchestration.transformation import dbt_in_warehouse
from orchestration.transformation.manifest import ensure_manifest, prepare_target_dir
from tests.conftest import FIXTURE_LANDING, make_settings


def test_landing_and_warehouse_folders_with_quotes(tmp_path: Path) -> None:
    root = tmp_path / 'it\'s "here"'
    landing = root / "d'landing"
    shutil.copytree(FIXTURE_LANDING, landing)
    for survey in (FIXTURE_LANDING.parent / "survey").iterdir():
        shutil.copy(survey, landing / survey.name)
    settings = make_settings(landing, root / "o'warehouse")

    with run_lock(settings):
        assert not run_lock_is_free(settings)
        check_pseudonym_key(settings)
        with WarehouseResource.from_settings(settings).connect() as conn:
            sources = ("childfocus", "igvm", "takedown", "survey")
            summaries = [ingest_source(conn, settings, source) for source in sources]
    assert all(not s.rejected for s in summaries)
    assert sum(s.rows_loaded for s in summaries) > 0

    ensure_manifest()
    target = prepare_target_dir(settings)
    build = subprocess.run(
        [
            str(dbt_in_warehouse.EXECUTABLE),
            *dbt_in_warehouse.settings_arguments(settings),
            "build",
            "--target-path",
            str(target),
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stdout[-2000:] + build.stderr[-2000:]
    with duckdb.connect(str(settings.warehouse_db), read_only=True) as conn:
        assert (
            conn.execute("SELECT count(*) FROM intermediate.int_cases").fetchone()[0] == 8
        )  # the fixtures' cases; one with an age of 250 loads, its age unknown

    home = prepare_dagster_home(settings)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_runs() == []
