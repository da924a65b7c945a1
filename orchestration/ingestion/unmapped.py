"""`ncii unmapped`: the values the taxonomy does not know, read from the landing files on demand.

Everything the warehouse writes names such a value only by its descriptor (orchestration/privacy.py).
The operator who has to act on an alert needs the value itself: this reads the landing files again,
with the readers' column knowledge, and lists each unknown code and platform name with the same
descriptor the alerts show, how many rows hold it and in which exports. It writes nothing: no
warehouse, no log, no temporary file (DuckDB runs in memory, the files are read by Python).

Codes are trimmed and compared case-insensitively with seeds/code_map.csv, platform names normalised
and hashed, by the same SQL ingestion uses; survey answers are the ones the survey reader quarantines.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import duckdb
import pandas as pd

from orchestration import database
from orchestration.ingestion.landing import LandedFile, scan
from orchestration.ingestion.platform_aliases import alias_keys_sql, alias_params
from orchestration.ingestion.readers.childfocus import CHILDFOCUS_COLUMNS
from orchestration.ingestion.readers.igvm import IGVM_CODED, IGVM_STRUCTURE
from orchestration.ingestion.readers.survey import QUESTIONS, read_frame, valid_codes
from orchestration.ingestion.readers.takedown import TAKEDOWN_COLUMNS
from orchestration.ingestion.textfiles import detect_encoding
from orchestration.privacy import describe_sql, hash_sql, normalise_platform_sql, sql_params
from orchestration.settings import Settings
from orchestration.sources import loaded_by_reader
from orchestration.vocabularies import code_lists

CSV_SOURCES = {  # source -> (delimiter, header -> field name of the code map, platform header)
    "childfocus": (";", CHILDFOCUS_COLUMNS, "Platformen"),
    "takedown": (",", TAKEDOWN_COLUMNS, "platform"),
}


@dataclass(frozen=True)
class Unmapped:
    source: str
    field: str
    value: str  # as compared: a code trimmed, a platform name normalised
    descriptor: str  # what the warehouse, the alerts and the logs show instead of the value
    rows: int
    first_export: str
    last_export: str


def _export(landed: LandedFile) -> str:
    return landed.export_date.isoformat() if landed.export_date else (landed.wave or "")


def _csv_values(landed: LandedFile, out: list[tuple]) -> None:
    """(source, label, kind, value, export) of every coded and platform cell of a CSV export."""
    delimiter, columns, platform = CSV_SOURCES[landed.source]
    coded = code_lists(landed.source)
    export = _export(landed)
    with landed.path.open(encoding=detect_encoding(landed.path), newline="") as handle:
        for record in csv.DictReader(handle, delimiter=delimiter):
            for header, field in columns.items():
                value = record.get(header)
                if value is None:
                    continue
                if field in coded:
                    out.append((landed.source, field, header, "code", value, export))
                elif header == platform:
                    kind = "platform_text" if landed.source == "childfocus" else "platform"
                    out.append((landed.source, "", header, kind, value, export))


def _igvm_values(conn: duckdb.DuckDBPyConnection, landed: LandedFile, out: list[tuple]) -> None:
    """The IGVM fields as the reader parses them (a nested object in a code field becomes its JSON text)."""
    coded = [field for field in IGVM_CODED if field in code_lists("igvm")]
    rows = conn.execute(
        f"""SELECT {", ".join(f"d.{IGVM_CODED[field]}" for field in coded)},
                   CASE WHEN json_type(d.incident.platforms) = 'ARRAY'
                        THEN from_json(d.incident.platforms, '["VARCHAR"]') END
            FROM (SELECT from_json(line, $structure) AS d
                  FROM read_csv($path, columns = {{'line': 'VARCHAR'}}, delim = chr(30), header = false,
                                quote = '', escape = '', auto_detect = false)
                  WHERE json_valid(line) AND left(ltrim(line), 1) = '{{')""",
        {"path": str(landed.path), "structure": IGVM_STRUCTURE},
    ).fetchall()
    export = _export(landed)
    for row in rows:
        for field, value in zip(coded, row):
            if value is not None:
                out.append(("igvm", field, IGVM_CODED[field], "code", value, export))
        for name in row[-1] or []:
            out.append(("igvm", "", "incident.platforms", "platform", name, export))


def _survey_values(landed: LandedFile, out: list[tuple]) -> None:
    """The answers the survey reader quarantines as unknown codes (compared as it compares them)."""
    frame = read_frame(landed).astype(str)
    export = _export(landed)
    valid = valid_codes()
    for question in QUESTIONS:
        if question not in frame.columns:
            continue
        text = frame[question].str.strip()
        codes = pd.to_numeric(text.replace("", None), errors="coerce")
        bad = text.ne("") & ~codes.isin(valid[question])
        out.extend(("survey", question, question, "answer", value, export) for value in text[bad])


def find_unmapped(settings: Settings) -> tuple[list[Unmapped], list[str]]:
    """Every unknown value of every landing file, most frequent first; and the files that could not be read."""
    key = settings.require_key()
    conn = database.connect()
    try:
        values: list[tuple] = []
        unreadable: list[str] = []
        # the helpline exports and the survey (the dsa dumps are public and name platforms, never people)
        for landed in (f for f in scan(settings.landing_dir).files if f.source != "dsa"):
            source = landed.source
            try:
                if source in CSV_SOURCES:
                    _csv_values(landed, values)
                elif source == "igvm":
                    _igvm_values(conn, landed, values)
                else:
                    _survey_values(landed, values)
            except Exception:  # noqa: BLE001 (named, never quoted: a parser's message may hold a value)
                unreadable.append(landed.name)
        if not values:
            return [], unreadable
        codes = [
            (source, field, code)
            for source in (s.name for s in loaded_by_reader() if s.checked_codes)
            for field, listed in code_lists(source).items()
            for code in listed
        ]
        columns = ["source", "field", "label", "kind", "value", "export"]
        conn.register("landing_values", pd.DataFrame(values, columns=columns))
        conn.register("known_codes", pd.DataFrame(codes, columns=["source", "field", "code"]))
        rows = conn.execute(
            f"""WITH aliases AS ({alias_keys_sql()}),
                codes AS (  -- as `unknown_code` in staging.py: trimmed, not listed for the field (case-insensitive)
                    SELECT source, label, export, trim(coalesce(value, '')) AS value FROM landing_values v
                    WHERE kind = 'code' AND trim(coalesce(value, '')) <> '' AND NOT EXISTS (
                        SELECT 1 FROM known_codes k WHERE k.source = v.source AND k.field = v.field
                                                      AND k.code = lower(trim(coalesce(v.value, ''))))
                    UNION ALL  -- as the survey reader: stripped by Python, already known to be unknown
                    SELECT source, label, export, value FROM landing_values WHERE kind = 'answer'
                ), names AS (  -- as ingestion: split (Child Focus), normalised, empty dropped
                    SELECT source, label, export, {normalise_platform_sql("name")} AS value FROM (
                        SELECT source, label, export,
                               unnest(CASE WHEN kind = 'platform_text' THEN regexp_split_to_array(value, '[,/;]')
                                           ELSE [value] END) AS name
                        FROM landing_values WHERE kind LIKE 'platform%')
                ), unknown AS (
                    SELECT * FROM codes
                    UNION ALL
                    SELECT * FROM names WHERE value <> '' AND {hash_sql("value")} NOT IN (SELECT name_hash FROM aliases)
                )
                SELECT source, label, value, {describe_sql("value")}, count(*), min(export), max(export)
                FROM unknown GROUP BY ALL ORDER BY count(*) DESC, source, label, value""",
            {**alias_params(), **sql_params(key)},
        ).fetchall()
        return [Unmapped(*row) for row in rows], unreadable
    finally:
        conn.close()


def format_unmapped(found: list[Unmapped], unreadable: list[str], width: int = 60) -> str:
    """A plain table for the terminal; a value is shown on one line (line breaks escaped), cut at `width`."""
    notes = [f"Not read (ingestion rejects it too): {name}" for name in unreadable]
    if not found:
        return "\n".join(["Every code and platform name in the landing files is in the taxonomy seeds.", *notes])
    lines = [
        f"{'source':<11} {'field':<22} {'descriptor (as alerts show it)':<48} {'rows':>7}  "
        f"{'first':<10}  {'last':<10}  value"
    ]
    for u in found:
        shown = u.value.encode("unicode_escape").decode("ascii")
        shown = shown if len(shown) <= width else shown[: width - 1] + "…"
        lines.append(
            f"{u.source:<11} {u.field:<22} {u.descriptor:<48} {u.rows:>7}  "
            f"{u.first_export:<10}  {u.last_export:<10}  {shown}"
        )
    lines.append(
        "Add a platform name to seeds/platform_aliases.csv (a new platform: a row of seeds/platforms.csv too) or a "
        "code to seeds/code_map.csv and run again; "
        "have personal data typed into a field corrected in the source system."
    )
    return "\n".join(lines + notes)
