"""Child Focus case exports (`childfocus_cases_YYYYMMDD.csv`, `;`-separated, local Brussels times): the
reader over the staging engine (orchestration/ingestion/staging.py). Its declaration: orchestration/sources.py."""

from __future__ import annotations

import duckdb

from orchestration.ingestion.landing import LandedFile
from orchestration.ingestion.pseudonymise import pseudonym_sql
from orchestration.ingestion.staging import (
    MAX_PLATFORM_CHARS,
    UNREADABLE_CSV,
    ReadResult,
    age_rules,
    age_value,
    csv_scan,
    describe_platforms,
    field_check,
    local_time,
    local_time_rules,
    params_for,
    stage,
    text,
    unknown_code,
    unless,
)
from orchestration.ingestion.textfiles import check_header, detect_encoding, read_header, utf8_view

CHILDFOCUS_COLUMNS = {  # export header -> scan alias (personal-data columns are left out)
    "Dossiernummer": "ref",
    "Datum opening": "opened",
    "Datum afsluiting": "closed",
    "Kanaal": "kanaal",
    "Melder": "melder",
    "Leeftijd slachtoffer": "age",
    "Geslacht slachtoffer": "geslacht_slachtoffer",
    "Provincie": "provincie",
    "Taal": "taal",
    "Type feiten": "type_feiten",
    "AI-gegenereerd": "ai_gegenereerd",
    "Platformen": "platformen",
    "Relatie dader": "relatie_dader",
}
CHILDFOCUS_CODED = (
    "kanaal",
    "melder",
    "geslacht_slachtoffer",
    "provincie",
    "taal",
    "type_feiten",
    "ai_gegenereerd",
    "relatie_dader",
)


def read_childfocus(conn: duckdb.DuckDBPyConnection, landed: LandedFile, key: bytes) -> ReadResult:
    encoding = detect_encoding(landed.path)
    check_header(read_header(landed.path, encoding, ";"), list(CHILDFOCUS_COLUMNS), ";")
    opened, closed = "opened_local", "closed_local"  # parsed once, in the inner select below
    coded = {alias: header for header, alias in CHILDFOCUS_COLUMNS.items() if alias in CHILDFOCUS_CODED}
    fields = {  # check column -> the field's check (every non-key field: field-level, see the module docstring)
        "closed_defect": field_check(
            "WHEN trim(coalesce(closed, '')) = '' THEN NULL\n"
            f"{local_time_rules('closed', closed, 'Datum afsluiting')}\n"
            f"WHEN {closed} < {opened} THEN ['Datum afsluiting', 'closing date before opening date']"
        ),
        "age_defect": field_check(age_rules("age", "Leeftijd slachtoffer")),
        **{f"{alias}_defect": field_check(unknown_code(alias, alias, header)) for alias, header in coded.items()},
        "platformen_defect": field_check(
            f"WHEN length(platformen) > {MAX_PLATFORM_CHARS} THEN ['Platformen', "
            f"'platform text longer than {MAX_PLATFORM_CHARS} characters']"
        ),
    }
    checked = f"""
        SELECT *, trim(ref) AS ref_key, 'Dossiernummer' AS ref_label,
          CASE
            WHEN trim(ref) = '' THEN ['Dossiernummer', 'missing case reference']
            {local_time_rules("opened", opened, "Datum opening")}
          END AS problem,
          {", ".join(f"{check} AS {name}" for name, check in fields.items())}
        FROM (SELECT *, {local_time("opened")} AS opened_local, {local_time("closed")} AS closed_local FROM scan)"""
    codes = ", ".join(f"{unless(f'{alias}_defect', text(alias))} AS {alias}" for alias in coded)
    row_columns = f"""
        {pseudonym_sql("ref")} AS dossier_key,
        timezone('Europe/Brussels', {opened}) AS datum_opening,
        {unless("closed_defect", f"timezone('Europe/Brussels', {closed})")} AS datum_afsluiting,
        {unless("age_defect", age_value("age"))} AS leeftijd_slachtoffer,
        {unless("platformen_defect", "platformen")} AS typed_platforms,
        {codes}"""
    with utf8_view(landed.path, encoding) as path:
        rows_read = stage(
            conn,
            csv_scan(";", CHILDFOCUS_COLUMNS),
            checked,
            row_columns,
            {**params_for(key, landed, "childfocus"), "path": str(path)},
            UNREADABLE_CSV.format(";"),
            csv=True,
            field_checks=list(fields),
        )
    describe_platforms(conn, "regexp_split_to_array(typed_platforms, '[,/;]')", "platform_names", key)
    return ReadResult(rows_read)
