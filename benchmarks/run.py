"""Benchmark: the pipeline against hand-written DuckDB SQL and plain pandas, from 10k to 10M case rows.

    make bench                                  # all four sizes, writes docs/benchmarks.md
    .venv/bin/python -m benchmarks.run --sizes 10k,100k --no-demo --out /tmp/bench.md

First `ncii run` on the landing folder `ncii demo` writes (the demo-size target), twice, then a
profiled run of the same. Then for each size: generate a landing folder (cumulative monthly
exports, takedown requests in the usual proportion), hold the newest month back, run the full
pipeline, both baselines on the same files, check that all three give the same mart rows (fails
loudly if not), then land the held-back month, time the incremental run, and check its marts
against the SQL baseline over every month. Each unit runs in its own process; peak memory is the
RSS of that whole process tree (dbt subprocess included). The report is rewritten after every
size, so a run cut short keeps the sizes that finished; hand-written notes at its end are kept.
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
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import psutil

from benchmarks.compare import MART_KEYS, published_differences

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


LOADS: list[float] = []  # the machine's 1-minute load average at the end of every measured step


@dataclass
class Measured:
    seconds: float
    peak_rss_mb: float
    result: dict = field(default_factory=dict)
    result_dir: Path | None = None


def measure(args: list[str], env: dict[str, str] | None = None, json_result: bool = True) -> Measured:
    """Run a child process; sample the RSS of its whole process tree until it ends."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env} if env else None,
    )
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
    result = json.loads(out.strip().splitlines()[-1]) if json_result else {}
    LOADS.append(os.getloadavg()[0])
    return Measured(time.perf_counter() - started, peak / 2**20, result)


def child(kind: str, *paths: Path) -> Measured:
    measured = measure([sys.executable, "-m", "benchmarks.child", kind, *map(str, paths)])
    measured.result_dir = Path(measured.result["marts_dir"])
    return measured


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
    summary = generate_helpline_landing(
        landing, seed=7, end_month=END_MONTH, months=MONTHS + 1, cases_per_month=per_month
    )
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
            problems = published_differences(got, pd.read_parquet(directory / f"{mart}.parquet"), keys)
            if problems:
                raise SystemExit(
                    f"EQUALITY CHECK FAILED: pipeline vs {name} baseline, {mart}:\n  " + "\n  ".join(problems)
                )


def bench_size(label: str, workdir: Path) -> dict:
    LOADS.clear()
    root = workdir / label
    shutil.rmtree(root, ignore_errors=True)
    landing, hold = root / "landing", root / "held_back"
    hold.mkdir(parents=True)
    generated = measure([sys.executable, "-m", "benchmarks.child", "generate", str(landing), str(SIZES[label])])
    case_rows, held_back = generated.result["case_rows"], [Path(p) for p in generated.result["held_back"]]
    generate_seconds = generated.seconds
    LOADS.clear()
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
    print(f"[{label}] incremental month {incremental.seconds:.1f}s; SQL baseline on every month ...", flush=True)
    # the incremental result must be what a full computation over all the files gives
    compare_all(
        Path(incremental.result["marts_dir"]), {"sql (all months)": child("sql", landing, root / "sql_all").result_dir}
    )
    shutil.rmtree(root, ignore_errors=True)
    return {
        "size": label,
        "case_rows": case_rows,
        "generate_s": generate_seconds,
        "pipeline_s": full.seconds,
        "stages": stage_seconds(full.result["steps"]),
        "pipeline_peak_mb": full.peak_rss_mb,
        "pipeline_profile": profile(full),
        "sql_s": sql.seconds,
        "sql_peak_mb": sql.peak_rss_mb,
        "pandas_s": pandas_run.seconds,
        "pandas_peak_mb": pandas_run.peak_rss_mb,
        "incremental_s": incremental.seconds,
        "incremental_stages": stage_seconds(incremental.result["steps"]),
        "incremental_peak_mb": incremental.peak_rss_mb,
        "incremental_profile": profile(incremental),
        "load_avg": list(LOADS),  # above ~2 on 2 cores: something else was running too
        "commit": git_commit(),
        "finished_at": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
    }


def profile(run: Measured) -> dict:
    """Where a pipeline run's wall time went, besides the stages: start-up and dbt's own overhead."""
    steps = run.result["steps"]
    dbt_step = sum(seconds for step, seconds in steps.items() if "warehouse_dbt_models" in step)
    return {
        "startup_s": run.seconds - sum(steps.values()),  # interpreter, imports, Dagster instance and job set-up
        "import_s": run.result.get("import_s"),
        "dbt_step_s": dbt_step,
        "dbt_elapsed_s": run.result.get("dbt_elapsed_s"),  # dbt's own execution of the nodes
        "dbt_overhead_s": dbt_step - run.result["dbt_elapsed_s"] if "dbt_elapsed_s" in run.result else None,
        "dbt_nodes": run.result.get("dbt_nodes"),
        "dbt_tests_s": run.result.get("dbt_tests_s"),
        "dbt_slowest": run.result.get("dbt_slowest"),
        "steps": steps,
    }


def bench_demo(workdir: Path) -> dict:
    """`ncii run` on the landing folder `ncii demo` writes, as an operator runs it (own process, CLI)."""
    from orchestration.sample_data.helpline import generate_helpline_landing
    from orchestration.sample_data.survey import generate_survey_landing

    root = workdir / "demo"
    shutil.rmtree(root, ignore_errors=True)
    landing = root / "landing"
    summary = generate_helpline_landing(landing)  # the arguments `ncii demo` uses
    generate_survey_landing(landing)
    env = {
        "NCII_LANDING_DIR": str(landing),
        "NCII_WAREHOUSE_DIR": str(root / "warehouse"),
        "NCII_PSEUDONYM_KEY": "benchmark-pseudonym-key-not-a-secret-32+",
    }
    ncii = str(Path(sys.executable).with_name("ncii"))
    print("[demo] ncii run ...", flush=True)
    first = measure([ncii, "run"], env=env, json_result=False)
    again = measure([ncii, "run"], env=env, json_result=False)
    print(f"[demo] ncii run {first.seconds:.1f}s, again with nothing new {again.seconds:.1f}s; profile ...", flush=True)
    profiled = child("pipeline", landing, root / "profiled")
    shutil.rmtree(root, ignore_errors=True)
    return {
        "case_rows": summary.rows["childfocus"] + summary.rows["igvm"],
        "ncii_run_s": first.seconds,
        "ncii_run_again_s": again.seconds,
        "peak_mb": first.peak_rss_mb,
        "profile": profile(profiled),
        "profiled_s": profiled.seconds,
    }


def cold_parse_seconds() -> float:
    """`dbt parse` of the project from nothing (what the first run after a change of the dbt project pays)."""
    import tempfile

    from orchestration.transformation.manifest import parse_command, parse_environment

    with tempfile.TemporaryDirectory() as target:
        started = time.perf_counter()
        subprocess.run(
            parse_command(Path(target)),
            env=parse_environment(),  # the command `ensure_manifest` runs
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown"


NOTES_MARKER = "<!-- Notes below this line are written by hand and kept when the benchmark rewrites this file. -->"
TARGETS_GB = 6


def targets(results: list[dict], demo: dict | None) -> list[tuple[str, str, str]]:
    """The targets of issue 7: (target, measured, verdict with the margin)."""
    by_size = {r["size"]: r for r in results}
    rows = []
    big = by_size.get("10M")
    if big:
        ratio = big["pipeline_s"] / big["sql_s"]
        rows.append(
            (
                "10M full refresh <= 3x the DuckDB SQL baseline",
                f"{ratio:.1f}x ({big['pipeline_s']:.0f} s vs {big['sql_s']:.0f} s)",
                "met"
                if ratio <= 3
                else f"missed by {ratio / 3:.1f}x ({big['pipeline_s'] - 3 * big['sql_s']:.0f} s over)",
            )
        )
        gb = big["pipeline_peak_mb"] / 1024
        rows.append(
            (
                f"10M full refresh peak memory <= {TARGETS_GB} GiB",
                f"{gb:.1f} GiB",
                "met" if gb <= TARGETS_GB else f"missed by {gb - TARGETS_GB:.1f} GiB",
            )
        )
        share = big["incremental_s"] / big["pipeline_s"]
        rows.append(
            (
                "one new month on top of 10M <= 10% of the full refresh",
                f"{share:.0%} ({big['incremental_s']:.0f} s)",
                "met"
                if share <= 0.10
                else f"missed by {100 * share - 10:.0f} points "
                f"({big['incremental_s'] - 0.1 * big['pipeline_s']:.0f} s over)",
            )
        )
    else:
        rows.append(("10M targets", "not measured in this run", "-"))
    if demo:
        rows.append(
            (
                "demo size `ncii run` <= 45 s",
                f"{demo['ncii_run_s']:.0f} s",
                "met" if demo["ncii_run_s"] <= 45 else f"missed by {demo['ncii_run_s'] - 45:.0f} s",
            )
        )
    for r in results:
        if SIZES[r["size"]] >= 1_000_000:
            speedup = r["pandas_s"] / r["pipeline_s"]
            rows.append(
                (
                    f"faster than pandas at {r['size']}",
                    f"pandas/pipeline {speedup:.2f}",
                    "met"
                    if speedup > 1
                    else f"missed: the pipeline takes {r['pipeline_s'] / r['pandas_s']:.1f}x pandas' time",
                )
            )
    return rows


def write_markdown(
    results: list[dict],
    out: Path,
    demo: dict | None = None,
    cold_parse_s: float | None = None,
    contended: str | None = None,
) -> None:
    """The results table, the machine, the date and the commit, the targets, the profile, and a chart of time against
    rows."""
    import altair as alt
    import vl_convert

    out.parent.mkdir(parents=True, exist_ok=True)
    notes = out.read_text().split(NOTES_MARKER, 1)[1] if out.exists() and NOTES_MARKER in out.read_text() else "\n"
    machine = f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, {platform.platform()}"
    lines = [
        "# Benchmarks",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on commit `{git_commit()}`; machine: {machine}.",
        *(
            []
            if {r.get("commit") for r in results} <= {git_commit()}
            else [
                "Sizes measured in earlier runs and kept (`--keep`): "
                + "; ".join(
                    f"{r['size']} on commit `{r['commit']}` at {r['finished_at']} UTC"
                    for r in results
                    if r.get("commit") != git_commit()
                )
                + "."
            ]
        ),
        "Command: `make bench` (`.venv/bin/python -m benchmarks.run`). Times are wall seconds of a process of their "
        "own (interpreter start-up included); memory is the peak RSS of the whole process tree (the dbt subprocess "
        "included).",
        "Case rows are the rows of the Child Focus and IGVM exports of the full refresh (a case is in about 1.9 "
        "cumulative exports); takedown exports come on top. The newest month is held back, then landed for the "
        "`+1 month` run.",
    ]
    if contended:
        lines += ["", f"**Contention:** {contended}"]
    lines += [
        "",
        "| size | case rows | pipeline s | ingest | dbt | checks | publish | peak MB | SQL s | SQL MB | pandas s "
        "| pandas MB | pipeline/SQL | pandas/pipeline | rows/s | +1 month s | +1 month / full |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        st = r["stages"]
        lines.append(
            f"| {r['size']} | {r['case_rows']:,} | {r['pipeline_s']:.1f} | {st.get('ingest', 0):.1f} "
            f"| {st.get('dbt', 0):.1f} | {st.get('checks', 0):.1f} | {st.get('publish', 0):.1f} "
            f"| {r['pipeline_peak_mb']:,.0f} | {r['sql_s']:.1f} | {r['sql_peak_mb']:,.0f} | {r['pandas_s']:.1f} "
            f"| {r['pandas_peak_mb']:,.0f} | {r['pipeline_s'] / r['sql_s']:.2f} "
            f"| {r['pandas_s'] / r['pipeline_s']:.2f} | {r['case_rows'] / r['pipeline_s']:,.0f} "
            f"| {r['incremental_s']:.1f} "
            f"| {r['incremental_s'] / r['pipeline_s']:.0%} |"
        )
    lines += [
        "",
        "1-minute load average at the end of each measured step (pipeline, SQL, pandas, +1 month, SQL over all months; "
        "the benchmark itself keeps it near 1-2 on 2 cores): "
        + "; ".join(f"{r['size']} " + ", ".join(f"{x:.1f}" for x in r.get("load_avg", [])) for r in results)
        + ".",
        "",
        "Every size passed the equality check: the finest rows of `platform_monthly` and "
        "`victim_demographics_quarterly` of the full refresh are those of both baselines, with the same value in "
        "every cell both show (the publication hides more, across the linked marts), and those of the `+1 month` "
        "(incremental) run match the SQL baseline over all the files the same way.",
        "",
        "## Targets (issue 7)",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
        *(f"| {t} | {m} | {v} |" for t, m, v in targets(results, demo)),
        "",
        "## Where the time goes",
        "",
        "Per run: `start-up` is the wall time outside every Dagster step (interpreter, imports of Dagster, dagster-dbt "
        "and Great Expectations, loading the Definitions, Dagster's run set-up); `dbt overhead` is the dbt step less "
        "dbt's own execution of the nodes (the dbt CLI start-up, parsing, dagster-dbt's event stream); `dbt tests` is "
        "the summed execution time of the dbt data tests (dbt runs one node at a time).",
        "",
        "| run | wall s | start-up | imports | ingest | checks | dbt step | dbt nodes (n) | dbt overhead | dbt tests "
        "| publish |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    profiled = [(f"{r['size']} full", r["pipeline_s"], r["stages"], r["pipeline_profile"]) for r in results]
    profiled += [
        (f"{r['size']} +1 month", r["incremental_s"], r["incremental_stages"], r["incremental_profile"])
        for r in results
    ]
    if demo:
        profiled.insert(
            0,
            (
                "demo (as `ncii demo` writes it)",
                demo["profiled_s"],
                stage_seconds(demo["profile"]["steps"]),
                demo["profile"],
            ),
        )
    for name, wall, st, pr in profiled:

        def num(value):
            return "-" if value is None else f"{value:.1f}"

        lines.append(
            f"| {name} | {wall:.1f} | {num(pr['startup_s'])} | {num(pr['import_s'])} | {num(st.get('ingest'))} "
            f"| {num(st.get('checks'))} | {num(pr['dbt_step_s'])} "
            f"| {num(pr['dbt_elapsed_s'])} ({pr['dbt_nodes'] or '-'}) | {num(pr['dbt_overhead_s'])} "
            f"| {num(pr['dbt_tests_s'])} | {num(st.get('publish'))} |"
        )
    slowest = [
        f"{r['size']} full: " + ", ".join(f"{n} {s:.1f} s" for n, s in (r["pipeline_profile"]["dbt_slowest"] or []))
        for r in results
    ]
    slowest += [
        f"{r['size']} +1 month: "
        + ", ".join(f"{n} {s:.1f} s" for n, s in (r["incremental_profile"]["dbt_slowest"] or []))
        for r in results
    ]
    lines += ["", "Slowest dbt nodes:", "", *(f"- {line}" for line in slowest)]
    if demo:
        lines += [
            "",
            f"Demo size ({demo['case_rows']:,} case rows, the folder `ncii demo` writes): "
            f"`ncii run` took {demo['ncii_run_s']:.1f} s (peak {demo['peak_mb']:,.0f} MB); run again with nothing new, "
            f"{demo['ncii_run_again_s']:.1f} s.",
        ]
    if cold_parse_s is not None:
        lines += [
            f"A cold `dbt parse` of the project takes {cold_parse_s:.1f} s; the pipeline pays it once after the dbt "
            "project changes (the manifest is cached beside a fingerprint), so the runs above were timed with the "
            "manifest warm.",
        ]
    frame = pd.DataFrame(
        [
            {"case rows": r["case_rows"], "seconds": r[f"{k}_s"], "run": name}
            for r in results
            for k, name in (
                ("pipeline", "pipeline"),
                ("sql", "DuckDB SQL"),
                ("pandas", "pandas"),
                ("incremental", "pipeline, +1 month"),
            )
        ]
    )
    chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("case rows:Q", scale=alt.Scale(type="log")),
            y=alt.Y("seconds:Q", scale=alt.Scale(type="log")),
            color="run:N",
        )
        .properties(title="Wall time against case rows", width=520, height=300)
    )
    svg_path = out.with_suffix(".svg")
    svg_path.write_text(vl_convert.vegalite_to_svg(chart.to_json()))
    lines += [
        "",
        "## Time against rows",
        "",
        f"![time against rows]({svg_path.name})",
        "",
        "<details><summary>Raw results (JSON)</summary>",
        "",
        "```json",
        json.dumps({"sizes": results, "demo": demo, "cold_parse_s": cold_parse_s}, indent=1),
        "```",
        "",
        "</details>",
        "",
        NOTES_MARKER,
    ]
    out.write_text("\n".join(lines) + notes)


def previous_results(out: Path) -> dict:
    """The raw results an earlier run wrote into the report (its JSON block)."""
    text = out.read_text() if out.exists() else ""
    if "```json" not in text:
        return {"sizes": [], "demo": None, "cold_parse_s": None}
    kept = json.loads(text.split("```json", 1)[1].split("```", 1)[0])
    header = re.search(r"Run (\S+ \S+) UTC on commit `(\w+)`", text)
    for r in kept["sizes"]:  # reports written before sizes carried their own commit and time
        r.setdefault("commit", header.group(2) if header else "unknown")
        r.setdefault("finished_at", header.group(1) if header else "unknown")
    return kept


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma-separated subset of " + ", ".join(SIZES))
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "ncii-bench")
    parser.add_argument("--no-demo", action="store_true", help="skip the demo-size `ncii run` measurement")
    parser.add_argument("--contended", help="a note on other load on the machine during the run, printed in the report")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the sizes (and demo) already in --out that this run does not measure again",
    )
    args = parser.parse_args(argv)
    kept = previous_results(args.out) if args.keep else {"sizes": [], "demo": None, "cold_parse_s": None}
    cold = cold_parse_seconds()
    # prepare the manifest (`make prepare`), as every run after the first finds it: importing the definitions
    # never parses (a fresh clone has no manifest yet)
    subprocess.run([sys.executable, "-m", "orchestration.transformation.manifest"], cwd=REPO, check=True)
    demo = kept["demo"] if args.no_demo else bench_demo(args.workdir)
    labels = args.sizes.split(",")
    results = [r for r in kept["sizes"] if r["size"] not in labels]
    for label in labels:
        results.append(bench_size(label, args.workdir))
        results.sort(key=lambda r: SIZES[r["size"]])
        # written after every size, so a run cut short still leaves the sizes that finished
        write_markdown(results, args.out, demo, cold, args.contended)
    print(f"Wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
