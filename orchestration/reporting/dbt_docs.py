"""dbt's documentation of the models, as one static page next to the published marts.

`dbt docs generate --static` writes a single self-contained HTML file. It takes several seconds,
so it runs only when the dbt project changed since the last generation (the same fingerprint
that decides whether the manifest must be parsed again).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.transformation import dbt_in_warehouse
from orchestration.transformation.manifest import DBT_TARGET_DIR, project_fingerprint


def generate_dbt_docs(settings: Settings) -> Path:
    """Write `docs/index.html` in the warehouse folder unless it is current; return its path.

    The page describes the project's models, so it is the same for every warehouse built from the
    same project files: one generated page per project fingerprint is shared by all warehouses.
    """
    docs_dir = settings.docs_dir
    target = docs_dir / "index.html"
    stamp = docs_dir / "fingerprint"
    fingerprint = project_fingerprint()
    if target.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return target
    docs_dir.mkdir(parents=True, exist_ok=True)
    _copy_atomically(_shared_page(settings, fingerprint), target)
    stamp.write_text(fingerprint)
    return target


def _shared_page(settings: Settings, fingerprint: str) -> Path:
    """The generated page of this project version, made with `dbt docs generate` if nobody made it yet."""
    page = DBT_TARGET_DIR / "docs" / f"{fingerprint[:16]}.html"
    if page.exists():
        return page
    page.parent.mkdir(parents=True, exist_ok=True)
    for stale in page.parent.glob("*.html"):
        stale.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="ncii-dbt-docs-") as scratch:
        subprocess.run(
            [
                str(dbt_in_warehouse.EXECUTABLE),
                *dbt_in_warehouse.settings_arguments(settings),
                "docs",
                "generate",
                "--static",
                "--quiet",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                scratch,
                "--log-path",
                scratch,
                # the build's parse state for this warehouse: dbt re-renders only what changed since
                "--partial-parse-file-path",
                str(settings.dbt_target_dir / "partial_parse.msgpack"),
            ],
            check=True,
            capture_output=True,
        )
        _copy_atomically(Path(scratch) / "static_index.html", page)
    return page


def _copy_atomically(source: Path, target: Path) -> None:
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copy(source, partial)
    partial.replace(target)
