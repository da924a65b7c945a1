"""Alerts: raise once per condition, clear when it goes away, deliver to the webhook, never lose one.

A condition is a fingerprint (kind, source, check, subject, status). While it stays open no
second message is sent, however many runs see it; a change of status (warn to error) is a new
condition. Delivery is a Slack-compatible JSON POST to `NCII_ALERT_WEBHOOK_URL`, retried with
backoff by urllib3, all within one wall-clock deadline for the whole batch (a server that
trickles its answer byte by byte would defeat the per-read timeouts of requests); an alert that
still could not be delivered stays `pending` in the table and is sent by the next run. After one
alert fails every retry, the rest of the batch waits for the next run instead of hammering a dead
webhook. Delivery problems are logged, never raised:
a dead webhook must not fail the pipeline. Without a webhook, alerts go to the log and the table.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import duckdb
import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from orchestration.monitoring import drift
from orchestration.monitoring.checks import CheckResult
from orchestration.monitoring.store import ensure_schema
from orchestration.sources import SOURCES

log = logging.getLogger("ncii.alerts")

DELIVERY_ATTEMPTS = 4  # first try plus three retries
BACKOFF_SECONDS = 0.5  # urllib3 doubles it between retries
TIMEOUT_SECONDS = 10  # connect, and each read
# Everything a run spends on the webhook, retries included: the run holds the warehouse's lock meanwhile.
DELIVERY_DEADLINE_SECONDS = 30

WHAT_TO_DO = {
    "freshness": "Ask {source} for its latest export and drop it in the landing folder; recent months are "
    "incomplete until then.",
    "volume": "Check with {source} that the export is complete (no missing days, no new filter) before quoting "
    "this month.",
    "distribution_shift": "Check whether the change is real (a new trend, a campaign) or a recording change "
    "(a renamed platform, a new form field) before quoting this month's shares.",
    "missing_rate": "Ask the {source} export owner whether the field was renamed or stopped being filled; "
    "figures split by this field undercount until it is fixed.",
    "unmapped_value": "Run `ncii unmapped` to see the values behind these hashes (it reads the landing files and "
    "writes nothing). Add a name to seeds/platform_aliases.csv (a new platform: a row of seeds/platforms.csv too; "
    "a code: to seeds/code_map.csv) "
    "and run again; until then it counts as 'other' (a code: that field counts as unknown). "
    "A value that is personal data: have it corrected in the source system.",
    # dsa: the platforms' daily dumps (orchestration/monitoring/dsa_drift.py)
    "missing_day": "Download the missing daily dump from the DSA Transparency Database and drop it in the landing "
    "folder; until then that day's statements are missing from the months it covers.",
    "platform_volume": "Check that the newest dump is complete (all its parts) and whether the platform changed how "
    "it files statements before quoting this platform's numbers.",
    "harm_group_gone": "Compare the dump's categories and keywords with seeds/dsa_harm_groups.csv (a category change "
    "adds new keys) and add the new keys to the seed.",
    "disclosure_audit": "The suppression left a count a reader could narrow to fewer than k values, so the gate "
    "refused the publication (the run log lists every such count). That is a fault in the "
    "suppression, not in the data: report it with the run log. Analysts still see the last "
    "good publication.",
    "publication_blocked": "Open the validation report, fix or remove the export that failed, and run again. "
    "Analysts still see the last good publication.",
    "run_failed": "Read the reason and the run log, fix the cause and run `ncii run` again. "
    "Analysts still see the last good publication.",
    "landing_name": "Rename each file to the pattern shown (or remove it from the landing folder); "
    "the next run loads it once its name matches.",
}
CHECK_TITLES = {
    "freshness": "no recent export",
    "volume": "unusual number of {unit}",
    "distribution_shift": "shares shifted: {subjects}",
    "missing_rate": "more empty values: {subjects}",
    "unmapped_value": "values the taxonomy does not know ({count})",
    "missing_day": "days missing in the sequence of dumps: {subjects}",
    "platform_volume": "statement volume jumped: {subjects}",
    "harm_group_gone": "harm group disappeared: {subjects}",
}


@dataclass(frozen=True)
class Condition:
    kind: str
    source: str
    check_name: str
    subject: str
    status: str
    period: date | None
    title: str
    message: str

    @property
    def fingerprint(self) -> str:
        key = "|".join((self.kind, self.source, self.check_name, self.subject, self.status))
        return hashlib.sha256(key.encode()).hexdigest()[:20]


def drift_conditions(results: list[CheckResult]) -> list[Condition]:
    """One condition per source and check, naming every flagged subject.

    Grouping keeps a Slack channel readable (one message for five unknown platform names, not
    five) and still tells changes apart: a new name, or warn becoming error, is a new condition.
    The words are for on-call staff: what changed, where, since when, and what to do.
    """
    flagged: dict[tuple[str, str], list[CheckResult]] = {}
    for result in results:
        if result.status in (drift.WARN, drift.ERROR):
            flagged.setdefault((result.source, result.check_name), []).append(result)
    conditions = []
    for (source, check), group in flagged.items():
        group.sort(key=lambda r: r.subject)
        status = drift.worst([r.status for r in group])
        first = group[0]
        unit = SOURCES[source].unit if source in SOURCES else "cases"
        what = CHECK_TITLES[check].format(subjects=", ".join(r.subject for r in group), unit=unit, count=len(group))
        month = f"{first.period:%Y-%m}" if first.period else "now"
        baseline = f", against the {first.baseline_months} months before" if first.baseline_months else ""
        details = "\n".join(f"- {r.subject}: {r.detail}" for r in group)
        message = f"{details}\nPeriod {month}{baseline}.\nWhat to do: {WHAT_TO_DO[check].format(source=source)}"
        conditions.append(
            Condition(
                "drift",
                source,
                check,
                " | ".join(r.subject for r in group),
                status,
                first.period,
                f"[{status.upper()}] {source}: {what} ({month})",
                message,
            )
        )
    return conditions


def pipeline_condition(kind: str, subject: str, reason: str) -> Condition:
    """A blocked publication or a failed run; the subject (the failing step) tells conditions apart."""
    words = {
        "publication_blocked": "publication blocked by the quality gate",
        "disclosure_audit": "publication blocked by the disclosure audit",
    }.get(kind, "pipeline run failed")
    title = f"[ERROR] pipeline: {words}"
    return Condition(
        kind, "pipeline", kind, subject, drift.ERROR, None, title, f"{reason}. What to do: {WHAT_TO_DO[kind]}"
    )


def landing_condition(notes: Iterable) -> Condition | None:
    """One warning naming every file whose name nearly matches an export pattern (never loaded as it is).

    The file names are shown (an operator made them; no file content is read): the subject lists
    them, so a new near miss is a new condition and a renamed file clears it.
    """
    misses = sorted((n for n in notes if n.kind == "near_miss"), key=lambda n: n.file_name)
    if not misses:
        return None
    title = f"[WARN] landing: {len(misses)} file name{'s' if len(misses) > 1 else ''} nearly match an export pattern"
    details = "\n".join(f"- {n.file_name!r}: {n.note}" for n in misses)
    return Condition(
        "landing",
        "landing",
        "landing_name",
        " | ".join(n.file_name for n in misses),
        drift.WARN,
        None,
        title,
        f"{details}\nWhat to do: {WHAT_TO_DO['landing_name']}",
    )


def raise_landing_alerts(conn: duckdb.DuckDBPyConnection, run_id: str, notes: Iterable) -> int:
    """Open the near-miss alert of this scan of the landing folder; clear an earlier one it no longer finds."""
    ensure_schema(conn)
    condition = landing_condition(notes)
    current = [condition] if condition else []
    conn.execute(
        "UPDATE monitoring.alerts SET state = 'cleared', cleared_at = now() "
        "WHERE kind = 'landing' AND state = 'open' AND fingerprint NOT IN (SELECT unnest(?))",
        [[c.fingerprint for c in current]],
    )
    return _open(conn, run_id, current, None)


def raise_drift_alerts(conn: duckdb.DuckDBPyConnection, run_id: str, results: list[CheckResult], report: str) -> int:
    """Open an alert for each new warn/error condition; clear the open ones this run found gone.

    Only checks that really ran can clear an alert: a check skipped for lack of data keeps its
    alert open. Returns the number of new alerts.
    """
    ensure_schema(conn)
    conditions = drift_conditions(results)
    new = _open(conn, run_id, conditions, report)
    evaluated = {(r.source, r.check_name) for r in results if r.status != drift.SKIPPED}
    current = {c.fingerprint for c in conditions}
    for alert_id, fingerprint, source, check_name in conn.execute(
        "SELECT alert_id, fingerprint, source, check_name FROM monitoring.alerts "
        "WHERE kind = 'drift' AND state = 'open'"
    ).fetchall():
        if (source, check_name) in evaluated and fingerprint not in current:
            conn.execute(
                "UPDATE monitoring.alerts SET state = 'cleared', cleared_at = now() WHERE alert_id = ?", [alert_id]
            )
    return new


def raise_pipeline_alert(conn: duckdb.DuckDBPyConnection, run_id: str, condition: Condition, report: str | None) -> int:
    ensure_schema(conn)
    return _open(conn, run_id, [condition], report)


def clear_pipeline_alerts(
    conn: duckdb.DuckDBPyConnection, kinds: tuple[str, ...] = ("publication_blocked", "disclosure_audit", "run_failed")
) -> None:
    """A publication went through: blocked publications and failed runs are over (or, with `kinds`, others)."""
    ensure_schema(conn)
    conn.execute(
        "UPDATE monitoring.alerts SET state = 'cleared', cleared_at = now() "
        "WHERE kind IN (SELECT unnest(?)) AND state = 'open'",
        [list(kinds)],
    )


def _open(conn: duckdb.DuckDBPyConnection, run_id: str, conditions: Iterable[Condition], report: str | None) -> int:
    new = 0
    for c in conditions:
        seen = conn.execute(
            "SELECT alert_id FROM monitoring.alerts WHERE fingerprint = ? AND state = 'open'", [c.fingerprint]
        ).fetchone()
        if seen:
            conn.execute("UPDATE monitoring.alerts SET last_seen_at = now() WHERE alert_id = ?", [seen[0]])
            continue
        conn.execute(
            "INSERT INTO monitoring.alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, now(), now(), NULL, "
            "'pending', 0, NULL, NULL)",
            [
                uuid.uuid4().hex,
                c.fingerprint,
                c.kind,
                c.source,
                c.check_name,
                c.subject,
                c.status,
                c.period,
                c.title,
                c.message,
                report,
                run_id,
            ],
        )
        new += 1
    return new


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    pending: int
    logged: int


def deliver_pending(
    conn: duckdb.DuckDBPyConnection, webhook_url: str | None, logger: logging.Logger | None = None
) -> DeliveryReport:
    """Send every pending alert, oldest first; never raises for a delivery problem.

    Every alert also goes to the `ncii.alerts` log (and to `logger`, Dagster's event log when
    called from an asset)."""
    loggers = [log, *([logger] if logger else [])]
    ensure_schema(conn)
    pending = conn.execute(
        "SELECT alert_id, title, message, period, report_path FROM monitoring.alerts "
        "WHERE delivery_state = 'pending' ORDER BY raised_at, alert_id"
    ).fetchall()
    for _alert_id, title, message, _, report in pending:
        for out in loggers:
            out.warning(f"ALERT {title}\n{message}" + (f"\nReport: {report}" if report else ""))
    if not webhook_url:
        conn.execute("UPDATE monitoring.alerts SET delivery_state = 'log_only' WHERE delivery_state = 'pending'")
        return DeliveryReport(0, 0, len(pending))
    delivered = 0
    deadline = time.monotonic() + DELIVERY_DEADLINE_SECONDS
    with _session() as session:
        for alert_id, title, message, period, report in pending:
            error = _post(session, webhook_url, slack_payload(title, message, period, report), deadline)
            if error is None:
                conn.execute(
                    "UPDATE monitoring.alerts SET delivery_state = 'delivered', delivered_at = now(), "
                    "delivery_attempts = delivery_attempts + 1, last_delivery_error = NULL WHERE alert_id = ?",
                    [alert_id],
                )
                delivered += 1
                continue
            conn.execute(
                "UPDATE monitoring.alerts SET delivery_attempts = delivery_attempts + 1, "
                "last_delivery_error = ? WHERE alert_id = ?",
                [error[:300], alert_id],
            )
            for out in loggers:
                out.warning(
                    f"alert webhook unreachable ({error}); {len(pending) - delivered} alerts stay pending "
                    "for the next run"
                )
            break  # the webhook is down: the others wait for the next run
    return DeliveryReport(delivered, len(pending) - delivered, 0)


def slack_payload(title: str, message: str, period: date | None, report: str | None) -> dict:
    """Slack-compatible: `text` for notifications and plain webhooks, `blocks` for Slack's layout."""
    lines = [message]
    if period:
        lines.append(f"Period: {period:%Y-%m}")
    if report:
        lines.append(f"Report: {report}")
    body = "\n".join(lines)
    return {
        "text": f"{title}\n{body}",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": body[:3000]}},
        ],
    }


def _session() -> requests.Session:
    retry = Retry(
        total=DELIVERY_ATTEMPTS - 1,
        backoff_factor=BACKOFF_SECONDS,
        allowed_methods=None,
        status_forcelist=(429, 500, 502, 503, 504),
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _post(session: requests.Session, url: str, payload: dict, deadline: float) -> str | None:
    """None when the webhook took the message, else a one-line reason (without the URL's secret path).

    The request runs in a worker thread that the caller waits for until `deadline` (time.monotonic())
    and no longer: requests' timeouts apply to each read, so a server sending one byte at a time
    would otherwise keep the run, and its lock, forever. A call still going at the deadline is
    abandoned (a daemon thread holding no lock, gone when the process ends).
    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return f"no time left within the {DELIVERY_DEADLINE_SECONDS} s delivery deadline"
    outcome: list[int | str] = []

    def call() -> None:
        try:
            with session.post(url, json=payload, timeout=min(TIMEOUT_SECONDS, remaining)) as response:
                outcome.append(response.status_code)
        except requests.RequestException as exc:
            outcome.append(f"{type(exc).__name__}: could not reach the webhook")

    worker = threading.Thread(target=call, name="ncii-alert-webhook", daemon=True)
    worker.start()
    worker.join(remaining)
    if not outcome:
        return f"the webhook gave no complete answer within the {DELIVERY_DEADLINE_SECONDS} s delivery deadline"
    if isinstance(outcome[0], str):
        return outcome[0]
    if outcome[0] >= 300:
        return f"webhook answered HTTP {outcome[0]}"
    return None
