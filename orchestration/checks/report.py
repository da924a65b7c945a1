"""Validation reports an analyst can read: one HTML page per run and an index of all runs.

Each suite result is appended to `history.jsonl` as it is produced (a run whose gate fails
still leaves its report), and the run's page and the index are rewritten from that history.
The pages are self-contained HTML: no script, no network. Each check is shown with its parameters
(bounds, value sets, columns: from the suite) and what was observed, as counts and percentages only:
never a value from the rows, which for a raw batch would be a value from a landing file.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from orchestration.checks.gx_suites import SuiteResult
from orchestration.settings import Settings

STYLE = """body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left;
vertical-align:top}td{max-width:32rem;overflow-wrap:anywhere}
.ok{color:#1a7f37}.fail{color:#b42318;font-weight:bold}.warn{color:#9a6700}"""


def record_result(settings: Settings, run_id: str, result: SuiteResult) -> Path:
    """Append one suite's result to the history and rewrite this run's page and the index."""
    directory = settings.validation_dir
    directory.mkdir(parents=True, exist_ok=True)
    entry = {
        "run_id": run_id,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "suite": result.suite,
        "rows": result.rows,
        "success": result.success,
        "outcomes": [asdict(o) for o in result.outcomes],
    }
    with settings.validation_history.open("a") as handle:
        handle.write(json.dumps(entry) + "\n")
    history = [json.loads(line) for line in settings.validation_history.read_text().splitlines() if line]
    page = directory / f"run-{run_id}.html"
    page.write_text(_run_page(run_id, [h for h in history if h["run_id"] == run_id]))
    settings.validation_index.write_text(_index_page(history))
    return page


def _status(success: bool, severity: str = "error") -> str:
    if success:
        return '<span class="ok">passed</span>'
    return '<span class="fail">FAILED</span>' if severity == "error" else '<span class="warn">warning</span>'


def _parameters(parameters: dict | None) -> str:
    """`min_value: 0, max_value: 99`; a value set as its members; columns as named in the suite."""
    if not parameters:
        return "&mdash;"
    shown = []
    for key, value in parameters.items():
        if isinstance(value, list):
            value = "{" + ", ".join(str(v) for v in value) + "}"
        shown.append(f"<b>{html.escape(key)}</b>: {html.escape(str(value))}")
    return "<br>".join(shown)


def _observed(observed: dict | None, unexpected: int | None) -> str:
    """Counts and percentages: rows checked, failing, empty; a table's row count or its columns."""
    if not observed:
        return "&mdash;" if unexpected is None else f"{unexpected:,} rows failing"
    parts = []
    if "row_count" in observed:
        parts.append(f"{observed['row_count']:,} rows")
    if "columns_found" in observed:
        parts.append(
            f"{observed['columns_found']} columns, {observed['columns_unexpected']} unexpected, "
            f"{observed['columns_missing']} missing"
        )
    if "element_count" in observed:
        parts.append(f"{observed['element_count']:,} rows checked")
    if "unexpected_count" in observed:
        percent = observed.get("unexpected_percent")
        parts.append(f"{observed['unexpected_count']:,} failing" + ("" if percent is None else f" ({percent:.2f}%)"))
    if observed.get("missing_count"):
        parts.append(f"{observed['missing_count']:,} empty ({observed.get('missing_percent', 0):.2f}%), not checked")
    return "; ".join(parts) or "&mdash;"


def _run_page(run_id: str, entries: list[dict]) -> str:
    parts = [f"<h1>Validation of run {html.escape(run_id[:8])}</h1>", '<p><a href="index.html">All runs</a></p>']
    for entry in entries:
        parts.append(
            f"<h2 id='{html.escape(entry['suite'])}'>{html.escape(entry['suite'])}: "
            f"{_status(entry['success'])}</h2><p>{entry['rows']:,} rows checked at {html.escape(entry['at'])}"
            f" against expectations/{html.escape(entry['suite'])}.json</p>"
        )
        rows = "".join(
            f"<tr><td>{html.escape(o['expectation'])}</td><td>{_parameters(o.get('parameters'))}</td>"
            f"<td>{_observed(o.get('observed'), o['unexpected'])}</td><td>{o['severity']}</td>"
            f"<td>{_status(o['success'], o['severity'])}</td></tr>"
            for o in entry["outcomes"]
        )
        parts.append(
            "<table><tr><th>check</th><th>parameters</th><th>observed</th><th>severity</th><th>result</th>"
            f"</tr>{rows}</table>"
        )
    return _page(f"Validation {run_id[:8]}", "".join(parts))


def _index_page(history: list[dict]) -> str:
    runs: dict[str, list[dict]] = {}
    for entry in history:
        runs.setdefault(entry["run_id"], []).append(entry)
    rows = []
    for run_id, entries in sorted(runs.items(), key=lambda item: item[1][0]["at"], reverse=True):
        checks = sum(len(e["outcomes"]) for e in entries)
        failed = sum(1 for e in entries for o in e["outcomes"] if not o["success"])
        rows.append(
            f'<tr><td><a href="run-{run_id}.html">{html.escape(entries[0]["at"])}</a></td><td>{len(entries)}</td>'
            f"<td>{checks}</td><td>{failed}</td><td>{sum(e['rows'] for e in entries):,}</td>"
            f"<td>{_status(all(e['success'] for e in entries))}</td></tr>"
        )
    table = (
        "<table><tr><th>run (UTC)</th><th>suites</th><th>checks</th><th>failed</th><th>rows</th><th>gate</th></tr>"
        + "".join(rows)
        + "</table>"
    )
    return _page("Validation history", "<h1>Validation history</h1><p>Newest run first.</p>" + table)


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )
