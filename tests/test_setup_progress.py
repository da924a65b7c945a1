"""`make env` shows progress: no silent stretch longer than 5 s, and no list of 140 packages."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SILENT_INSTALLER = """
import sys, time
print("Resolved 139 packages in 2ms", flush=True)
time.sleep(9)
for name in ("dagster", "dbt-core", "duckdb"):
    print(f" + {name}==1.0", flush=True)
print("Installed 139 packages in 9s", flush=True)
"""


def test_a_silent_installer_gets_progress_lines_and_its_package_list_is_left_out() -> None:
    started = time.monotonic()
    process = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "tools" / "with_progress.py"),
            "Installing",
            sys.executable,
            "-c",
            SILENT_INSTALLER,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = [(time.monotonic() - started, line.rstrip("\n")) for line in process.stdout]
    assert process.wait() == 0
    times = [0.0, *(t for t, _ in lines)]
    assert max(later - earlier for earlier, later in zip(times, times[1:])) < 5.5, lines
    text = [line for _, line in lines]
    assert text[0] == "Installing ..." and "  Installed 139 packages in 9s" in text
    assert any("still working" in line for line in text)
    assert not any("dagster==" in line for line in text)
    assert text[-1].startswith("  done in") and "3 packages changed" in text[-1]


def test_make_env_runs_uv_through_it() -> None:
    makefile = (REPO / "Makefile").read_text()
    assert "tools/with_progress.py" in makefile and "$(UV) sync" in makefile
    uv_rule = makefile[makefile.index("$(UV):") :].split("\n\n")[0]  # pip installing uv is silent too
    assert "tools/with_progress.py" in uv_rule and "pip install" in uv_rule
