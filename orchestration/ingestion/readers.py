"""Readers of the three helpline exports, inside DuckDB.

Each reader scans one file and leaves two temporary tables in the connection:
`staged_rows` (the raw table's columns except load_id/source_file/export_date, typed,
pseudonymised, no personal data) and `staged_rejects` (row_number, field, reason, level).
Personal-data columns are never selected, so they never reach a table, even a temporary one.

A defect is recorded in raw.quarantine at one of two levels (column `level`):

* `row`: a defect in what identifies or places the record (the key): a missing or duplicated
  reference (the first valid row of a reference is kept), an opening or submission time that
  is unreadable, has a two-digit year or lies after the export date (one day of grace), a
  malformed CSV record or JSON line. The row is not loaded; the ledger's rows_quarantined
  counts these rows. Without its key a row cannot be deduplicated across exports nor put in a
  month, so counting it would count it wrongly.
* `field`: a defect in any other field: a closing, acknowledgement or resolution time that is
  unreadable, has a two-digit year, lies after the export date or before the opening
  (submission); an age that is not a whole number of years within 0..99 (`14 jaar` is 14); a
  code not in `seeds/code_map.csv` (compared case-insensitively after trimming; empty is
  allowed and means unknown) in any coded field; an IGVM value of the wrong JSON type; platform
  text over 1,000 characters. The row is loaded with that field NULL, which the models count
  as `unknown`, so the case stays in every count instead of vanishing until a corrected export.
  The first defect of each field is recorded; a row can have several field entries.

Free-text platform names are not validated here: each is normalised and stored only as its
descriptor (`orchestration/privacy.py`), never as typed; the models map it to the taxonomy by hash, and
unknown names become `other` and raise an alert. A reason never quotes a value: an unknown code is named
by its descriptor.

Local `dd/mm/yyyy HH:MM` times are Europe/Brussels: a time in the spring-forward gap is
moved forward one hour, an ambiguous autumn time is taken as the later (winter-time) instant.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import duckdb

from orchestration.ingestion.errors import FileRejected
from orchestration.ingestion.landing import LandedFile
from orchestration.ingestion.pseudonymise import hmac_pads, pseudonym_sql
from orchestration.ingestion.textfiles import check_header, detect_encoding, read_header, utf8_view
from orchestration.privacy import describe_sql, platform_list_sql, sql_params
from orchestration.vocabularies import code_lists

MAX_LINE_BYTES = 1 << 27  # a 50 MB free-text summary must not stop a load
MAX_PLATFORM_CHARS = 1000
UNREADABLE_CSV = "unreadable CSV: not a '{}'-separated export the reader can parse"
AGE_PATTERN = r"^\s*(-?\d+)\s*(jaar|jr|j|ans|years?)?\.?\s*$"
LOCAL_TIME = "^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}$"
TWO_DIGIT_YEAR = "^[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}([^0-9]|$)"
TWO_DIGIT_REASON = "two-digit year (expected dd/mm/yyyy HH:MM)"
ISO_OFFSET = r"(Z|[+-]\d\d:?\d\d)$"
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


@dataclass(frozen=True)
class ReadResult:
    rows_read: int


def _unknown_code(expression: str, field: str, label: str) -> str:
    """CASE branch: a non-empty code that the code map does not list for this field, named by its descriptor
    (the value itself may be personal data typed into the wrong field)."""
    value = f"trim(coalesce({expression}, ''))"
    return (
        f"WHEN {value} <> '' AND NOT list_contains($codes_{field}, lower({value})) "
        f"THEN ['{label}', 'unknown code ' || {describe_sql(value)}]"
    )


def _describe_platforms(
    conn: duckdb.DuckDBPyConnection, names: str, stored: str, key: bytes, one: bool = False
) -> None:
    """Replace the platform text `typed_platforms` of staged_rows by its descriptors (`platform_list_sql` of the
    names SQL `names` makes of it; `one`: the first name only, as a struct), so the name never reaches the raw
    table. Computed once per distinct text: a hash costs as much as a pseudonym, and exports repeat a few
    thousand texts, so hashing every row's names instead would cost far more than the whole read."""
    described = platform_list_sql(names) + ("[1]" if one else "")
    conn.execute(
        f"""CREATE TEMP TABLE described AS SELECT typed_platforms, {described} AS {stored}
            FROM (SELECT DISTINCT typed_platforms FROM staged_rows WHERE typed_platforms IS NOT NULL)""",
        sql_params(key),
    )
    nothing = "NULL" if one else "[]"
    conn.execute(
        f"""CREATE OR REPLACE TEMP TABLE staged_rows AS
            SELECT s.* EXCLUDE (typed_platforms), coalesce(d.{stored}, {nothing}) AS {stored}
            FROM staged_rows s LEFT JOIN described d ON s.typed_platforms = d.typed_platforms"""
    )
    conn.execute("DROP TABLE described")


def _age_rules(expression: str, label: str) -> str:
    value = f"trim(coalesce({expression}, ''))"
    parsed = f"TRY_CAST(regexp_extract({value}, '{AGE_PATTERN}', 1) AS INTEGER)"
    return (
        f"WHEN {value} <> '' AND NOT regexp_matches(lower({value}), '{AGE_PATTERN}') "
        f"THEN ['{label}', 'unreadable age']\n"
        f"WHEN {value} <> '' AND NOT {parsed} BETWEEN 0 AND 99 THEN ['{label}', 'age outside 0..99']"
    )


def _field_check(branches: str) -> str:
    """A field's check: `[label, reason]` for its first defect, NULL when the field is usable."""
    return f"CASE {branches} END"


def _unless(defect: str, value: str) -> str:
    """The field's value, NULL (unknown) when its check found a defect."""
    return f"CASE WHEN {defect} IS NULL THEN {value} END"


def _text(column: str) -> str:
    return f"nullif(trim({column}), '')"


def _local_time(column: str) -> str:
    """A `dd/mm/yyyy HH:MM` text as a local timestamp; NULL for any other shape (`01/02/26` would be year 26)."""
    return (
        f"CASE WHEN regexp_matches(trim({column}), '{LOCAL_TIME}') "
        f"THEN try_strptime(trim({column}), '%d/%m/%Y %H:%M') END"
    )


def _local_time_rules(column: str, parsed: str, label: str) -> str:
    return (
        f"WHEN regexp_matches(trim({column}), '{TWO_DIGIT_YEAR}') THEN ['{label}', '{TWO_DIGIT_REASON}']\n"
        f"WHEN {parsed} IS NULL THEN ['{label}', 'unreadable date (expected dd/mm/yyyy HH:MM)']\n"
        f"WHEN {parsed} >= ($export_date::DATE + INTERVAL 1 DAY) THEN ['{label}', 'date after the export date']"
    )


def _age_value(expression: str) -> str:
    return f"TRY_CAST(regexp_extract(lower(trim({expression})), '{AGE_PATTERN}', 1) AS INTEGER)"


def _csv_scan(delimiter: str, columns: dict[str, str]) -> str:
    """SQL reading the CSV at $path: row_number (the record's place among the well-formed records,
    see `_number_records`) and the selected columns as text. Malformed records go to TEMP
    `scan_reject_errors` while it is read."""
    select = ", ".join(f'"{source}" AS {alias}' for source, alias in columns.items())
    return f"""SELECT row_number() OVER () AS row_number, {select}
               FROM read_csv($path, delim = '{delimiter}', header = true, quote = '"', escape = '"',
                             all_varchar = true, nullstr = chr(1), strict_mode = true,
                             store_rejects = true, rejects_table = 'scan_reject_errors',
                             rejects_scan = 'scan_reject_scans',
                             max_line_size = {MAX_LINE_BYTES}, buffer_size = {2 * MAX_LINE_BYTES})"""


def _number_records(conn: duckdb.DuckDBPyConnection) -> None:
    """Malformed CSV records into TEMP `scan_rejects`; `checked` renumbered as records of the file."""
    # One row per malformed record (DuckDB lists a record once per missing column); `line` is record + 1.
    conn.execute(
        """CREATE TEMP TABLE scan_rejects AS
           SELECT line - 1 AS row_number, NULL::VARCHAR AS field,
                  'malformed row: ' || CASE WHEN bool_or(error_type = 'MISSING COLUMNS')
                                            THEN 'too few fields (cut off?)'
                                            WHEN bool_or(error_type = 'TOO MANY COLUMNS') THEN 'too many fields'
                                            ELSE lower(replace(min(error_type), '_', ' ')) END AS reason
           FROM scan_reject_errors GROUP BY line"""
    )
    conn.execute("DROP TABLE scan_reject_errors")  # it holds the raw line text: never keep it
    conn.execute("DROP TABLE scan_reject_scans")
    if conn.execute("SELECT count(*) FROM scan_rejects").fetchone()[0] == 0:  # the usual case: numbering is final
        return
    # Good record i is the i-th record not rejected: add the rejects that come before it.
    conn.execute(
        """CREATE TEMP TABLE renumbered AS
           WITH gaps AS (SELECT row_number - row_number() OVER (ORDER BY row_number) AS goods_before,
                                row_number() OVER (ORDER BY row_number) AS rejects_so_far
                         FROM scan_rejects)
           SELECT c.* REPLACE (c.row_number + coalesce(g.rejects_so_far, 0) AS row_number)
           FROM checked c ASOF LEFT JOIN gaps g ON c.row_number > g.goods_before"""
    )
    conn.execute("DROP TABLE checked")
    conn.execute("ALTER TABLE renumbered RENAME TO checked")


def _stage(
    conn: duckdb.DuckDBPyConnection,
    scan_sql: str,
    checked_sql: str,
    row_columns: str,
    params: dict,
    unreadable: str,
    csv: bool,
    field_checks: list[str],
) -> int:
    """Read the file and check its rows into TEMP `checked`, then split them into staged_rows and staged_rejects
    (duplicates: first valid row kept). Returns the number of records read.

    `checked` has `problem` (the row-level defect) and one column per name in `field_checks` (that
    field's defect); the field-level entries of the loaded rows go to staged_rejects with level `field`.

    `checked_sql` reads the relation `scan` (`scan_sql`, the file's records; `csv`: read by `_csv_scan`,
    which sets malformed records aside). The file is read inside the statement that checks it, so its
    rows are copied once less (for Child Focus at 10M, faster than reading it into a table of its own).
    """
    for table in (
        "checked",
        "renumbered",
        "duplicates",
        "staged_rows",
        "staged_rejects",
        "scan_rejects",
        "scan_reject_errors",
        "scan_reject_scans",
    ):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    statement = f"CREATE TEMP TABLE checked AS WITH scan AS ({scan_sql}) {checked_sql}"
    try:
        conn.execute(statement, _bind(statement, params))
    except duckdb.Error:
        # DuckDB's message quotes the offending input, which may be personal data: never pass it on.
        raise FileRejected(unreadable) from None
    if csv:
        _number_records(conn)
    else:
        conn.execute("CREATE TEMP TABLE scan_rejects (row_number BIGINT, field VARCHAR, reason VARCHAR)")
    # The later valid rows of a reference are its duplicates. They are found with a hash aggregate (a window
    # would sort every row of the file, about twice the time) and are usually none.
    conn.execute(
        """CREATE TEMP TABLE duplicates AS
           SELECT ref_key, min(row_number) AS first_row FROM checked WHERE problem IS NULL
           GROUP BY ref_key HAVING count(*) > 1"""
    )
    conn.execute(
        """UPDATE checked SET problem = [checked.ref_label, 'duplicate reference in this file']
           FROM duplicates WHERE checked.problem IS NULL AND checked.ref_key = duplicates.ref_key
                                 AND checked.row_number > duplicates.first_row"""
    )
    conn.execute("DROP TABLE duplicates")
    conn.execute(
        f"CREATE TEMP TABLE staged_rows AS SELECT row_number, {row_columns} FROM checked WHERE problem IS NULL",
        _bind(row_columns, params),
    )
    defects = f"[{', '.join(field_checks)}]" if field_checks else "[]::VARCHAR[][]"
    conn.execute(
        f"""CREATE TEMP TABLE staged_rejects AS
           SELECT row_number, problem[1] AS field, problem[2] AS reason, 'row' AS level FROM checked
           WHERE problem IS NOT NULL
           UNION ALL SELECT row_number, field, reason, 'row' FROM scan_rejects
           UNION ALL SELECT row_number, defect[1], defect[2], 'field' FROM (
               SELECT row_number, unnest({defects}) AS defect FROM checked WHERE problem IS NULL
           ) WHERE defect IS NOT NULL"""
    )
    rows_read = conn.execute("SELECT (SELECT count(*) FROM checked) + (SELECT count(*) FROM scan_rejects)").fetchone()[
        0
    ]
    conn.execute("DROP TABLE checked")
    conn.execute("DROP TABLE scan_rejects")
    return rows_read


def _bind(sql: str, params: dict) -> dict:
    """The parameters one statement uses (DuckDB refuses unused named parameters)."""
    return {name: value for name, value in params.items() if f"${name}" in sql}


def _params(key: bytes, landed: LandedFile, source: str) -> dict:
    ipad, opad = hmac_pads(key)
    params = {"ipad": ipad, "opad": opad, "export_date": landed.export_date, **sql_params(key)}
    params.update({f"codes_{field}": codes for field, codes in code_lists(source).items()})
    return params


def read_childfocus(conn: duckdb.DuckDBPyConnection, landed: LandedFile, key: bytes) -> ReadResult:
    encoding = detect_encoding(landed.path)
    check_header(read_header(landed.path, encoding, ";"), list(CHILDFOCUS_COLUMNS), ";")
    opened, closed = "opened_local", "closed_local"  # parsed once, in the inner select below
    coded = {alias: header for header, alias in CHILDFOCUS_COLUMNS.items() if alias in CHILDFOCUS_CODED}
    fields = {  # check column -> the field's check (every non-key field: field-level, see the module docstring)
        "closed_defect": _field_check(
            "WHEN trim(coalesce(closed, '')) = '' THEN NULL\n"
            f"{_local_time_rules('closed', closed, 'Datum afsluiting')}\n"
            f"WHEN {closed} < {opened} THEN ['Datum afsluiting', 'closing date before opening date']"
        ),
        "age_defect": _field_check(_age_rules("age", "Leeftijd slachtoffer")),
        **{f"{alias}_defect": _field_check(_unknown_code(alias, alias, header)) for alias, header in coded.items()},
        "platformen_defect": _field_check(
            f"WHEN length(platformen) > {MAX_PLATFORM_CHARS} THEN ['Platformen', "
            f"'platform text longer than {MAX_PLATFORM_CHARS} characters']"
        ),
    }
    checked = f"""
        SELECT *, trim(ref) AS ref_key, 'Dossiernummer' AS ref_label,
          CASE
            WHEN trim(ref) = '' THEN ['Dossiernummer', 'missing case reference']
            {_local_time_rules("opened", opened, "Datum opening")}
          END AS problem,
          {", ".join(f"{check} AS {name}" for name, check in fields.items())}
        FROM (SELECT *, {_local_time("opened")} AS opened_local, {_local_time("closed")} AS closed_local FROM scan)"""
    codes = ", ".join(f"{_unless(f'{alias}_defect', _text(alias))} AS {alias}" for alias in coded)
    row_columns = f"""
        {pseudonym_sql("ref")} AS dossier_key,
        timezone('Europe/Brussels', {opened}) AS datum_opening,
        {_unless("closed_defect", f"timezone('Europe/Brussels', {closed})")} AS datum_afsluiting,
        {_unless("age_defect", _age_value("age"))} AS leeftijd_slachtoffer,
        {_unless("platformen_defect", "platformen")} AS typed_platforms,
        {codes}"""
    with utf8_view(landed.path, encoding) as path:
        rows_read = _stage(
            conn,
            _csv_scan(";", CHILDFOCUS_COLUMNS),
            checked,
            row_columns,
            {**_params(key, landed, "childfocus"), "path": str(path)},
            UNREADABLE_CSV.format(";"),
            csv=True,
            field_checks=list(fields),
        )
    _describe_platforms(conn, "regexp_split_to_array(typed_platforms, '[,/;]')", "platform_names", key)
    return ReadResult(rows_read)


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
        "acknowledged_defect": _field_check(ts_rules("acknowledged_at", False)),
        "resolved_defect": _field_check(
            f"{ts_rules('resolved_at', False)}\n"
            f"WHEN {ts('resolved_at')} < {ts('submitted_at')} "
            "THEN ['resolved_at', 'resolved before it was submitted']"
        ),
        "content_type_defect": _field_check(_unknown_code("content_type", "content_type", "content_type")),
        "outcome_defect": _field_check(_unknown_code("outcome", "outcome", "outcome")),
        "platform_defect": _field_check(
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
        {_unless("platform_defect", "platform")} AS typed_platforms,
        {_unless("content_type_defect", "nullif(trim(content_type), '')")} AS content_type,
        {ts("submitted_at")} AS submitted_at,
        {_unless("acknowledged_defect", ts("acknowledged_at"))} AS acknowledged_at,
        {_unless("resolved_defect", ts("resolved_at"))} AS resolved_at,
        {_unless("outcome_defect", "nullif(trim(outcome), '')")} AS outcome"""
    with utf8_view(landed.path, encoding) as path:
        rows_read = _stage(
            conn,
            _csv_scan(",", TAKEDOWN_COLUMNS),
            checked,
            row_columns,
            {**_params(key, landed, "takedown"), "path": str(path)},
            UNREADABLE_CSV.format(","),
            csv=True,
            field_checks=list(fields),
        )
    _describe_platforms(conn, "[typed_platforms]", "platform_name", key, one=True)
    return ReadResult(rows_read)


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
    coded = {
        "channel": "channel",
        "victim_gender": "victim.gender",
        "victim_region": "victim.region",
        "incident_type": "incident.type",
        "incident_offender": "incident.offender",
        "status": "status",
    }
    fields = {  # check column -> the field's check (every field but the report id and submission time)
        "age_defect": _field_check(
            f"WHEN age_type NOT IN ('NULL', 'UBIGINT', 'BIGINT', 'VARCHAR') THEN ['victim.age', 'unreadable age']\n"
            f"{_age_rules('age', 'victim.age')}"
        ),
        **{f"{alias}_defect": _field_check(_unknown_code(alias, alias, label)) for alias, label in coded.items()},
        "ai_defect": _field_check(
            "WHEN coalesce(ai_type, 'NULL') NOT IN ('NULL', 'BOOLEAN') "
            "THEN ['incident.ai_generated', 'not true, false or null']"
        ),
        "platforms_defect": _field_check(
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
    codes = ", ".join(f"{_unless(f'{alias}_defect', _text(alias))} AS {alias}" for alias in coded)
    row_columns = f"""
        {pseudonym_sql("ref")} AS report_key, {submitted} AS submitted_at,
        {_unless("age_defect", _age_value("age"))} AS victim_age,
        {_unless("ai_defect", "TRY_CAST(ai_generated AS BOOLEAN)")} AS incident_ai_generated,
        {_unless("platforms_defect", "platforms")} AS typed_platforms,
        {codes}"""
    with utf8_view(landed.path, encoding) as path:  # a copy only when CRLF and LF are mixed
        rows_read = _stage(
            conn,
            scan,
            checked,
            row_columns,
            {**_params(key, landed, "igvm"), "path": str(path)},
            "unreadable JSON Lines file",
            csv=False,
            field_checks=list(fields),
        )
    _describe_platforms(conn, "typed_platforms", "incident_platform_names", key)
    return ReadResult(rows_read)


READERS = {"childfocus": read_childfocus, "igvm": read_igvm, "takedown": read_takedown}
RAW_TABLES = {"childfocus": "childfocus_cases", "igvm": "igvm_reports", "takedown": "takedown_requests"}
