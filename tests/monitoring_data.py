"""Generated months for the drift tests: a stable distribution, and one month shifted on purpose.

Builds just the tables the drift checks read (the intermediate models, the load ledger and
the quarantine) in a DuckDB file, so each check can be run on many months in seconds.
"""

from __future__ import annotations

from datetime import date

import duckdb
import numpy as np
import pandas as pd

from orchestration.privacy import describe
from tests.conftest import TEST_KEY

PLATFORMS = {
    "snapchat": 0.22,
    "instagram": 0.19,
    "x": 0.16,
    "tiktok": 0.14,
    "telegram": 0.10,
    "whatsapp": 0.10,
    "facebook": 0.05,
    "discord": 0.04,
}
GENDERS = {"female": 0.78, "male": 0.17, "unknown": 0.03, "non_binary": 0.02}
AGE_BANDS = {"15_17": 0.50, "12_14": 0.30, "under_12": 0.07, "unknown": 0.07, "18_21": 0.06}
CHANNELS = {"chat": 0.35, "phone": 0.33, "web_form": 0.22, "email": 0.10}
CASES_PER_MONTH = 300
AGE_MISSING = 0.06
SOURCES = ("childfocus", "igvm", "takedown")
BLUESKY = describe("bluesky", TEST_KEY.encode())  # the models hold a name only as its descriptor


def month(start: date, offset: int) -> date:
    return (pd.Timestamp(start) + pd.DateOffset(months=offset)).date()


def _draw(rng: np.random.Generator, shares: dict[str, float], n: int) -> np.ndarray:
    p = np.array(list(shares.values()))
    return rng.choice(list(shares), size=n, p=p / p.sum())


def month_rows(rng: np.random.Generator, source: str, opened: date, shift: str | None = None) -> pd.DataFrame:
    """One month of one source; `shift` names what is different about it."""
    platforms, genders, missing = dict(PLATFORMS), dict(GENDERS), AGE_MISSING
    n = rng.poisson(CASES_PER_MONTH)
    if shift == "platform_mix":
        platforms["telegram"] *= 2.5
    elif shift == "victim_gender":
        genders["male"] = 0.40
    elif shift == "volume":
        n = rng.poisson(CASES_PER_MONTH * 0.45)
    elif shift == "missing_rate":
        missing = 0.30
    frame = pd.DataFrame(
        {
            "case_key": [f"{source}-{opened:%Y%m}-{i}" for i in range(n)],
            "source": source,
            "opened_month": opened,
            "platform": _draw(rng, platforms, n),
            "victim_gender": _draw(rng, genders, n),
            "victim_age_band": _draw(rng, AGE_BANDS, n),
            "channel": _draw(rng, CHANNELS, n),
        }
    )
    frame["victim_age"] = np.where(rng.random(n) < missing, np.nan, 15.0)
    frame["platform_name"] = frame["platform"]
    frame["is_mapped"] = True
    if shift == "unmapped_value":  # a platform the alias seed does not know, in one case in ten
        new = rng.random(n) < 0.10
        frame.loc[new, ["platform", "platform_name", "is_mapped"]] = ["other", BLUESKY, False]
    return frame


def build_warehouse(path, months: list[date], shifted: dict[date, str] | None = None, seed: int = 7) -> None:
    """All sources, every month from the same distribution except the months in `shifted`."""
    rng = np.random.default_rng(seed)
    shifted = shifted or {}
    frames = [month_rows(rng, source, m, shifted.get(m)) for source in SOURCES for m in months]
    rows = pd.concat(frames, ignore_index=True)
    cases = rows[rows["source"] != "takedown"]
    requests = rows[rows["source"] == "takedown"]
    conn = duckdb.connect(str(path))
    try:
        for schema in ("intermediate", "raw"):
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        conn.register("cases", cases)
        conn.register("requests", requests)
        conn.execute("""CREATE OR REPLACE TABLE intermediate.int_cases AS
            SELECT case_key, source, opened_month, channel,
            CAST(victim_age AS INTEGER) AS victim_age, victim_age_band, victim_gender, 'flanders' AS region,
            'deepnude' AS incident_type, true AS ai_generated, 'peer' AS offender_relation,
            [platform_name] AS platform_names FROM cases""")
        conn.execute("""CREATE OR REPLACE TABLE intermediate.int_case_platforms AS
            SELECT case_key, source, opened_month, platform, platform_name, is_mapped FROM cases""")
        conn.execute("""CREATE OR REPLACE TABLE intermediate.int_takedown_requests AS
            SELECT case_key AS request_id, case_key, platform, platform_name, is_mapped, 'image' AS content_type,
                   opened_month AS submitted_month FROM requests""")
        conn.execute("""CREATE OR REPLACE TABLE raw.load_ledger (load_id VARCHAR, source VARCHAR, export_date DATE,
            status VARCHAR)""")
        conn.execute("CREATE OR REPLACE TABLE raw.quarantine (load_id VARCHAR, field VARCHAR, reason VARCHAR)")
    finally:
        conn.close()


def land_export(path, export_date: date, sources=SOURCES) -> None:
    """Record that each source's export of this date loaded (the checks read the newest one)."""
    conn = duckdb.connect(str(path))
    try:
        for source in sources:
            conn.execute(
                "INSERT INTO raw.load_ledger VALUES (?, ?, ?, 'loaded')",
                [f"{source}-{export_date:%Y%m%d}", source, export_date],
            )
    finally:
        conn.close()
