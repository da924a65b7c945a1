"""What each suite validates: the rows of this run's loads, or the whole mart, as pandas frames.

Some rules compare a row with its file or its group; the columns they need are derived here,
in plain sight, so the suites stay plain GX expectations:
days after the export date, hours to resolution, codes mapped to their canonical values
(the raw layer keeps source codes), and the share total of groups with nothing suppressed.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from orchestration.settings import SEEDS_DIR

RAW_SUITES = {
    "raw_childfocus_cases": ("childfocus", "childfocus_cases"),
    "raw_igvm_reports": ("igvm", "igvm_reports"),
    "raw_takedown_requests": ("takedown", "takedown_requests"),
    "raw_survey_responses": ("survey", "survey_responses"),
}
CODED = {
    "childfocus": ["kanaal", "geslacht_slachtoffer", "provincie", "type_feiten", "ai_gegenereerd"],
    "igvm": ["channel", "victim_gender", "victim_region", "incident_type", "status"],
    "takedown": ["content_type", "outcome"],
}


def _to_canonical(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    codes = pd.read_csv(SEEDS_DIR / "code_map.csv", dtype=str, keep_default_na=False)
    codes = codes[codes["source"] == source]
    for column in CODED.get(source, []):
        field = codes[codes["field"] == column]
        values = frame[column].astype("string").str.strip().str.lower()
        mapped = values.map(dict(zip(field["code"].str.lower(), field["canonical"])))
        frame[column] = mapped.where(mapped.notna() | values.isna(), "UNMAPPED:" + values)  # keep what did not map
    return frame


def raw_batch(conn: duckdb.DuckDBPyConnection, suite: str, load_ids: list[str]) -> pd.DataFrame:
    """The rows loaded by the given loads (this run's batch), prepared for the suite."""
    source, table = RAW_SUITES[suite]
    frame = conn.execute(f"SELECT * FROM raw.{table} WHERE load_id IN (SELECT unnest(?))", [load_ids]).df()
    if source == "childfocus":
        frame["days_after_export_opened"] = _days_after(frame["datum_opening"], frame["export_date"])
        frame["days_after_export_closed"] = _days_after(frame["datum_afsluiting"], frame["export_date"])
    elif source == "igvm":
        frame["days_after_export_submitted"] = _days_after(frame["submitted_at"], frame["export_date"])
    elif source == "takedown":
        frame["days_after_export_submitted"] = _days_after(frame["submitted_at"], frame["export_date"])
        frame["hours_to_resolution"] = (frame["resolved_at"] - frame["submitted_at"]).dt.total_seconds() / 3600
    elif source == "survey":
        frame["finished_weight"] = frame["weight"].where(frame["finished"] == 1)
    return _to_canonical(frame, source)


def _days_after(instants: pd.Series, export_dates: pd.Series) -> pd.Series:
    local = pd.to_datetime(instants, utc=True).dt.tz_convert("Europe/Brussels").dt.tz_localize(None)
    return (local - pd.to_datetime(export_dates)).dt.total_seconds() / 86400


def mart(conn: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    frame = conn.execute(f"SELECT * FROM marts.{name}").df()
    if name == "victim_demographics_quarterly":
        group = ["quarter", "source", "incident_type"]
        clean = ~frame.groupby(group)["suppressed"].transform("any")
        frame["group_share_total"] = frame.groupby(group)["share_pct"].transform("sum").where(clean)
    return frame
