"""dbt's documentation of the models, as one static page next to the published marts.

`dbt docs generate --static` writes a single self-contained HTML file. It takes several seconds,
so it runs only when the dbt project changed since the last generation (the same fingerprint
that decides whether the manifest must be parsed again).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, Settings
from orchestration.transformation.dbt_assets import project_fingerprint


def generate_dbt_docs(settings: Settings) -> Path:
    """Write `docs/index.html` in the warehouse folder unless it is current; return its path."""
    docs_dir = settings.warehouse_dir / "docs"
    target = docs_dir / "index.html"
    stamp = docs_dir / "fingerprint"
    fingerprint = project_fingerprint()
    if target.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return target
    docs_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ncii-dbt-docs-") as scratch:
        subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "docs", "generate", "--static", "--quiet",
             "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
             "--target-path", scratch, "--log-path", scratch],
            env={**os.environ, **settings.dbt_env()}, check=True, capture_output=True,
        )
        shutil.copy(Path(scratch) / "static_index.html", target.with_suffix(".tmp"))
    target.with_suffix(".tmp").replace(target)
    stamp.write_text(fingerprint)
    return target
