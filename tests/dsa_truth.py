"""An independent computation of the two dsa marts from the dumps, with Python's csv module and pandas.

It shares no code with the engines: it reads the zips itself, applies the contract's rules row by row
(scope, first copy of a uuid, harm groups first match wins, source types, malformed records) and
computes the marts with pandas, medians with pandas' own median.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pandas as pd

HARM = [  # the contract's list, in its order (first match wins)
    ("csam", "keyword", {"KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL", "KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE"}),
    (
        "intimate_deepfake",
        "keyword",
        {
            "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE",
            "KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN",
            "KEYWORD_NON_CONSENSUAL_ITEMS_DEEPFAKE",
        },
    ),
    (
        "intimate_image_abuse",
        "keyword",
        {
            "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING",
            "KEYWORD_NON_CONSENSUAL_IMAGE_SHARING_AGAINST_WOMEN",
            "KEYWORD_IMAGE_BASED_SEXUAL_ABUSE",
        },
    ),
    (
        "other_cyber_violence",
        "category",
        {
            "STATEMENT_CATEGORY_CYBER_VIOLENCE",
            "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
            "STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR",
        },
    ),
]
SOURCE = {
    "SOURCE_TRUSTED_FLAGGER": "trusted_flagger",
    "SOURCE_ARTICLE_16": "notice",
    "SOURCE_TYPE_OTHER_NOTIFICATION": "other_notification",
    "SOURCE_VOLUNTARY": "voluntary",
}
PLATFORM = {
    "tiktok": "tiktok",
    "facebook": "facebook",
    "instagram": "instagram",
    "snapchat": "snapchat",
    "youtube": "youtube",
    "x": "x",
    "reddit": "reddit",
    "discord": "discord",
    "telegram": "telegram",
}
READ = [
    "uuid",
    "decision_visibility",
    "category",
    "category_addition",
    "category_specification",
    "content_date",
    "territorial_scope",
    "application_date",
    "source_type",
    "automated_detection",
    "automated_decision",
    "platform_name",
    "created_at",
]
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def _array(text: str):
    text = text.strip()
    if text == "":
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return [str(v) for v in value] if isinstance(value, list) else None


def _stamp(text: str):
    text = text.strip()
    if not STAMP.match(text):
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _records(dump: Path):
    with zipfile.ZipFile(dump) as outer:
        for inner_name in sorted(outer.namelist()):
            with zipfile.ZipFile(io.BytesIO(outer.read(inner_name))) as inner:
                for member in sorted(inner.namelist()):
                    text = inner.read(member).decode("utf-8", errors="surrogateescape")
                    rows = csv.reader(io.StringIO(text, newline=""))
                    header = next(rows)
                    for fields in rows:
                        yield header, fields


def statements(dumps: list[Path]) -> tuple[pd.DataFrame, dict[str, dict[str, int]]]:
    """The counted statements of the dumps in load order, and where each dump's records went."""
    seen: set[str] = set()
    kept, ledger = [], {}
    for dump in dumps:
        counts = dict(read=0, loaded=0, out_of_scope=0, repeated=0, quarantined=0)
        ledger[dump.name] = counts
        for header, fields in _records(dump):
            counts["read"] += 1
            if len(fields) != len(header):
                counts["quarantined"] += 1
                continue
            row = {c: fields[header.index(c)] for c in READ}
            if any(re.search("[\udc80-\udcff]", v) for v in row.values()):
                counts["quarantined"] += 1
                continue
            lists = {
                c: _array(row[c])
                for c in ("decision_visibility", "category_addition", "category_specification", "territorial_scope")
            }
            stamps = {c: _stamp(row[c]) for c in ("application_date", "created_at", "content_date")}
            if (
                not UUID.match(row["uuid"].strip())
                or any(v is None for v in lists.values())
                or stamps["application_date"] is None
                or stamps["created_at"] is None
                or (row["content_date"].strip() and stamps["content_date"] is None)
            ):
                counts["quarantined"] += 1
                continue
            if "BE" not in lists["territorial_scope"]:
                counts["out_of_scope"] += 1
                continue
            key = row["uuid"].strip().lower()
            if key in seen:
                counts["repeated"] += 1
                continue
            seen.add(key)
            counts["loaded"] += 1
            keywords = set(lists["category_specification"])
            categories = {row["category"].strip(), *lists["category_addition"]}
            group = next(
                (g for g, field, codes in HARM if (keywords if field == "keyword" else categories) & codes), None
            )
            name = " ".join(row["platform_name"].strip().lower().split())
            application, created, content = stamps["application_date"], stamps["created_at"], stamps["content_date"]
            kept.append(
                {
                    "month": application.date().replace(day=1),
                    "platform": "unknown" if name == "" else PLATFORM.get(name, "other"),
                    "harm_group": group,
                    "source_type": SOURCE.get(row["source_type"].strip()),
                    "automated_detection": row["automated_detection"].strip() == "Yes",
                    "fully_automated": row["automated_decision"].strip() == "AUTOMATED_DECISION_FULLY",
                    "content_removed": "DECISION_VISIBILITY_CONTENT_REMOVED" in lists["decision_visibility"],
                    "days_to_decision": (application - content).total_seconds() / 86400 if content else None,
                    "days_to_database": (created - application).total_seconds() / 86400,
                }
            )
    return pd.DataFrame(kept), ledger


def platform_statements_monthly(frame: pd.DataFrame) -> pd.DataFrame:
    out = []
    for harm_all in (False, True):
        for source_all in (False, True):
            part = frame.copy()
            if harm_all:
                part["harm_group"] = "all"
            if source_all:
                part["source_type"] = "all"
            part = part.dropna(subset=["harm_group", "source_type"])
            grouped = part.groupby(["month", "platform", "harm_group", "source_type"])
            out.append(
                pd.DataFrame(
                    {
                        "statements": grouped.size(),
                        "automated_detections": grouped["automated_detection"].sum(),
                        "fully_automated_decisions": grouped["fully_automated"].sum(),
                        "content_removed": grouped["content_removed"].sum(),
                        "median_days_to_decision": grouped["days_to_decision"].median(),
                        "median_days_to_database": grouped["days_to_database"].median(),
                    }
                ).reset_index()
            )
    return pd.concat(out, ignore_index=True)


def platform_responsiveness(frame: pd.DataFrame, requests: pd.DataFrame, k: int) -> pd.DataFrame:
    """`requests`: one row per takedown request with month, platform, outcome and hours (the helplines' side)."""
    tf = frame[
        (frame["source_type"] == "trusted_flagger")
        & frame["harm_group"].isin(["csam", "intimate_deepfake", "intimate_image_abuse"])
    ]
    dsa = (
        tf.groupby(["month", "platform"])
        .agg(
            tf_statements=("days_to_database", "size"),
            tf_automated=("automated_detection", "sum"),
            median_days_to_database=("days_to_database", "median"),
        )
        .reset_index()
    )
    final = requests["outcome"].isin(["removed", "geo_blocked", "rejected", "no_response"])
    requests = requests.assign(final=final, removed=requests["outcome"] == "removed")
    helpline = (
        requests.groupby(["month", "platform"])
        .agg(requests=("outcome", "size"), removed=("removed", "sum"), final=("final", "sum"))
        .reset_index()
    )
    medians = requests[requests["removed"]].groupby(["month", "platform"])["hours"].median().rename("median_hours")
    helpline = helpline.merge(medians.reset_index(), on=["month", "platform"], how="left")
    out = helpline.merge(dsa, on=["month", "platform"], how="outer")
    months = set(frame["month"])
    rows = []
    for r in out.itertuples():
        requests_n = 0 if pd.isna(r.requests) else int(r.requests)
        removed = 0 if pd.isna(r.removed) else int(r.removed)
        final_n = 0 if pd.isna(r.final) else int(r.final)
        tf_n = (0 if pd.isna(r.tf_statements) else int(r.tf_statements)) if r.month in months else None
        small = lambda n: 1 <= n < k  # noqa: E731
        rows.append(
            {
                "month": r.month,
                "platform": r.platform,
                "takedown_requests": None if small(requests_n) else requests_n,
                "removal_rate": removed / final_n if final_n >= k and not small(removed) else None,
                "median_hours_to_removal": r.median_hours if removed >= k else None,
                "tf_statements": tf_n,
                "tf_automated_share_pct": 100 * r.tf_automated / tf_n if tf_n else None,
                "median_days_to_database": None if pd.isna(r.median_days_to_database) else r.median_days_to_database,
                "statements_per_request": tf_n / requests_n if requests_n >= k and tf_n is not None else None,
                "suppressed": small(requests_n) or small(removed),
                "requests_truth": requests_n,
            }
        )
    return pd.DataFrame(rows)
