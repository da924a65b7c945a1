"""`ncii`: the command analysts and operators run (demo, run, report, query, export, tables, describe, unmapped,
audit)."""

from __future__ import annotations

import argparse
import inspect
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from orchestration.locking import RunInProgress
from orchestration.publishing.exports import PublishedDataError
from orchestration.settings import Settings, SettingsError, create_demo_key


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Make a realistic sample landing folder, then run everything once on it."""
    from orchestration.reporting.progress import watched
    from orchestration.sample_data.demo_guard import check_demo_folders, land_new_files, mark_demo_folders
    from orchestration.sample_data.dsa import generate_demo_dsa
    from orchestration.sample_data.helpline import generate_helpline_landing
    from orchestration.sample_data.survey import generate_survey_landing

    check_demo_folders(settings)  # never into real exports or a real warehouse
    mark_demo_folders(settings, [])
    key_file = create_demo_key(settings.warehouse_dir)
    settings = settings.with_key_file()  # the demo key, unless NCII_PSEUDONYM_KEY gave one
    print(f"Writing sample exports to {settings.landing_dir} (demo key: {key_file}) ...", flush=True)
    with watched("writing sample exports"), tempfile.TemporaryDirectory(prefix="ncii-demo-") as generated:
        generate_helpline_landing(Path(generated), seed=args.seed)
        generate_survey_landing(Path(generated))
        generate_demo_dsa(Path(generated), seed=args.seed)
        land_new_files(settings, Path(generated))
    return cmd_run(args, settings)


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run the whole pipeline once on the configured landing folder; exit 0 only when published."""
    from orchestration.key_fingerprint import check_pseudonym_key
    from orchestration.reporting.progress import watched

    check_pseudonym_key(settings, record=False)  # a wrong key is refused at once, before Dagster loads
    print(f"Running the pipeline on {settings.landing_dir} ...", flush=True)
    with watched("loading Dagster"):  # the imports alone take seconds
        from orchestration.reporting.summary import run_summary
        from orchestration.runner import run_main_job

        _alerts_to_file(settings)
        outcome = run_main_job(settings, progress=True)
    if not outcome.success:
        detail = f" (dbt log: {outcome.log_path})" if outcome.log_path else ""
        print(f"ncii: not published: {outcome.reason}{detail}", file=sys.stderr)
        return 1
    print(run_summary(settings))
    return 0


def cmd_dev(args: argparse.Namespace, settings: Settings) -> int:
    """The Dagster UI and daemon (sensors, schedule, run monitoring) on this warehouse's own instance."""
    import os

    from orchestration.dagster_home import prepare_dagster_home
    from orchestration.key_fingerprint import check_pseudonym_key

    check_pseudonym_key(settings)
    home = prepare_dagster_home(settings)
    dagster = Path(sys.executable).with_name("dagster")
    # Dagster loads the definitions in processes of its own: the settings reach them as variables, and
    # the definitions module reads them there (its edge)
    env = {**os.environ, **settings.environment(), "DAGSTER_HOME": str(home)}
    print(f"Starting Dagster on http://{args.host}:{args.port} (instance: {home}) ...", flush=True)
    os.execve(
        dagster,
        [
            str(dagster),
            "dev",
            "-m",
            "orchestration.definitions",
            "-h",
            args.host,
            "-p",
            str(args.port),
            "--log-level",
            "info",
        ],
        env,
    )
    return 0  # not reached: the process is now Dagster's


def _alerts_to_file(settings: Settings) -> None:
    """Alerts are logged in full to logs/alerts.log; the terminal keeps its one-line error and the summary."""
    import logging

    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(settings.logs_dir / "alerts.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    alerts = logging.getLogger("ncii.alerts")
    alerts.handlers = [handler]
    alerts.setLevel(logging.INFO)
    alerts.propagate = False


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    """Rebuild the HTML report from the published marts (every successful run also does this)."""
    from orchestration.reporting.report import build_report

    if not settings.published_db.exists():
        raise FileNotFoundError(f"nothing published yet at {settings.published_db}: run `ncii run` first")
    print(f"Wrote {build_report(settings)}")
    return 0


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    """Run one SELECT against the published tables and print the result.

    The query runs in a sandbox: no file read or written, no ATTACH, no extension, no setting
    changed, nothing but the published tables."""
    from orchestration.publishing.exports import run_query

    frame = run_query(settings, args.sql)
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        with pd_display():
            print(frame.to_string(index=False) if len(frame) else "(no rows)")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Export one published table to CSV, XLSX or Parquet, sorted by its grain, spreadsheet formulas neutralised."""
    from orchestration.publishing.exports import export_mart

    target = export_mart(settings, args.mart, args.format, args.output)
    print(f"Wrote {target}")
    return 0


def cmd_tables(args: argparse.Namespace, settings: Settings) -> int:
    """List the published tables with their row counts and what each holds."""
    import textwrap

    from orchestration.publishing.exports import list_tables

    for table in list_tables(settings):
        print(f"{table.name}  ({table.rows:,} rows)")
        print(textwrap.fill(table.description, width=100, initial_indent="    ", subsequent_indent="    "))
    return 0


def cmd_describe(args: argparse.Namespace, settings: Settings) -> int:
    """Show a published table's columns with their types and descriptions."""
    import textwrap

    from orchestration.publishing.exports import describe_table

    description, columns = describe_table(settings, args.table)
    print(f"{args.table}\n{textwrap.fill(description, width=100)}\n")
    width = max(len(c) for c in columns["column"]) + 2
    kind_width = max(len(k) for k in columns["type"]) + 2
    for column, kind, text in columns.itertuples(index=False):
        lines = textwrap.wrap(text, width=max(100 - width - kind_width, 40)) or [""]
        print(f"{column:<{width}}{kind:<{kind_width}}{lines[0]}")
        for line in lines[1:]:
            print(" " * (width + kind_width) + line)
    return 0


def cmd_unmapped(args: argparse.Namespace, settings: Settings) -> int:
    """List the values the taxonomy does not know, read from the landing files now; writes nothing."""
    from orchestration.ingestion.unmapped import find_unmapped, format_unmapped

    print(format_unmapped(*find_unmapped(settings)))
    return 0


def cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    """The disclosure test on the current publication: exit 0 when no suppressed count is recoverable."""
    from orchestration.disclosure.audit import audit_publication

    result = audit_publication(args.db or settings.published_db, settings.suppression_k)
    for line in result.lines():
        print(line)
    print(result.summary(), file=sys.stderr)
    return 0 if result.passed else 1


def pd_display():
    import pandas as pd

    return pd.option_context("display.max_rows", 500, "display.max_columns", 50, "display.width", 200)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ncii", description="NCII warehouse: load, check and publish the marts.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks instead of one-line errors")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="make a realistic sample landing folder and run everything once")
    demo.add_argument("--seed", type=int, default=2026)
    demo.set_defaults(func=cmd_demo)
    run = sub.add_parser("run", help="run the whole pipeline once on NCII_LANDING_DIR")
    run.set_defaults(func=cmd_run)
    dev = sub.add_parser("dev", help="the Dagster UI and daemon on this warehouse (http://127.0.0.1:3000)")
    dev.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    dev.add_argument("--port", type=int, default=3000)
    dev.set_defaults(func=cmd_dev)
    report = sub.add_parser("report", help="rebuild the HTML report from the published marts")
    report.set_defaults(func=cmd_report)
    query = sub.add_parser("query", help="run one SELECT against the published tables (read-only, sandboxed)")
    query.add_argument("sql", help="one SELECT statement over the published tables (`ncii tables` lists them)")
    query.add_argument("--format", choices=["table", "csv"], default="table")
    query.set_defaults(func=cmd_query)
    export = sub.add_parser("export", help="export a published table for Excel or other tools")
    export.add_argument("mart", help="a published table: a mart, monitoring_checks or alerts")
    export.add_argument("--format", choices=["csv", "xlsx", "parquet"], default="csv")
    export.add_argument("--output", type=Path, default=None, help="file to write (default: ./<mart>.<format>)")
    export.set_defaults(func=cmd_export)
    audit = sub.add_parser("audit", help="check that no suppressed count can be worked out from the publication")
    audit.add_argument("--db", type=Path, default=None, help="publication to audit (default: the current one)")
    audit.set_defaults(func=cmd_audit)
    tables = sub.add_parser("tables", help="list the published tables with their row counts")
    tables.set_defaults(func=cmd_tables)
    describe = sub.add_parser("describe", help="show a published table's columns and what each means")
    describe.add_argument("table", help="a published table (`ncii tables` lists them)")
    describe.set_defaults(func=cmd_describe)
    unmapped = sub.add_parser("unmapped", help="list the landing values the taxonomy does not know (writes nothing)")
    unmapped.set_defaults(func=cmd_unmapped)
    _add_examples(parser, sub)
    return parser


# Shown at the end of `ncii <command> --help`; every command has at least one.
EXAMPLES = {
    "demo": ["ncii demo", "NCII_WAREHOUSE_DIR=/tmp/ncii-demo ncii demo --seed 7"],
    "run": ["NCII_LANDING_DIR=/data/landing NCII_WAREHOUSE_DIR=/data/warehouse ncii run"],
    "dev": ["ncii dev    # then open http://127.0.0.1:3000", "ncii dev --port 3001"],
    "report": ["ncii report    # then open data/warehouse/reports/report.html"],
    "query": [
        'ncii query "SELECT month, platform, cases FROM platform_monthly '
        "WHERE source = 'childfocus' AND incident_type = 'all' ORDER BY month DESC LIMIT 20\"",
        "ncii query \"SELECT * FROM survey_prevalence WHERE breakdown = 'total'\" --format csv > prevalence.csv",
    ],
    "export": ["ncii export platform_monthly --format xlsx", "ncii export alerts --format csv --output alerts.csv"],
    "tables": ["ncii tables"],
    "describe": ["ncii describe platform_monthly"],
    "unmapped": ["ncii unmapped"],
    "audit": ["ncii audit"],
}


def _add_examples(parser: argparse.ArgumentParser, sub: argparse._SubParsersAction) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = (
        'examples:\n  ncii demo\n  ncii tables\n  ncii query "SELECT * FROM platform_monthly LIMIT 5"\n'
        "\n`ncii <command> --help` shows each command's options and examples."
    )
    for name, command in sub.choices.items():
        command.formatter_class = argparse.RawDescriptionHelpFormatter
        func = command.get_default("func")
        if func and not command.description:
            command.description = inspect.getdoc(func)
        lines = EXAMPLES.get(name, [])
        if lines:
            command.epilog = "examples:\n" + "\n".join(f"  {line}" for line in lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()  # the edge: the one place `ncii` reads the NCII_* variables
        return args.func(args, settings)
    except KeyboardInterrupt:
        print("ncii: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one readable line for people; the traceback only on request
        if args.debug:
            traceback.print_exc()
        expected = isinstance(exc, (SettingsError, PublishedDataError, FileNotFoundError, RunInProgress))
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        hint = "" if expected or args.debug else " (run with --debug for details)"
        print(f"ncii: error: {first_line}{hint}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
