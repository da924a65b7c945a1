"""Benchmark: the pipeline against hand-written DuckDB SQL and plain pandas, from 10k to 10M case rows.

    make bench                                  # all four sizes, writes docs/benchmarks.md
    .venv/bin/python -m benchmarks.run --sizes 10k,100k --out /tmp/bench.md

For each size: generate a landing folder (cumulative monthly exports, takedown requests in
the usual proportion), hold the newest month back, run the full pipeline, both baselines
on the same files, check that all three give the same mart rows (fails loudly if not),
then land the held-back month and time the incremental run. Each unit runs in its own
process; peak memory is the RSS of that whole process tree (dbt subprocess included).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd
import psutil

from benchmarks.compare import MART_KEYS, mart_differences

REPO = Path(__file__).resolve().parent.parent
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}
MONTHS = 25  # complete months in the full refresh; one more lands for the incremental run
END_MONTH = date(2026, 11, 1)
STAGES = {  # step key pattern -> stage, first match wins (a GX check's key names its asset too)
    "_gx_": "checks",
    "raw_": "ingest",
    "warehouse_dbt_models": "dbt",
    "published_marts": "publish",
}


@dataclass
class Measured:
    seconds: float
    peak_rss_mb: float
    result: dict = field(default_factory=dict)


def measure(args: list[str]) -> Measured:
    """Run a child process; sample the RSS of its whole process tree until it ends."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed: {' '.join(args[2:])}\n{err[-3000:]}")
    return Measured(time.perf_counter() - started, peak / 2**20, json.loads(out.strip().splitlines()[-1]))


def child(kind: str, *paths: Path) -> Measured:
    return measure([sys.executable, "-m", "benchmarks.child", kind, *map(str, paths)])


def stage_seconds(steps: dict[str, float]) -> dict[str, float]:
    stages: dict[str, float] = {}
    for step, seconds in steps.items():
        stage = next((name for pattern, name in STAGES.items() if pattern in step), "other")
        stages[stage] = stages.get(stage, 0.0) + seconds
    return stages


def generate(landing: Path, case_rows: int) -> tuple[int, list[Path]]:
    """Landing folder with about `case_rows` case rows in MONTHS exports, plus one held-back month."""
    from orchestration.sample_data.helpline import generate_helpline_landing

    # one generated case appears in ~1.9 exports on average (cumulative snapshots)
    per_month = max(10, round(case_rows / (MONTHS * 1.9)))
    summary = generate_helpline_landing(landing, seed=7, end_month=END_MONTH, months=MONTHS + 1, cases_per_month=per_month)
    newest = max(export_date(p) for p in summary.files)
    held_back = [p for p in summary.files if export_date(p) == newest]
    held_back_case_rows = sum(data_rows(p) for p in held_back if not p.name.startswith("takedown"))
    return summary.rows["childfocus"] + summary.rows["igvm"] - held_back_case_rows, held_back


def export_date(path: Path) -> str:
    return re.search(r"_(\d{8})\.", path.name).group(1)


def data_rows(path: Path) -> int:
    """Data rows of an export: lines less the CSV header (JSON Lines have none)."""
    with path.open("rb") as handle:
        lines = sum(1 for _ in handle)
    return lines if path.suffix == ".jsonl" else lines - 1


def compare_all(pipeline_dir: Path, baselines: dict[str, Path]) -> None:
    for mart, keys in MART_KEYS.items():
        got = pd.read_parquet(pipeline_dir / f"{mart}.parquet")
        for name, directory in baselines.items():
            problems = mart_differences(got, pd.read_parquet(directory / f"{mart}.parquet"), keys)
            if problems:
                raise SystemExit(f"EQUALITY CHECK FAILED: pipeline vs {name} baseline, {mart}:\n  " + "\n  ".join(problems))


def bench_size(label: str, workdir: Path) -> dict:
    root = workdir / label
    shutil.rmtree(root, ignore_errors=True)
    landing, hold = root / "landing", root / "held_back"
    hold.mkdir(parents=True)
    t0 = time.perf_counter()
    case_rows, held_back = generate(landing, SIZES[label])
    generate_seconds = time.perf_counter() - t0
    for path in held_back:
        path.rename(hold / path.name)

    print(f"[{label}] generated in {generate_seconds:.1f}s; full refresh ...", flush=True)
    full = child("pipeline", landing, root / "warehouse")
    print(f"[{label}] pipeline {full.seconds:.1f}s; SQL baseline ...", flush=True)
    sql = child("sql", landing, root / "sql")
    print(f"[{label}] SQL {sql.seconds:.1f}s; pandas baseline ...", flush=True)
    pandas_run = child("pandas", landing, root / "pandas")
    print(f"[{label}] pandas {pandas_run.seconds:.1f}s; equality check ...", flush=True)
    compare_all(Path(full.result["marts_dir"]), {"sql": root / "sql", "pandas": root / "pandas"})

    for path in held_back:
        (hold / path.name).rename(landing / path.name)
    incremental = child("pipeline", landing, root / "warehouse")
    print(f"[{label}] incremental month {incremental.seconds:.1f}s", flush=True)
    shutil.rmtree(root, ignore_errors=True)
    return {
        "size": label,
        "case_rows": case_rows,
        "generate_s": generate_seconds,
        "pipeline_s": full.seconds,
        "stages": stage_seconds(full.result["steps"]),
        "pipeline_peak_mb": full.peak_rss_mb,
        "sql_s": sql.seconds,
        "sql_peak_mb": sql.peak_rss_mb,
        "pandas_s": pandas_run.seconds,
        "pandas_peak_mb": pandas_run.peak_rss_mb,
        "incremental_s": incremental.seconds,
        "incremental_stages": stage_seconds(incremental.result["steps"]),
    }


def git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"


def write_markdown(results: list[dict], out: Path) -> None:
    """The results table, the machine, the date and the commit, and a chart of time against rows."""
    import altair as alt
    import vl_convert

    out.parent.mkdir(parents=True, exist_ok=True)
    machine = f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, {platform.platform()}"
    lines = [
        "# Benchmarks",
        "",
        f"Run {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on commit `{git_commit()}`; machine: {machine}.",
        "Command: `make bench`. Times are wall seconds; memory is the peak RSS of the whole process tree.",
        "",
        "| size | case rows | pipeline s | ingest | dbt | checks | publish | peak MB | SQL s | SQL MB | pandas s | pandas MB | pipeline/SQL | pandas/pipeline | rows/s | +1 month s | +1 month / full |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        st = r["stages"]
        lines.append(
            f"| {r['size']} | {r['case_rows']:,} | {r['pipeline_s']:.1f} | {st.get('ingest', 0):.1f} | {st.get('dbt', 0):.1f} "
            f"| {st.get('checks', 0):.1f} | {st.get('publish', 0):.1f} | {r['pipeline_peak_mb']:,.0f} | {r['sql_s']:.1f} "
            f"| {r['sql_peak_mb']:,.0f} | {r['pandas_s']:.1f} | {r['pandas_peak_mb']:,.0f} | {r['pipeline_s'] / r['sql_s']:.2f} "
            f"| {r['pandas_s'] / r['pipeline_s']:.2f} | {r['case_rows'] / r['pipeline_s']:,.0f} | {r['incremental_s']:.1f} "
            f"| {r['incremental_s'] / r['pipeline_s']:.0%} |"
        )
    frame = pd.DataFrame(
        [{"case rows": r["case_rows"], "seconds": r[f"{k}_s"], "run": name}
         for r in results for k, name in (("pipeline", "pipeline"), ("sql", "DuckDB SQL"), ("pandas", "pandas"), ("incremental", "pipeline, +1 month"))]
    )
    chart = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("case rows:Q", scale=alt.Scale(type="log")),
        y=alt.Y("seconds:Q", scale=alt.Scale(type="log")),
        color="run:N",
    ).properties(title="Wall time against case rows", width=520, height=300)
    svg_path = out.with_suffix(".svg")
    svg_path.write_text(vl_convert.vegalite_to_svg(chart.to_json()))
    lines += ["", f"![time against rows]({svg_path.name})", "", "Raw results:", "", "```json", json.dumps(results, indent=1), "```", ""]
    out.write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma-separated subset of " + ", ".join(SIZES))
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "ncii-bench")
    args = parser.parse_args(argv)
    results = [bench_size(label, args.workdir) for label in args.sizes.split(",")]
    write_markdown(results, args.out)
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
