"""Preparing the dbt project: the one `dbt parse` whose manifest the Dagster definitions read.

Loading the definitions never parses (`dbt_assets.py` reads the manifest this module wrote). Whatever runs
the pipeline prepares first: `ncii run` and `ncii demo` (the runner, before it loads the definitions),
`ncii dev` (through dagster-dbt's `prepare_if_dev`, which `dagster dev` turns on) and the test session
(conftest.py). By hand, and before starting the daemon or the webserver without `dagster dev`: `make prepare`
(`python -m orchestration.transformation.manifest`). Loading the definitions from a missing or stale
manifest fails (`require_current_manifest`).

The parse is reused while no file of the dbt project or the seeds changed (a fingerprint beside the
manifest), so preparing costs a few milliseconds when nothing changed. Each warehouse keeps its own dbt
target folder (`<warehouse>/dbt`), where `dbt build` finds the partial-parse state of its previous run; a new
warehouse's folder starts from the state of this parse (every warehouse has the same profile: dbt runs in
the warehouse folder, see `dbt_in_warehouse.py`). dbt checks that state itself (project files, dbt version,
the profile's connection values) and parses in full when it does not match, so reusing it is never less
correct than a full parse. Standard library only: preparing loads neither Dagster nor dbt.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, DBT_VARIABLES, SEEDS_DIR, Settings
from orchestration.transformation.dbt_in_warehouse import WRAPPER_ENV

DBT_TARGET_DIR = DBT_PROJECT_DIR / "target"
MANIFEST_PATH = DBT_TARGET_DIR / "manifest.json"
PARTIAL_PARSE_NAME = "partial_parse.msgpack"
FINGERPRINT_PATH = DBT_TARGET_DIR / "manifest.fingerprint"


def project_fingerprint() -> str:
    """Hash of every file dbt parses, so a stale manifest is never used."""
    digest = hashlib.sha256()
    roots = [DBT_PROJECT_DIR / name for name in ("dbt_project.yml", "profiles.yml", "models", "macros", "tests")]
    roots.append(SEEDS_DIR)
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            digest.update(str(path.relative_to(DBT_PROJECT_DIR.parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


class DbtProjectNotPrepared(RuntimeError):
    """The manifest is missing, or was parsed from other files than the dbt project's current ones."""


def _parsed_from(fingerprint: str) -> bool:
    return MANIFEST_PATH.exists() and FINGERPRINT_PATH.exists() and FINGERPRINT_PATH.read_text() == fingerprint


def require_current_manifest() -> Path:
    """The manifest, when it was parsed from the current files; runs no dbt command.

    Whatever loads the definitions without preparing first (the daemon or webserver started by hand) stops
    here instead of building from a stale asset graph. Waits for a parse under way in another process.
    """
    if MANIFEST_PATH.exists():
        with open(DBT_TARGET_DIR / ".parse.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_SH)
            if _parsed_from(project_fingerprint()):
                return MANIFEST_PATH
    raise DbtProjectNotPrepared(
        f"the dbt manifest {MANIFEST_PATH} is missing or older than the dbt project: prepare the project first "
        "(`ncii run` and `ncii dev` do; by hand: `make prepare`)"
    )


def parse_environment() -> dict[str, str]:
    """The environment of the project's `dbt parse`: `WRAPPER_ENV` (parsing opens no database: plain `dbt`, in any
    folder, with the variable the profile otherwise refuses plain `dbt` without) and the default settings' dbt
    variables (a macro reads NCII_SUPPRESSION_K). One parse serves every warehouse: a build with another k
    re-renders only what reads it, as dbt compares the variables with those of the parse state."""
    return {**os.environ, **Settings().environment(DBT_VARIABLES), **WRAPPER_ENV}


def parse_command(target: Path) -> list[str]:
    """`dbt parse` of the project into `target`: plain `dbt` beside this interpreter (parsing opens no database),
    run with `parse_environment()`. The benchmark times the same command cold."""
    dbt = Path(sys.executable).with_name("dbt")
    return [
        str(dbt),
        "parse",
        "--quiet",
        "--project-dir",
        str(DBT_PROJECT_DIR),
        "--profiles-dir",
        str(DBT_PROJECT_DIR),
        "--target-path",
        str(target),
    ]


def ensure_manifest() -> Path:
    """Parse the dbt project unless the manifest matches the current files (safe across processes)."""
    DBT_TARGET_DIR.mkdir(parents=True, exist_ok=True)
    with open(DBT_TARGET_DIR / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fingerprint = project_fingerprint()
        if _parsed_from(fingerprint):
            return MANIFEST_PATH
        result = subprocess.run(parse_command(DBT_TARGET_DIR), env=parse_environment(), capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"dbt parse failed: {(result.stdout + result.stderr).strip()[-2000:]}")
        FINGERPRINT_PATH.write_text(fingerprint)
    return MANIFEST_PATH


def prepare_target_dir(settings: Settings) -> Path:
    """The warehouse's dbt target folder; a new one starts from the parse state of `ensure_manifest`."""
    target = settings.dbt_target_dir
    target.mkdir(parents=True, exist_ok=True)
    shared_state = DBT_TARGET_DIR / PARTIAL_PARSE_NAME
    if not (target / PARTIAL_PARSE_NAME).exists() and shared_state.exists():
        shutil.copyfile(shared_state, target / PARTIAL_PARSE_NAME)
    return target


if __name__ == "__main__":
    print(ensure_manifest())
