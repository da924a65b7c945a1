"""IGVM report exports (`igvm_reports_YYYYMMDD.jsonl`, one JSON object per line): the reader over the
staging engine (orchestration/ingestion/staging.py). Its declaration: orchestration/sources.py."""

from __future__ import annotations

import json

import duckdb

from orchestration.ingestion.errors import FileRejected
from orchestration.ingestion.landing import LandedFile
from orchestration.ingestion.pseudonymise import pseudonym_sql
from orchestration.ingestion.staging import (
    ISO_OFFSET,
    MAX_LINE_BYTES,
    MAX_PLATFORM_CHARS,
    ReadResult,
    age_rules,
    age_value,
    describe_platforms,
    field_check,
    params_for,
    stage,
    text,
    unknown_code,
    unless,
)
from orchestration.ingestion.textfiles import detect_encoding, utf8_view

# The IGVM fields the warehouse keeps, as DuckDB's JSON parser reads them in one pass. Values whose JSON
# type is checked (age, ai_generated, platforms) come as JSON; a field of another type becomes its text.
IGVM_STRUCTURE = json.dumps(
    {
        "report_id": "VARCHAR",
        "submitted_at": "VARCHAR",
        "channel": "VARCHAR",
        "victim": {"age": "JSON", "gender": "VARCHAR", "region": "VARCHAR"},
        "incident": {"type": "VARCHAR", "ai_generated": "JSON", "platforms": "JSON", "offender": "VARCHAR"},
        "status": "VARCHAR",
    }
)

IGVM_CODED = {  # code map field -> its place in a report
    "channel": "channel",
    "victim_gender": "victim.gender",
    "victim_region": "victim.region",
    "incident_type": "incident.type",
    "incident_offender": "incident.offender",
    "status": "status",
}


def read_igvm(conn: duckdb.DuckDBPyConnection, landed: LandedFile, key: bytes) -> ReadResult:
    """JSON Lines: each line is read as text and parsed by DuckDB's JSON functions, so a broken
    line is quarantined with its line number instead of failing the file."""
    encoding = detect_encoding(landed.path)
    if encoding != "utf-8-sig":
        raise FileRejected("JSON Lines must be UTF-8")

    scan = f"""
        WITH lines AS (
            SELECT row_number() OVER () AS row_number, line
            FROM read_csv($path, columns = {{'line': 'VARCHAR'}}, delim = chr(30), header = false,
                          quote = '', escape = '', auto_detect = false,
                          max_line_size = {MAX_LINE_BYTES}, buffer_size = {2 * MAX_LINE_BYTES})
        ), parsed AS (
            -- invalid lines become NULL before the parser sees them; a valid line is parsed once,
            -- into the fields the warehouse keeps (personal-data fields are not in the structure)
            SELECT row_number, json_valid(line) AS valid,
                   valid AND left(ltrim(line, ' \t\r\n'), 1) = '{{' AS is_object,
                   from_json(CASE WHEN valid THEN line END, '{IGVM_STRUCTURE}') AS d
            -- blank lines are skipped; the first character settles almost every line (trimming a whole
            -- line to test it took half of the scan)
            FROM lines WHERE line <> '' AND (ascii(line) NOT IN (32, 9, 13) OR trim(line, ' \t\r') <> '')
        )
        SELECT row_number, valid, is_object,
               d.report_id AS ref, d.submitted_at, d.channel,
               json_extract_string(d.victim.age, '$') AS age, d.victim.gender AS victim_gender,
               d.victim.region AS victim_region, d.incident.type AS incident_type,
               json_extract_string(d.incident.ai_generated, '$') AS ai_generated,
               d.incident.offender AS incident_offender, d.status,
               json_type(d.victim.age) AS age_type, json_type(d.incident.ai_generated) AS ai_type,
               json_type(d.incident.platforms) AS platforms_type,
               CASE WHEN platforms_type = 'ARRAY' THEN from_json(d.incident.platforms, '["VARCHAR"]') END AS platforms
        FROM parsed"""
    submitted = (
        f"CASE WHEN regexp_matches(trim(submitted_at), '{ISO_OFFSET}') "
        "THEN TRY_CAST(trim(submitted_at) AS TIMESTAMPTZ) END"
    )
    coded = IGVM_CODED
    fields = {  # check column -> the field's check (every field but the report id and submission time)
        "age_defect": field_check(
            f"WHEN age_type NOT IN ('NULL', 'UBIGINT', 'BIGINT', 'VARCHAR') THEN ['victim.age', 'unreadable age']\n"
            f"{age_rules('age', 'victim.age')}"
        ),
        **{f"{alias}_defect": field_check(unknown_code(alias, alias, label)) for alias, label in coded.items()},
        "ai_defect": field_check(
            "WHEN coalesce(ai_type, 'NULL') NOT IN ('NULL', 'BOOLEAN') "
            "THEN ['incident.ai_generated', 'not true, false or null']"
        ),
        "platforms_defect": field_check(
            "WHEN coalesce(platforms_type, 'NULL') NOT IN ('NULL', 'ARRAY') THEN ['incident.platforms', 'not a list']\n"
            f"WHEN length(array_to_string(platforms, ',')) > {MAX_PLATFORM_CHARS} "
            f"THEN ['incident.platforms', 'platform text longer than {MAX_PLATFORM_CHARS} characters']"
        ),
    }
    checked = f"""
        SELECT *, trim(ref) AS ref_key, 'report_id' AS ref_label,
          CASE
            WHEN NOT valid THEN ['line', 'not valid JSON']
            WHEN NOT is_object THEN ['line', 'not a JSON object']
            WHEN trim(coalesce(ref, '')) = '' THEN ['report_id', 'missing case reference']
            WHEN {submitted} IS NULL THEN ['submitted_at', 'unreadable timestamp (expected ISO-8601 with offset)']
            WHEN {submitted} >= $export_date::DATE + INTERVAL 1 DAY THEN ['submitted_at', 'date after the export date']
          END AS problem,
          {", ".join(f"{check} AS {name}" for name, check in fields.items())}
        FROM scan"""
    codes = ", ".join(f"{unless(f'{alias}_defect', text(alias))} AS {alias}" for alias in coded)
    row_columns = f"""
        {pseudonym_sql("ref")} AS report_key, {submitted} AS submitted_at,
        {unless("age_defect", age_value("age"))} AS victim_age,
        {unless("ai_defect", "TRY_CAST(ai_generated AS BOOLEAN)")} AS incident_ai_generated,
        {unless("platforms_defect", "platforms")} AS typed_platforms,
        {codes}"""
    with utf8_view(landed.path, encoding) as path:  # a copy only when CRLF and LF are mixed
        rows_read = stage(
            conn,
            scan,
            checked,
            row_columns,
            {**params_for(key, landed, "igvm"), "path": str(path)},
            "unreadable JSON Lines file",
            csv=False,
            field_checks=list(fields),
        )
    describe_platforms(conn, "typed_platforms", "incident_platform_names", key)
    return ReadResult(rows_read)
