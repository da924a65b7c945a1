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

The settings dbt needs (`DBT_VARIABLES`: the warehouse folder and k) come first on the command line as
`NAME=value` arguments, as `env` takes them: `ncii-dbt NCII_WAREHOUSE_DIR=/data/warehouse NCII_SUPPRESSION_K=5
build`. The pipeline starts it so (`settings_arguments`): dagster-dbt's `DbtCliResource.cli` takes no
environment of its own, it hands the subprocess a copy of its process's `os.environ`, which the pipeline
leaves alone. A setting not given so comes from this process's environment, then the defaults (by hand:
`NCII_WAREHOUSE_DIR=... ncii-dbt build`); this process, the edge, then puts them in its own environment,
where dbt (run in this process) reads them.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, DBT_VARIABLES, DUCKDB_MEMORY_LIMIT, Settings

EXECUTABLE = Path(sys.executable).with_name("ncii-dbt")  # installed beside this interpreter (pyproject.toml)
# What the profile (dbt_project/profiles.yml) reads beside the settings: without NCII_DBT_WRAPPER it stops dbt
# at once (naming `ncii-dbt`), and NCII_DUCKDB_MEMORY_LIMIT is the pipeline's memory cap. The values are the
# same for every warehouse and every caller, so the profile, and the parse state it shares, stay the same too.
WRAPPER_ENV = {"NCII_DBT_WRAPPER": "1", "NCII_DUCKDB_MEMORY_LIMIT": DUCKDB_MEMORY_LIMIT}
PATH_OPTIONS = (
    "--project-dir",
    "--profiles-dir",
    "--target-path",
    "--log-path",
    "--state",
    "--partial-parse-file-path",
)


def main() -> None:
    given, args = split_settings(sys.argv[1:])
    settings = Settings.from_env({**os.environ, **given})  # this process's edge
    # dbt runs in this process and reads its settings (`env_var`) from this process's environment
    os.environ.update({**settings.environment(DBT_VARIABLES), **WRAPPER_ENV})
    os.environ.setdefault("DBT_PROJECT_DIR", str(DBT_PROJECT_DIR))
    os.environ.setdefault("DBT_PROFILES_DIR", str(DBT_PROJECT_DIR))
    sys.argv[1:] = absolute_paths(args)  # paths given relative to where the command was typed
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    os.chdir(settings.warehouse_dir)
    from dbt.cli.main import cli

    cli()


def settings_arguments(settings: Settings) -> list[str]:
    """The settings a dbt command needs, as the leading `NAME=value` arguments of `ncii-dbt`."""
    return [f"{name}={value}" for name, value in settings.environment(DBT_VARIABLES).items()]


def split_settings(args: list[str]) -> tuple[dict[str, str], list[str]]:
    """The leading `NAME=value` arguments naming one of `DBT_VARIABLES`, and the dbt command line after them."""
    given: dict[str, str] = {}
    while args and args[0].partition("=")[0] in DBT_VARIABLES and "=" in args[0]:
        name, _, value = args[0].partition("=")
        given[name] = value
        args = args[1:]
    return given, args


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
