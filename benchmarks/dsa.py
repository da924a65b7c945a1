"""Benchmark of the dsa source: one generated daily dump through each engine against hand-written DuckDB SQL.

    make bench                                                  # 20 million statements (a realistic day)
    .venv/bin/python -m benchmarks.dsa --statements 1000000     # smaller, e.g. on a shared machine
    .venv/bin/python -m benchmarks.dsa --dump-dir /tmp/dsa20m   # keep the generated dump for the next run

The dump is written by the streaming generator (constant memory at any size). Each engine loads it
the way `ncii run` does (unzipping part by part included) into a fresh warehouse, in a process of its
own whose peak RSS (process tree, Spark's JVM included) is sampled. The baseline is hand-written
DuckDB SQL over the same CSV parts already extracted (the engine's limit: no unzipping, every part at
once, no ledger, no quarantine); its daily aggregate must equal each engine's, row by row. The results
replace the dsa section of docs/benchmarks.md (between its markers), which the main benchmark keeps.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DAY = date(2025, 7, 3)
START, END = "<!-- dsa benchmark: written by benchmarks/dsa.py -->", "<!-- /dsa benchmark -->"
COUNT_KEYS = "month, platform_name, harm_group, source_type"
BASELINE_MEMORY = "12GB"


def baseline_sql() -> tuple[str, dict]:
    """The reduction written by hand over every extracted part at once (no quarantine: the dump is clean)."""
    from orchestration.ingestion.dsa import vocab

    words = vocab.vocabulary()
    params: dict = {}
    branches = []
    for prio, group in sorted(words.group_of_priority.items()):
        keywords = [c for c, p in words.keyword_priority.items() if p == prio]
        categories = [c for c, p in words.category_priority.items() if p == prio]
        params[f"kw{prio}"], params[f"cat{prio}"], params[f"group{prio}"] = keywords or [""], categories or [""], group
        branches.append(f"WHEN list_has_any(kw, $kw{prio}) OR list_has_any(cats, $cat{prio}) THEN $group{prio}")
    params["source_codes"], params["source_names"] = list(words.source_types), list(words.source_types.values())
    return (
        f"""
        CREATE TABLE statements AS
        SELECT DISTINCT ON (uuid) *
        FROM (
            SELECT uuid::UUID AS uuid,
                   date_trunc('month', strptime(application_date, '%Y-%m-%d %H:%M:%S'))::DATE AS month,
                   trim(platform_name) AS platform_name,
                   CASE {" ".join(branches)} END AS harm_group,
                   map($source_codes, $source_names)[source_type] AS source_type,
                   automated_detection = 'Yes' AS detection, automated_decision = 'AUTOMATED_DECISION_FULLY' AS fully,
                   list_contains(coalesce(from_json(nullif(decision_visibility, ''), '["VARCHAR"]'), []),
                                 'DECISION_VISIBILITY_CONTENT_REMOVED') AS removed,
                   epoch(strptime(application_date, '%Y-%m-%d %H:%M:%S'))::BIGINT
                     - epoch(strptime(nullif(content_date, ''), '%Y-%m-%d %H:%M:%S'))::BIGINT AS decision_seconds,
                   epoch(strptime(created_at, '%Y-%m-%d %H:%M:%S'))::BIGINT
                     - epoch(strptime(application_date, '%Y-%m-%d %H:%M:%S'))::BIGINT AS database_seconds
            FROM (SELECT *, coalesce(from_json(nullif(category_specification, ''), '["VARCHAR"]'), []) AS kw,
                            list_prepend(category,
                                         coalesce(from_json(nullif(category_addition, ''), '["VARCHAR"]'), []))
                              AS cats
                  FROM read_csv($files, header = true, all_varchar = true, quote = '"', escape = '"',
                                union_by_name = true, max_line_size = 134217728)
                  WHERE list_contains(coalesce(from_json(nullif(territorial_scope, ''), '["VARCHAR"]'), []), 'BE'))
        );
        CREATE TABLE counts AS
        SELECT {COUNT_KEYS}, count(*) AS statements, count(*) FILTER (WHERE detection) AS automated_detections,
               count(*) FILTER (WHERE fully) AS fully_automated_decisions,
               count(*) FILTER (WHERE removed) AS content_removed
        FROM statements GROUP BY ALL;
        CREATE TABLE durations AS
        SELECT {COUNT_KEYS}, measure, seconds, count(*) AS statements
        FROM (SELECT {COUNT_KEYS}, unnest(['decision', 'database']) AS measure,
                     unnest([decision_seconds, database_seconds]) AS seconds FROM statements)
        WHERE seconds IS NOT NULL GROUP BY ALL;""",
        params,
    )


def child_engine(engine: str, dump: Path, warehouse: Path) -> dict:
    import duckdb

    from orchestration.ingestion.dsa.ingest import ingest_dsa
    from orchestration.settings import Settings

    landing = dump.parent
    settings = Settings.from_env(
        {"NCII_LANDING_DIR": str(landing), "NCII_WAREHOUSE_DIR": str(warehouse), "NCII_DSA_ENGINE": engine}
    )
    warehouse.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with duckdb.connect(str(warehouse / "warehouse.duckdb")) as conn:
        conn.execute("SET memory_limit = '3GB'")
        outcomes = ingest_dsa(conn, settings)
    seconds = time.perf_counter() - started
    assert [o.status for o in outcomes] == ["loaded"], [o.message for o in outcomes]
    return {"seconds": seconds, "statements_loaded": outcomes[0].rows_loaded, "rows_read": outcomes[0].rows_read}


def child_sql(parts_dir: Path, db: Path) -> dict:
    import duckdb

    files = sorted(str(p) for p in parts_dir.glob("*.csv"))
    started = time.perf_counter()
    with duckdb.connect(str(db)) as conn:
        # the baseline is the limit, not a contender: it gets the memory and freedom of order its one big
        # DISTINCT ON needs (at 20 million statements it runs out of a 3 GB cap)
        conn.execute(f"SET memory_limit = '{BASELINE_MEMORY}'")
        conn.execute("SET preserve_insertion_order = false")
        sql, params = baseline_sql()
        for statement in sql.split(";"):
            if statement.strip():
                conn.execute(
                    statement,
                    {name: value for name, value in {**params, "files": files}.items() if f"${name}" in statement},
                )
    return {"seconds": time.perf_counter() - started}


def rows(db: Path, counts: str, durations: str) -> tuple[list, list]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as conn:
        return (
            sorted(
                conn.execute(
                    f"SELECT {COUNT_KEYS}, statements, automated_detections, fully_automated_decisions,"
                    f" content_removed FROM {counts}"
                ).fetchall(),
                key=repr,
            ),
            sorted(
                conn.execute(f"SELECT {COUNT_KEYS}, measure, seconds, statements FROM {durations}").fetchall(), key=repr
            ),
        )


def extract(dump: Path, target: Path) -> None:
    with zipfile.ZipFile(dump) as outer:
        for inner_name in outer.namelist():
            with outer.open(inner_name) as raw, zipfile.ZipFile(raw) as inner:
                for member in inner.namelist():
                    with inner.open(member) as src, (target / Path(member).name).open("wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 22)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=20_000_000)
    parser.add_argument("--files", type=int, default=20, help="CSV files in the dump (two per inner zip)")
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument(
        "--dump-dir",
        type=Path,
        help="keep the generated dump here and reuse it when one of the same size is there (generating 20 million "
        "statements takes about a quarter of an hour)",
    )
    parser.add_argument("--child", nargs=3, metavar=("KIND", "INPUT", "OUTPUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, source, target = args.child
        result = (
            child_sql(Path(source), Path(target)) if kind == "sql" else child_engine(kind, Path(source), Path(target))
        )
        print(json.dumps(result))
        return 0

    from benchmarks.run import measure

    work = Path(tempfile.mkdtemp(prefix="ncii-dsa-bench-"))
    try:
        dump, generated_s = generated_dump(args, args.dump_dir or work)
        parts_dir = work / "parts"
        parts_dir.mkdir()
        extract(dump, parts_dir)
        sql = measure(
            [sys.executable, "-m", "benchmarks.dsa", "--child", "sql", str(parts_dir), str(work / "sql.duckdb")]
        )
        truth = rows(work / "sql.duckdb", "counts", "durations")
        shutil.rmtree(parts_dir)
        results = {}
        for engine in [e for e in args.engines.split(",") if e]:
            warehouse = work / f"warehouse-{engine}"
            measured = measure([sys.executable, "-m", "benchmarks.dsa", "--child", engine, str(dump), str(warehouse)])
            equal = rows(warehouse / "warehouse.duckdb", "raw.dsa_daily_counts", "raw.dsa_daily_durations") == truth
            results[engine] = (measured, equal)
            if not equal:
                raise SystemExit(f"{engine}: the daily aggregate differs from the SQL baseline")
        write_report(args, dump.stat().st_size, generated_s, sql, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def generated_dump(args, folder: Path) -> tuple[Path, float]:
    """The day's dump in `folder`/landing: reused when a kept one was generated with the same size, else written."""
    from orchestration.sample_data.dsa import write_dsa_day

    landing = folder / "landing"
    landing.mkdir(parents=True, exist_ok=True)
    recorded = folder / "generated.json"
    wanted = {"statements": args.statements, "files": args.files, "day": DAY.isoformat()}
    if recorded.exists():
        kept = json.loads(recorded.read_text())
        dump = Path(kept.get("dump", ""))
        if {k: kept.get(k) for k in wanted} == wanted and dump.exists():
            return dump, kept["seconds"]
    started = time.perf_counter()
    dump, _ = write_dsa_day(landing, DAY, args.statements, seed=1, parts=max(1, args.files // 2), files_per_part=2)
    seconds = time.perf_counter() - started
    recorded.write_text(json.dumps(wanted | {"dump": str(dump), "seconds": seconds}))
    return dump, seconds


def write_report(args, dump_bytes: int, generated_s: float, sql, results) -> None:
    load = os.getloadavg()[0]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    lines = [
        START,
        "",
        "## DSA daily dump (issue 18)",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on commit `{commit}` ({platform.platform()}, "
        f"{os.cpu_count()} cores; 1-minute load average at the end: {load:.1f}). Command: "
        f"`python -m benchmarks.dsa --statements {args.statements} --files {args.files}`.",
        f"One generated day of {args.statements:,} statements in {args.files} CSV files ({dump_bytes / 2**20:,.0f} MiB "
        f"zipped; written by the streaming generator in {generated_s:.0f} s). Each engine's time includes unzipping "
        "part by part and committing the day; the SQL baseline reads the same CSV parts already extracted. Every "
        "engine's daily aggregate (counts and duration histograms) equalled the baseline's row by row.",
        "",
        "| engine | s | peak MiB | / SQL | statements/s |",
        "|---|---|---|---|---|",
        f"| hand-written DuckDB SQL (extracted parts) | {sql.seconds:.1f} | {sql.peak_rss_mb:,.0f} | 1.00 | "
        f"{args.statements / sql.seconds:,.0f} |",
    ]
    for engine, (measured, _) in results.items():
        lines.append(
            f"| {engine} engine (`NCII_DSA_ENGINE={engine}`) | {measured.seconds:.1f} | "
            f"{measured.peak_rss_mb:,.0f} | {measured.seconds / sql.seconds:.2f} | "
            f"{args.statements / measured.seconds:,.0f} |"
        )
    lines += ["", END]
    text = args.out.read_text() if args.out.exists() else ""
    section = "\n".join(lines)
    if START in text and END in text:
        text = text.split(START, 1)[0] + section + text.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    args.out.write_text(text)


if __name__ == "__main__":
    sys.exit(main())
