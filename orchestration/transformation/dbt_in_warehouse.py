"""`ncii-dbt`: dbt, started in the warehouse folder it builds.

The dbt profile names the database by a path relative to the folder dbt runs in (`warehouse.duckdb`),
so every warehouse has the same profile. dbt keeps its parse state only while the profile's connection
details are unchanged, and one parse of the project (`ensure_manifest`) then serves every warehouse:
a new warehouse's first `dbt build` skips the full parse, which shortens its dbt step (docs/benchmarks.md,
notes).
dagster-dbt starts its dbt executable in the dbt project folder and names the project in DBT_PROJECT_DIR;
this entry point moves to the warehouse folder first. Every dbt command that opens the database runs
through it: `NCII_WAREHOUSE_DIR=... ncii-dbt build` (the project defaults to this repository's).
Plain `dbt` would open a second, empty database in the folder it was typed in, so the profile refuses to
load without `WRAPPER_ENV`, which this entry point sets (and the `dbt parse` runs, which open no database).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, Settings

EXECUTABLE = Path(sys.executable).with_name("ncii-dbt")  # installed beside this interpreter (pyproject.toml)
# Without this variable dbt_project/profiles.yml stops dbt at once (naming `ncii-dbt`); the value is the same for
# every warehouse and every caller, so the profile, and the parse state it shares, stay the same too.
WRAPPER_ENV = {"NCII_DBT_WRAPPER": "1"}
PATH_OPTIONS = (
    "--project-dir",
    "--profiles-dir",
    "--target-path",
    "--log-path",
    "--state",
    "--partial-parse-file-path",
)


def main() -> None:
    os.environ.setdefault("DBT_PROJECT_DIR", str(DBT_PROJECT_DIR))
    os.environ.setdefault("DBT_PROFILES_DIR", str(DBT_PROJECT_DIR))
    sys.argv[1:] = absolute_paths(sys.argv[1:])  # paths given relative to where the command was typed
    warehouse_dir = Settings.from_env().warehouse_dir
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    os.chdir(warehouse_dir)
    os.environ.update(WRAPPER_ENV)
    from dbt.cli.main import cli

    cli()


def absolute_paths(args: list[str]) -> list[str]:
    """The command line with the values of dbt's path options made absolute (`--opt value` and `--opt=value`)."""
    out: list[str] = []
    for arg in args:
        name, equals, value = arg.partition("=")
        if equals and name in PATH_OPTIONS:
            out.append(f"{name}={Path(value).absolute()}")
        elif out and out[-1] in PATH_OPTIONS:
            out.append(str(Path(arg).absolute()))
        else:
            out.append(arg)
    return out
