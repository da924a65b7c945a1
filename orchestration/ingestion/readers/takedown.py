"""Takedown request logs (`takedown_requests_YYYYMMDD.csv`, ISO-8601 times with offset): the reader over the
staging engine (orchestration/ingestion/staging.py). Its declaration: orchestration/sources.py."""

from __future__ import annotations

import duckdb

from orchestration.ingestion.landing import LandedFile
from orchestration.ingestion.pseudonymise import pseudonym_sql
from orchestration.ingestion.staging import (
    ISO_OFFSET,
    MAX_PLATFORM_CHARS,
    UNREADABLE_CSV,
    ReadResult,
    csv_scan,
    describe_platforms,
    field_check,
    params_for,
    stage,
    unknown_code,
    unless,
)
from orchestration.ingestion.textfiles import check_header, detect_encoding, read_header, utf8_view

TAKEDOWN_COLUMNS = {
    name: name
    for name in (
        "request_id",
        "case_ref",
        "platform",
        "content_type",
        "submitted_at",
        "acknowledged_at",
        "resolved_at",
        "outcome",
    )
}


def read_takedown(conn: duckdb.DuckDBPyConnection, landed: LandedFile, key: bytes) -> ReadResult:
    encoding = detect_encoding(landed.path)
    check_header(read_header(landed.path, encoding, ","), list(TAKEDOWN_COLUMNS), ",")
    stamps = ("submitted_at", "acknowledged_at", "resolved_at")

    def ts(column: str) -> str:  # parsed once, in the inner select below
        return f"{column}_ts"

    def parse(column: str) -> str:
        return (
            f"CASE WHEN regexp_matches(trim({column}), '{ISO_OFFSET}') THEN TRY_CAST(trim({column}) AS TIMESTAMPTZ) END"
        )

    def ts_rules(column: str, required: bool) -> str:
        presence = "" if required else f"trim({column}) <> '' AND "
        return (
            f"WHEN {presence}{ts(column)} IS NULL "
            f"THEN ['{column}', 'unreadable timestamp (expected ISO-8601 with offset)']\n"
            f"WHEN {ts(column)} >= $export_date::DATE + INTERVAL 1 DAY THEN ['{column}', 'date after the export date']"
        )

    fields = {  # check column -> the field's check (every field but the request id and submission time)
        "acknowledged_defect": field_check(ts_rules("acknowledged_at", False)),
        "resolved_defect": field_check(
            f"{ts_rules('resolved_at', False)}\n"
            f"WHEN {ts('resolved_at')} < {ts('submitted_at')} "
            "THEN ['resolved_at', 'resolved before it was submitted']"
        ),
        "content_type_defect": field_check(unknown_code("content_type", "content_type", "content_type")),
        "outcome_defect": field_check(unknown_code("outcome", "outcome", "outcome")),
        "platform_defect": field_check(
            f"WHEN length(platform) > {MAX_PLATFORM_CHARS} THEN ['platform', "
            f"'platform text longer than {MAX_PLATFORM_CHARS} characters']"
        ),
    }
    checked = f"""
        SELECT *, trim(request_id) AS ref_key, 'request_id' AS ref_label,
          CASE
            WHEN trim(request_id) = '' THEN ['request_id', 'missing request id']
            {ts_rules("submitted_at", True)}
          END AS problem,
          {", ".join(f"{check} AS {name}" for name, check in fields.items())}
        FROM (SELECT *, {", ".join(f"{parse(c)} AS {ts(c)}" for c in stamps)} FROM scan)"""
    row_columns = f"""
        trim(request_id) AS request_id,
        CASE WHEN trim(case_ref) <> '' THEN {pseudonym_sql("case_ref")} END AS case_key,
        {unless("platform_defect", "platform")} AS typed_platforms,
        {unless("content_type_defect", "nullif(trim(content_type), '')")} AS content_type,
        {ts("submitted_at")} AS submitted_at,
        {unless("acknowledged_defect", ts("acknowledged_at"))} AS acknowledged_at,
        {unless("resolved_defect", ts("resolved_at"))} AS resolved_at,
        {unless("outcome_defect", "nullif(trim(outcome), '')")} AS outcome"""
    with utf8_view(landed.path, encoding) as path:
        rows_read = stage(
            conn,
            csv_scan(",", TAKEDOWN_COLUMNS),
            checked,
            row_columns,
            {**params_for(key, landed, "takedown"), "path": str(path)},
            UNREADABLE_CSV.format(","),
            csv=True,
            field_checks=list(fields),
        )
    describe_platforms(conn, "[typed_platforms]", "platform_name", key, one=True)
    return ReadResult(rows_read)
