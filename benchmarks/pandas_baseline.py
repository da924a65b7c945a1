"""The helpline marts computed in plain pandas straight from the landing files.

What an analyst would otherwise write, and an independent implementation to check the
pipeline against: it shares no code with the warehouse, only the taxonomy (the seed CSVs).
It assumes valid exports (the generator's): no quarantine logic.
"""

from __future__ import annotations

import functools
import re
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FINAL_OUTCOMES = {"removed", "geo_blocked", "rejected", "no_response"}
TZ = "Europe/Brussels"


@functools.cache
def _code_map(source: str, field: str) -> dict[str, str]:
    seeds = pd.read_csv(SEEDS / "code_map.csv", dtype=str, keep_default_na=False)
    rows = seeds[(seeds.source == source) & (seeds.field == field)]
    return {code.strip().lower(): canonical for code, canonical in zip(rows.code, rows.canonical)}


def _map_codes(values: pd.Series, source: str, field: str) -> pd.Series:
    mapping = _code_map(source, field)
    return values.fillna("").str.strip().str.lower().map(mapping).fillna("unknown")


def _platforms(names: list[str]) -> list[str]:
    """Canonical platforms of one case or request: aliases, `other` if unknown, `unknown` if none."""
    aliases = _aliases()
    found = []
    for name in names:
        norm = re.sub(r"\s+", " ", str(name)).strip().lower()
        if norm:
            found.append(aliases.get(norm, "other"))
    return sorted(set(found)) or ["unknown"]


@functools.cache
def _aliases() -> dict[str, str]:
    table = pd.read_csv(SEEDS / "platform_aliases.csv", dtype=str, keep_default_na=False)
    return dict(zip(table.alias, table.platform))


def _age_band(age: pd.Series) -> pd.Series:
    bands = pd.read_csv(SEEDS / "age_bands.csv")
    out = pd.Series("unknown", index=age.index, dtype=object)
    for band in bands.itertuples():
        out[(age >= band.min_age) & (age <= band.max_age)] = band.age_band
    return out


def _export_date(path: Path) -> str:
    return re.search(r"(\d{8})", path.name).group(1)


def _read_childfocus(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return pd.read_csv(StringIO(text), sep=";", dtype=str, keep_default_na=False)


def load_cases(landing: Path) -> pd.DataFrame:
    """One row per case (latest export wins), canonical values, both helpline sources."""
    frames = []
    for path in sorted(landing.glob("childfocus_cases_*.csv")):
        df = _read_childfocus(path)
        df["export_date"] = _export_date(path)
        frames.append(df)
    cf = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    cf = cf.sort_values("export_date", kind="stable").drop_duplicates("Dossiernummer", keep="last")
    opened = pd.to_datetime(cf["Datum opening"], format="%d/%m/%Y %H:%M")
    age = pd.to_numeric(cf["Leeftijd slachtoffer"].str.extract(r"(\d+)")[0], errors="coerce")
    childfocus = pd.DataFrame(
        {
            "case_ref": cf["Dossiernummer"].str.strip(),
            "source": "childfocus",
            "opened_local": opened,
            "victim_gender": _map_codes(cf["Geslacht slachtoffer"], "childfocus", "geslacht_slachtoffer"),
            "victim_age_band": _age_band(age),
            "incident_type": _map_codes(cf["Type feiten"], "childfocus", "type_feiten"),
            "ai_generated": _map_codes(cf["AI-gegenereerd"], "childfocus", "ai_gegenereerd") == "true",
            "platform_list": [re.split(r"[,/;]", text) for text in cf["Platformen"]],
        }
    )

    frames = []
    for path in sorted(landing.glob("igvm_reports_*.jsonl")):
        df = pd.json_normalize(pd.read_json(path, lines=True, dtype=False).to_dict("records"))
        df["export_date"] = _export_date(path)
        frames.append(df)
    ig = pd.concat(frames, ignore_index=True)
    ig = ig.sort_values("export_date", kind="stable").drop_duplicates("report_id", keep="last")
    submitted = pd.to_datetime(ig["submitted_at"], utc=True).dt.tz_convert(TZ).dt.tz_localize(None)
    igvm = pd.DataFrame(
        {
            "case_ref": ig["report_id"].str.strip(),
            "source": "igvm",
            "opened_local": submitted,
            "victim_gender": _map_codes(ig["victim.gender"], "igvm", "victim_gender"),
            "victim_age_band": _age_band(pd.to_numeric(ig["victim.age"], errors="coerce")),
            "incident_type": _map_codes(ig["incident.type"], "igvm", "incident_type"),
            "ai_generated": ig["incident.ai_generated"].map(lambda v: v is True),
            "platform_list": [list(v) if isinstance(v, list) else [] for v in ig["incident.platforms"]],
        }
    )
    cases = pd.concat([childfocus, igvm], ignore_index=True)
    cases["month"] = cases["opened_local"].dt.to_period("M").dt.start_time
    cases["quarter"] = cases["opened_local"].dt.to_period("Q").dt.start_time
    return cases


def load_requests(landing: Path, cases: pd.DataFrame) -> pd.DataFrame:
    """One row per takedown request (latest export wins) with its case's source and incident type."""
    frames = []
    for path in sorted(landing.glob("takedown_requests_*.csv")):
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        df["export_date"] = _export_date(path)
        frames.append(df)
    td = pd.concat(frames, ignore_index=True)
    td = td.sort_values("export_date", kind="stable").drop_duplicates("request_id", keep="last")
    submitted = pd.to_datetime(td["submitted_at"], utc=True)
    resolved = pd.to_datetime(td["resolved_at"].replace("", None), utc=True)
    case_info = cases.set_index("case_ref")[["source", "incident_type"]]
    joined = case_info.reindex(td["case_ref"].str.strip())
    requests = pd.DataFrame(
        {
            "month": submitted.dt.tz_convert(TZ).dt.tz_localize(None).dt.to_period("M").dt.start_time.values,
            "source": joined["source"].fillna("unknown").values,
            "incident_type": joined["incident_type"].fillna("unknown").values,
            "platform": [_platforms([name])[0] for name in td["platform"]],
            "outcome": td["outcome"].str.strip().str.lower().values,
            "hours": ((resolved - submitted).dt.total_seconds() / 3600).values,
        }
    )
    requests["is_final"] = requests["outcome"].isin(FINAL_OUTCOMES)
    requests["is_removed"] = requests["outcome"] == "removed"
    return requests


def _suppress(counts: pd.Series, k: int) -> pd.Series:
    return counts.where(~counts.between(1, k - 1))


def platform_monthly(cases: pd.DataFrame, requests: pd.DataFrame, k: int) -> pd.DataFrame:
    keys = ["month", "source", "platform", "incident_type"]
    per_platform = cases.assign(platform=[_platforms(names) for names in cases["platform_list"]]).explode("platform")
    case_side = per_platform.groupby(keys).agg(cases=("case_ref", "size"), ai_generated_cases=("ai_generated", "sum"))
    removed = requests[requests.is_removed].groupby(keys)["hours"]
    removed_hours = pd.concat(
        [removed.median().rename("median_hours"), removed.quantile(0.9).rename("p90_hours")], axis=1
    )  # quantile: linear interpolation, as DuckDB's quantile_cont
    request_side = (
        requests.groupby(keys)
        .agg(
            takedown_requests=("outcome", "size"),
            takedowns_removed=("is_removed", "sum"),
            final_requests=("is_final", "sum"),
        )
        .join(removed_hours)
    )
    mart = case_side.join(request_side, how="outer").reset_index()
    for column in ("cases", "ai_generated_cases", "takedown_requests", "takedowns_removed", "final_requests"):
        mart[column] = mart[column].fillna(0).astype("int64")
    rate = mart["takedowns_removed"] / mart["final_requests"].replace(0, np.nan)
    removed_suppressed = mart["takedowns_removed"].between(1, k - 1)
    mart["removal_rate"] = rate.where((mart["final_requests"] >= k) & ~removed_suppressed)
    mart["median_hours_to_removal"] = mart["median_hours"].where(mart["takedowns_removed"] >= k)
    mart["p90_hours_to_removal"] = mart["p90_hours"].where(mart["takedowns_removed"] >= k)
    counts = ["cases", "ai_generated_cases", "takedown_requests", "takedowns_removed"]
    mart["suppressed"] = mart[counts].apply(lambda c: c.between(1, k - 1)).any(axis=1)
    for column in counts:
        mart[column] = _suppress(mart[column].astype("float64"), k)
    return mart[keys + counts + ["removal_rate", "median_hours_to_removal", "p90_hours_to_removal", "suppressed"]]


def _recoverable(counts: pd.Series, hidden: list, shown: list, k: int) -> bool:
    total = sum(counts[i] for i in hidden)
    return bool(hidden) and bool(shown) and (len(hidden) == 1 or total in (len(hidden), len(hidden) * (k - 1)))


def victim_demographics_quarterly(cases: pd.DataFrame, k: int) -> pd.DataFrame:
    group = ["quarter", "source", "incident_type"]
    keys = group + ["victim_gender", "victim_age_band"]
    mart = cases.groupby(keys).size().rename("cases").reset_index()
    mart = mart.sort_values(group + ["cases", "victim_gender", "victim_age_band"]).reset_index(drop=True)
    suppressed = mart["cases"].between(1, k - 1)
    for _, index in mart.groupby(group, sort=False).groups.items():
        counts = mart.loc[index, "cases"]
        hidden = [i for i in index if suppressed[i]]
        shown = [i for i in index if not suppressed[i]]  # already smallest first
        while _recoverable(counts, hidden, shown, k):
            hidden.append(shown.pop(0))
        suppressed[hidden] = True
    totals = mart.groupby(group)["cases"].transform("sum")
    mart["suppressed"] = suppressed
    mart["share_pct"] = (100 * mart["cases"] / totals).where(~suppressed)
    mart["cases"] = mart["cases"].astype("float64").where(~suppressed)
    return mart[keys + ["cases", "share_pct", "suppressed"]]


def compute_marts(landing: Path, k: int = 5) -> dict[str, pd.DataFrame]:
    """Both helpline marts from the landing files alone."""
    cases = load_cases(landing)
    requests = load_requests(landing, cases)
    return {
        "platform_monthly": platform_monthly(cases, requests, k),
        "victim_demographics_quarterly": victim_demographics_quarterly(cases, k),
    }
