"""One measured unit of work, run in its own process so its memory is its own.

    python -m benchmarks.child pipeline LANDING WAREHOUSE
    python -m benchmarks.child sql|pandas LANDING OUT_DIR
    python -m benchmarks.child generate LANDING CASE_ROWS

Prints one JSON line: wall seconds, step timings (pipeline) and where the marts are.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def run_pipeline(landing: Path, warehouse: Path) -> dict:
    # the settings come from the environment, as for `ncii run` (the cached dbt manifest and its partial-parse
    # state are only reused by dbt when they were made for the same warehouse path)
    env = {
        "NCII_LANDING_DIR": str(landing),
        "NCII_WAREHOUSE_DIR": str(warehouse),
        "NCII_PSEUDONYM_KEY": "benchmark-pseudonym-key-not-a-secret-32+",
    }
    os.environ.update(env)
    started = time.perf_counter()
    from orchestration.transformation.manifest import ensure_manifest

    ensure_manifest()  # as the runner does before it loads the definitions, which never parse
    import orchestration.definitions  # noqa: F401  Dagster, dagster-dbt, GX and the dbt manifest: a fixed cost

    import_seconds = time.perf_counter() - started
    from orchestration.runner import run_main_job
    from orchestration.settings import Settings

    settings = Settings.from_env(env)
    outcome = run_main_job(settings)
    if not outcome.success:
        raise SystemExit(f"pipeline failed: {outcome.reason}")
    return {
        "steps": outcome.step_seconds,
        "marts_dir": str(settings.published_dir),
        "import_s": import_seconds,
        **dbt_profile(settings.dbt_target_dir / "run_results.json"),
    }


def dbt_profile(run_results: Path) -> dict:
    """dbt's own execution time in the run (the warehouse's run_results.json) and its slowest nodes."""
    if not run_results.exists():
        return {}
    results = json.loads(run_results.read_text())
    nodes = sorted(
        (
            (r["execution_time"], r["unique_id"].split(".")[0] + " " + r["unique_id"].split(".")[2])
            for r in results["results"]
        ),
        reverse=True,
    )
    return {
        "dbt_elapsed_s": results["elapsed_time"],
        "dbt_nodes": len(nodes),
        "dbt_slowest": [[name, seconds] for seconds, name in nodes[:6]],
        "dbt_tests_s": sum(seconds for seconds, name in nodes if name.startswith("test ")),
    }


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
    if kind == "generate":  # in a process of its own, so that the benchmark's own process stays small
        from benchmarks.run import generate

        case_rows, held_back = generate(landing, int(argv[2]))
        print(
            json.dumps(
                {
                    "case_rows": case_rows,
                    "held_back": [str(p) for p in held_back],
                    "seconds": time.perf_counter() - started,
                }
            )
        )
        return 0
    result = run_pipeline(landing, target) if kind == "pipeline" else run_baseline(kind, landing, target)
    result["seconds"] = time.perf_counter() - started
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
