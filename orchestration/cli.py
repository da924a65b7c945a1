"""`ncii`: the command analysts and operators run (demo, run, query, export)."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from orchestration.publishing.exports import PublishedDataError
from orchestration.locking import RunInProgress
from orchestration.settings import Settings, SettingsError, create_demo_key


def cmd_demo(args: argparse.Namespace) -> int:
    """Make a realistic sample landing folder, then run everything once on it."""
    from orchestration.sample_data.helpline import generate_helpline_landing
    from orchestration.sample_data.survey import generate_survey_landing

    settings = Settings.from_env()
    key_file = create_demo_key(settings.warehouse_dir)
    settings = Settings.from_env()
    print(f"Writing sample exports to {settings.landing_dir} (demo key: {key_file}) ...", flush=True)
    settings.landing_dir.mkdir(parents=True, exist_ok=True)
    generate_helpline_landing(settings.landing_dir, seed=args.seed)
    generate_survey_landing(settings.landing_dir)
    return cmd_run(args)


def cmd_run(args: argparse.Namespace) -> int:
    """Run the whole pipeline once on the configured landing folder; exit 0 only when published."""
    from orchestration.reporting.summary import run_summary
    from orchestration.runner import run_main_job

    settings = Settings.from_env()
    _alerts_to_file(settings)
    print(f"Running the pipeline on {settings.landing_dir} ...", flush=True)
    outcome = run_main_job(settings, progress=True)
    if not outcome.success:
        detail = f" (dbt log: {outcome.log_path})" if outcome.log_path else ""
        print(f"ncii: not published: {outcome.reason}{detail}", file=sys.stderr)
        return 1
    print(run_summary(settings))
    return 0


def _alerts_to_file(settings: Settings) -> None:
    """Alerts are logged in full to logs/alerts.log; the terminal keeps its one-line error and the summary."""
    import logging

    log_dir = settings.warehouse_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_dir / "alerts.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    alerts = logging.getLogger("ncii.alerts")
    alerts.handlers = [handler]
    alerts.setLevel(logging.INFO)
    alerts.propagate = False


def cmd_report(args: argparse.Namespace) -> int:
    """Rebuild the HTML report from the published marts (every successful run also does this)."""
    from orchestration.reporting.report import build_report

    settings = Settings.from_env()
    if not settings.published_db.exists():
        raise FileNotFoundError(f"nothing published yet at {settings.published_db}: run `ncii run` first")
    print(f"Wrote {build_report(settings)}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """Run SQL against the published marts (read-only) and print the result."""
    from orchestration.publishing.exports import run_query

    frame = run_query(Settings.from_env(), args.sql)
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False)
    else:
        with pd_display():
            print(frame.to_string(index=False) if len(frame) else "(no rows)")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Export one published mart to CSV, XLSX or Parquet, with spreadsheet formulas neutralised."""
    from orchestration.publishing.exports import export_mart

    target = export_mart(Settings.from_env(), args.mart, args.format, args.output)
    print(f"Wrote {target}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """The disclosure test on the current publication: exit 0 when no suppressed count is recoverable."""
    from orchestration.disclosure.audit import audit_publication

    settings = Settings.from_env()
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
    report = sub.add_parser("report", help="rebuild the HTML report from the published marts")
    report.set_defaults(func=cmd_report)
    query = sub.add_parser("query", help="run SQL against the published marts (read-only)")
    query.add_argument("sql")
    query.add_argument("--format", choices=["table", "csv"], default="table")
    query.set_defaults(func=cmd_query)
    export = sub.add_parser("export", help="export a published mart for Excel or other tools")
    export.add_argument("mart")
    export.add_argument("--format", choices=["csv", "xlsx", "parquet"], default="csv")
    export.add_argument("--output", type=Path, default=None, help="file to write (default: ./<mart>.<format>)")
    export.set_defaults(func=cmd_export)
    audit = sub.add_parser("audit", help="check that no suppressed count can be worked out from the publication")
    audit.add_argument("--db", type=Path, default=None, help="publication to audit (default: the current one)")
    audit.set_defaults(func=cmd_audit)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
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
