"""`ncii-dbt`: dbt, started in the warehouse folder it builds.

The dbt profile names the database by a path relative to the folder dbt runs in (`warehouse.duckdb`),
so every warehouse has the same profile. dbt keeps its parse state only while the profile's connection
details are unchanged, and one parse of the project (`ensure_manifest`) then serves every warehouse:
a new warehouse's first `dbt build` skips the full parse, about 3 s. dagster-dbt starts its executable
in the dbt project folder, and finds the project through DBT_PROJECT_DIR; this entry point moves to the
warehouse folder first. Every dbt command that opens the database must run from that folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from orchestration.settings import Settings

EXECUTABLE = Path(sys.executable).with_name("ncii-dbt")  # installed beside this interpreter (pyproject.toml)


def main() -> None:
    warehouse_dir = Settings.from_env().warehouse_dir
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    os.chdir(warehouse_dir)
    from dbt.cli.main import cli

    cli()
