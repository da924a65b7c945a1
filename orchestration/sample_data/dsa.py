"""Realistic EU DSA Transparency Database daily dumps, written as streams (any size in constant memory).

A day is a zip of zipped CSV parts, as the Commission publishes it. Days before 1 July 2025 use
version 1 of the categories and 37 columns; later days version 2 and 38 columns (`content_id_ean`),
with a few late version-1 statements (statements are filed days after their decision). Each day
repeats some uuids of the previous day (dumps overlap), has statements outside Belgium, and can hold
malformed records (cut short, a timestamp that is not one, bad UTF-8 in a field the warehouse reads).
"""

from __future__ import annotations

import csv
import io
import random
import uuid
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

from orchestration.ingestion.dsa.dump import ALL_COLUMNS

CATEGORY_CHANGE = date(2025, 7, 1)
EEA = [
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IE",
    "IS",
    "IT",
    "LI",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "NO",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
]
SCOPES = [EEA, EEA, EEA, ["BE", "NL", "LU"], ["BE", "FR"], ["NL"], ["DE", "AT"], ["FR"], [], ["ES", "PT"]]
PLATFORMS = [
    "TikTok",
    "Facebook",
    "Instagram",
    "Snapchat",
    "YouTube",
    "X",
    "Reddit",
    "Pinterest",
    "Amazon Store",
    "Google Shopping",
    "tiktok ",
    "Discord",
]
SOURCES = (
    ["SOURCE_VOLUNTARY"] * 6 + ["SOURCE_ARTICLE_16"] * 2 + ["SOURCE_TRUSTED_FLAGGER", "SOURCE_TYPE_OTHER_NOTIFICATION"]
)
VISIBILITY = [
    '["DECISION_VISIBILITY_CONTENT_REMOVED"]',
    '["DECISION_VISIBILITY_CONTENT_DISABLED"]',
    "",
    '["DECISION_VISIBILITY_CONTENT_DEMOTED","DECISION_VISIBILITY_CONTENT_LABELLED"]',
    "[]",
]
# (category, category_addition, keywords) by version: the harm groups' codes and some ordinary ones
V1 = [
    ("STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR", "", '["KEYWORD_IMAGE_BASED_SEXUAL_ABUSE"]'),
    ("STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR", "", '["KEYWORD_NON_CONSENSUAL_ITEMS_DEEPFAKE"]'),
    ("STATEMENT_CATEGORY_NON_CONSENSUAL_BEHAVIOUR", "[]", ""),
    ("STATEMENT_CATEGORY_PROTECTION_OF_MINORS", "", '["KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL"]'),
]
V2 = [
    ("STATEMENT_CATEGORY_CYBER_VIOLENCE", "", '["KEYWORD_NON_CONSENSUAL_IMAGE_SHARING"]'),
    (
        "STATEMENT_CATEGORY_CYBER_VIOLENCE_AGAINST_WOMEN",
        "",
        '["KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE_AGAINST_WOMEN"]',
    ),
    ("STATEMENT_CATEGORY_OTHER_VIOLATION_TC", '["STATEMENT_CATEGORY_CYBER_VIOLENCE"]', '["KEYWORD_CYBER_HARASSMENT"]'),
    (
        "STATEMENT_CATEGORY_PROTECTION_OF_MINORS",
        "",
        '["KEYWORD_CHILD_SEXUAL_ABUSE_MATERIAL_DEEPFAKE","KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE"]',
    ),
    ("STATEMENT_CATEGORY_CYBER_VIOLENCE", "", '["KEYWORD_NON_CONSENSUAL_MATERIAL_DEEPFAKE"]'),
]
ORDINARY = [
    ("STATEMENT_CATEGORY_SCAMS_AND_FRAUD", "", '["KEYWORD_PHISHING"]'),
    ("STATEMENT_CATEGORY_OTHER_VIOLATION_TC", "", ""),
    ("STATEMENT_CATEGORY_ILLEGAL_OR_HARMFUL_SPEECH", "[]", '["KEYWORD_HATE_SPEECH"]'),
    ("STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS", "", "[]"),
]
FACTS = [
    "Content removed after review.",
    'Image shared without consent, "reported" by the person shown.\nRemoved.',
    "Spam, repeated posting",
    'Account suspended; see policy 4.2, section "Safety".',
]


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _row(rng: random.Random, day: date, columns: tuple[str, ...], statement_uuid: str) -> dict[str, str]:
    v2 = day >= CATEGORY_CHANGE
    pool = (V2 if v2 else V1) + ([V1[0]] if v2 and rng.random() < 0.3 else []) + ORDINARY * 3
    category, addition, keywords = rng.choice(pool)
    created = datetime(day.year, day.month, day.day) + timedelta(seconds=rng.randrange(86400))
    application = datetime(day.year, day.month, day.day) - timedelta(days=rng.choice([0, 0, 0, 1, 1, 2, 5, 33]))
    content = application - timedelta(days=rng.choice([0, 0, 1, 2, 3, 10]))
    scope = rng.choice(SCOPES)
    values = {
        "uuid": statement_uuid,
        "decision_visibility": rng.choice(VISIBILITY),
        "decision_visibility_other": rng.choice(["", "Shadow ban, partial"]),
        "account_type": "ACCOUNT_TYPE_PRIVATE",
        "decision_ground": "DECISION_GROUND_INCOMPATIBLE_CONTENT",
        "incompatible_content_explanation": rng.choice(FACTS),
        "category": category,
        "category_addition": addition,
        "category_specification": keywords,
        "content_type": '["CONTENT_TYPE_IMAGE"]',
        "content_date": "" if rng.random() < 0.03 else _timestamp(content),
        "content_id_ean": "",
        "territorial_scope": "" if not scope else "[" + ",".join(f'"{c}"' for c in scope) + "]",
        "application_date": _timestamp(application),
        "decision_facts": rng.choice(FACTS),
        "source_type": rng.choice(SOURCES),
        "source_identity": rng.choice(["", "Child Focus", "A rights holder, Brussels"]),
        "automated_detection": rng.choice(["Yes", "No"]),
        "automated_decision": rng.choice(
            ["AUTOMATED_DECISION_FULLY", "AUTOMATED_DECISION_PARTIALLY", "AUTOMATED_DECISION_NOT_AUTOMATED"]
        ),
        "platform_name": rng.choice(PLATFORMS),
        "platform_uid": str(rng.randrange(10**12)),
        "created_at": _timestamp(created),
    }
    return {c: values.get(c, "") for c in columns}


def _encode(columns: tuple[str, ...], values: dict[str, str] | list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(
        values if isinstance(values, list) else [values[c] for c in columns]
    )
    return buffer.getvalue().encode("utf-8")


def write_dsa_day(
    landing: Path,
    day: date,
    statements: int,
    seed: int = 0,
    parts: int = 2,
    files_per_part: int = 2,
    repeat_uuids: list[str] | None = None,
    malformed: int = 0,
) -> tuple[Path, list[str]]:
    """Write `sor-global-<day>-full.zip`; returns its path and some of its uuids for the next day to repeat."""
    rng = random.Random(f"{seed}-{day}")
    columns = ALL_COLUMNS if day >= CATEGORY_CHANGE else tuple(c for c in ALL_COLUMNS if c != "content_id_ean")
    repeats = list(repeat_uuids or [])
    bad = set(rng.sample(range(statements), min(malformed, statements)))
    files = parts * files_per_part
    kept: list[str] = []
    path = landing / f"sor-global-{day.isoformat()}-full.zip"
    written = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as outer:
        for part in range(parts):
            with (
                outer.open(f"sor-global-{day.isoformat()}-full-{part:05d}.csv.zip", "w", force_zip64=True) as raw,
                zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as inner,
            ):
                for member in range(files_per_part):
                    count = statements // files + (1 if part * files_per_part + member < statements % files else 0)
                    name = f"sor-global-{day.isoformat()}-full-{part:05d}-{member:05d}.csv"
                    with inner.open(name, "w", force_zip64=True) as out:
                        out.write(_encode(columns, list(columns)))
                        for _ in range(count):
                            statement_uuid = (
                                repeats.pop()
                                if repeats and rng.random() < 0.2
                                else str(uuid.UUID(int=rng.getrandbits(128), version=4))
                            )
                            values = _row(rng, day, columns, statement_uuid)
                            if written in bad:
                                out.write(_malformed(rng, columns, values))
                            else:
                                out.write(_encode(columns, values))
                            if rng.random() < 0.05 and len(kept) < 10_000:
                                kept.append(statement_uuid)
                            written += 1
    return path, kept


def _malformed(rng: random.Random, columns: tuple[str, ...], values: dict[str, str]) -> bytes:
    kind = rng.choice(["short", "timestamp", "utf8", "long"])
    if kind == "short":
        return _encode(columns, [values[c] for c in columns[:20]])
    if kind == "long":
        return _encode(columns, [values[c] for c in columns] + ["extra"])
    if kind == "timestamp":
        return _encode(columns, {**values, "created_at": "2025-13-45 25:61:00"})
    return _encode(columns, {**values, "platform_name": "PLATFORM"}).replace(b"PLATFORM", b"Tik\xffTok")


def generate_dsa_landing(
    landing: Path,
    days: list[date],
    statements: int,
    seed: int = 0,
    malformed: int = 3,
    parts: int = 2,
    files_per_part: int = 2,
) -> list[Path]:
    """Several consecutive days of dumps, each repeating some uuids of the day before."""
    paths, previous = [], []
    for day in days:
        path, previous = write_dsa_day(
            landing,
            day,
            statements,
            seed,
            parts=parts,
            files_per_part=files_per_part,
            repeat_uuids=previous,
            malformed=malformed,
        )
        paths.append(path)
    return paths


# The demo's days: two before the category change of 1 July 2025 (version 1, 37 columns), two after.
DEMO_DAYS = [date(2025, 6, 29), date(2025, 6, 30), date(2025, 7, 1), date(2025, 7, 2)]


def generate_demo_dsa(landing: Path, seed: int = 2026, statements: int = 5_000) -> list[Path]:
    """The demo's dsa dumps, beside the helpline exports."""
    return generate_dsa_landing(landing, DEMO_DAYS, statements, seed=seed)
