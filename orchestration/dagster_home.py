"""The Dagster instance folder (DAGSTER_HOME) of a warehouse, for `ncii dev` and the daemon.

It lives in the warehouse folder (`<warehouse>/dagster`), so run history and the sensors' cursors
belong to the warehouse they describe and survive restarts; without one, `dagster dev` makes a
`.tmp_dagster_home_*` folder in the current folder, and its landing sensor sees every file as new.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from orchestration.settings import Settings

INSTANCE_TEMPLATE = Path(__file__).with_name("dagster.yaml")


def prepare_dagster_home(settings: Settings) -> Path:
    """Create the folder with the project's dagster.yaml unless it has one (an operator's edits are kept)."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(INSTANCE_TEMPLATE, home / "dagster.yaml")
    return home
