"""The staging engine the readers of orchestration/ingestion/readers/ share, inside DuckDB.

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

from dataclasses import dataclass

import duckdb

from orchestration.ingestion.errors import FileRejected
from orchestration.ingestion.landing import LandedFile
from orchestration.ingestion.pseudonymise import hmac_pads
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


@dataclass(frozen=True)
class ReadResult:
    rows_read: int


def unknown_code(expression: str, field: str, label: str) -> str:
    """CASE branch: a non-empty code that the code map does not list for this field, named by its descriptor
    (the value itself may be personal data typed into the wrong field)."""
    value = f"trim(coalesce({expression}, ''))"
    return (
        f"WHEN {value} <> '' AND NOT list_contains($codes_{field}, lower({value})) "
        f"THEN ['{label}', 'unknown code ' || {describe_sql(value)}]"
    )


def describe_platforms(conn: duckdb.DuckDBPyConnection, names: str, stored: str, key: bytes, one: bool = False) -> None:
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


def age_rules(expression: str, label: str) -> str:
    value = f"trim(coalesce({expression}, ''))"
    parsed = f"TRY_CAST(regexp_extract({value}, '{AGE_PATTERN}', 1) AS INTEGER)"
    return (
        f"WHEN {value} <> '' AND NOT regexp_matches(lower({value}), '{AGE_PATTERN}') "
        f"THEN ['{label}', 'unreadable age']\n"
        f"WHEN {value} <> '' AND NOT {parsed} BETWEEN 0 AND 99 THEN ['{label}', 'age outside 0..99']"
    )


def field_check(branches: str) -> str:
    """A field's check: `[label, reason]` for its first defect, NULL when the field is usable."""
    return f"CASE {branches} END"


def unless(defect: str, value: str) -> str:
    """The field's value, NULL (unknown) when its check found a defect."""
    return f"CASE WHEN {defect} IS NULL THEN {value} END"


def text(column: str) -> str:
    return f"nullif(trim({column}), '')"


def local_time(column: str) -> str:
    """A `dd/mm/yyyy HH:MM` text as a local timestamp; NULL for any other shape (`01/02/26` would be year 26)."""
    return (
        f"CASE WHEN regexp_matches(trim({column}), '{LOCAL_TIME}') "
        f"THEN try_strptime(trim({column}), '%d/%m/%Y %H:%M') END"
    )


def local_time_rules(column: str, parsed: str, label: str) -> str:
    return (
        f"WHEN regexp_matches(trim({column}), '{TWO_DIGIT_YEAR}') THEN ['{label}', '{TWO_DIGIT_REASON}']\n"
        f"WHEN {parsed} IS NULL THEN ['{label}', 'unreadable date (expected dd/mm/yyyy HH:MM)']\n"
        f"WHEN {parsed} >= ($export_date::DATE + INTERVAL 1 DAY) THEN ['{label}', 'date after the export date']"
    )


def age_value(expression: str) -> str:
    return f"TRY_CAST(regexp_extract(lower(trim({expression})), '{AGE_PATTERN}', 1) AS INTEGER)"


def csv_scan(delimiter: str, columns: dict[str, str]) -> str:
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
    renumber_around_rejects(conn, "checked", "scan_rejects", "row_number")


def renumber_around_rejects(
    conn: duckdb.DuckDBPyConnection, table: str, rejects: str, column: str, by: str | None = None
) -> None:
    """TEMP `table` numbered its good records 1, 2, ... in `column` (the CSV reader skips malformed ones); renumber
    them as records of the file, the malformed records of TEMP `rejects` (their file numbers in `column`) counted
    in. Good record i is the i-th record not rejected: add the rejects that come before it. `by`: a column telling
    the files of a multi-file read apart (each numbered on its own)."""
    within = f"PARTITION BY {by} " if by else ""
    same_file = f"t.{by} = g.{by} AND " if by else ""
    keys = f"{by}, " if by else ""
    # consecutive rejects share `goods_before`: the last of them counts (a good record after them follows all)
    conn.execute(
        f"""CREATE OR REPLACE TEMP TABLE renumbered AS
           WITH numbered AS (SELECT {keys}{column} - row_number() OVER ({within}ORDER BY {column}) AS goods_before,
                                    row_number() OVER ({within}ORDER BY {column}) AS rejects_so_far
                             FROM {rejects}),
                gaps AS (SELECT {keys}goods_before, max(rejects_so_far) AS rejects_so_far
                         FROM numbered GROUP BY ALL)
           SELECT t.* REPLACE (t.{column} + coalesce(g.rejects_so_far, 0) AS {column})
           FROM {table} t ASOF LEFT JOIN gaps g ON {same_file}t.{column} > g.goods_before"""
    )
    conn.execute(f"DROP TABLE {table}")
    conn.execute(f"ALTER TABLE renumbered RENAME TO {table}")


def stage(
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

    `checked_sql` reads the relation `scan` (`scan_sql`, the file's records; `csv`: read by `csv_scan`,
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


def params_for(key: bytes, landed: LandedFile, source: str) -> dict:
    ipad, opad = hmac_pads(key)
    params = {"ipad": ipad, "opad": opad, "export_date": landed.export_date, **sql_params(key)}
    params.update({f"codes_{field}": codes for field, codes in code_lists(source).items()})
    return params
