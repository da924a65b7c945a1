"""One measured unit of work, run in its own process so its memory is its own.

    python -m benchmarks.child pipeline LANDING WAREHOUSE
    python -m benchmarks.child sql|pandas LANDING OUT_DIR

Prints one JSON line: wall seconds, step timings (pipeline) and where the marts are.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def run_pipeline(landing: Path, warehouse: Path) -> dict:
    from orchestration.runner import run_main_job
    from orchestration.settings import Settings

    settings = Settings.from_env(
        {"NCII_LANDING_DIR": str(landing), "NCII_WAREHOUSE_DIR": str(warehouse), "NCII_PSEUDONYM_KEY": "benchmark-key"}
    )
    outcome = run_main_job(settings)
    if not outcome.success:
        raise SystemExit(f"pipeline failed: {outcome.reason}")
    return {"steps": outcome.step_seconds, "marts_dir": str(settings.published_dir)}


def run_baseline(kind: str, landing: Path, out_dir: Path) -> dict:
    if kind == "sql":
        from benchmarks.duckdb_baseline import compute_marts
    else:
        from benchmarks.pandas_baseline import compute_marts
    out_dir.mkdir(parents=True, exist_ok=True)
    for mart, frame in compute_marts(landing).items():
        frame.to_parquet(out_dir / f"{mart}.parquet", index=False)
    return {"marts_dir": str(out_dir)}


def main(argv: list[str]) -> int:
    kind, landing, target = argv[0], Path(argv[1]), Path(argv[2])
    started = time.perf_counter()
    result = run_pipeline(landing, target) if kind == "pipeline" else run_baseline(kind, landing, target)
    result["seconds"] = time.perf_counter() - started
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
