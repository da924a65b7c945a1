"""The default dsa engine: the CSV parts read and reduced by DuckDB, a few at a time, inside the load's transaction.

Only the columns the warehouse reads are selected, so DuckDB never materialises the free-text
ones (nor checks their encoding: bad UTF-8 counts only in a field the warehouse reads).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb

from orchestration.ingestion.dsa import vocab
from orchestration.ingestion.dsa.dump import READ_COLUMNS, Part
from orchestration.ingestion.dsa.engine import BAD_UTF8, MALFORMED, PartCounts, window
from orchestration.ingestion.errors import FileRejected
from orchestration.ingestion.staging import renumber_around_rejects

MAX_LINE_BYTES = 1 << 27  # a long decision_facts must not stop a load
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
PARTS_AT_ONCE_MAX = 4  # CSV files read in one pass at most (each is on disk while it is read; two batches at once)


def _json_array(column: str) -> str:
    """The cell as a text list: empty cell and `[]` alike; NULL when the cell is not a JSON array."""
    value = f"trim(coalesce({column}, ''))"
    return (
        f"CASE WHEN {value} = '' THEN []::VARCHAR[] "
        f"WHEN json_valid({value}) AND json_type({value}) = 'ARRAY' THEN from_json({value}, '[\"VARCHAR\"]') END"
    )


def _timestamp(column: str) -> str:
    value = f"trim(coalesce({column}, ''))"
    return f"CASE WHEN regexp_matches({value}, $ts_pattern) THEN try_strptime({value}, '{TIME_FORMAT}') END"


def _problem() -> str:
    """The first reason a well-formed CSV record cannot be used (same order in both engines)."""
    rules = ["WHEN NOT regexp_matches(trim(coalesce(uuid, '')), $uuid_pattern) THEN ['uuid', 'not a UUID']"]
    rules += [f"WHEN {c}_list IS NULL THEN ['{c}', 'not a JSON array']" for c in vocab.JSON_ARRAY_COLUMNS]
    rules += [
        f"WHEN {c}_ts IS NULL THEN ['{c}', 'missing or not a timestamp (YYYY-MM-DD HH:MM:SS)']"
        for c in vocab.REQUIRED_TIMESTAMPS
    ]
    rules.append(
        "WHEN trim(coalesce(content_date, '')) <> '' AND content_date_ts IS NULL "
        "THEN ['content_date', 'not a timestamp (YYYY-MM-DD HH:MM:SS)']"
    )
    return "CASE " + "\n".join(rules) + " END"


def _classify_sql() -> str:
    columns = ", ".join(f'"{c}"' for c in READ_COLUMNS)
    lists = ", ".join(f"{_json_array(c)} AS {c}_list" for c in vocab.JSON_ARRAY_COLUMNS)
    stamps = ", ".join(f"{_timestamp(c)} AS {c}_ts" for c in vocab.TIMESTAMP_COLUMNS)
    keyword_priority = (
        "list_min(list_transform(category_specification_list, lambda k: map($keyword_codes, $keyword_priorities)[k]))"
    )
    category_priority = (
        "list_min(list_transform(list_prepend(trim(coalesce(category, '')), category_addition_list), "
        "lambda c: map($category_codes, $category_priorities)[c]))"
    )
    return f"""
        CREATE OR REPLACE TEMP TABLE dsa_part AS
        WITH scan AS (
            SELECT file_index AS file, {columns}
            FROM read_csv($paths, header = true, delim = ',', quote = '"', escape = '"', all_varchar = true,
                          nullstr = chr(1), strict_mode = true, store_rejects = true,
                          rejects_table = 'dsa_reject_errors', rejects_scan = 'dsa_reject_scans',
                          max_line_size = {MAX_LINE_BYTES}, buffer_size = {2 * MAX_LINE_BYTES})
        ), parsed AS (
            SELECT *, {lists}, {stamps} FROM scan
        ), checked AS (
            SELECT *, {_problem()} AS problem FROM parsed
        )
        SELECT file, problem, problem IS NULL AND list_contains(territorial_scope_list, $belgium) AS in_scope,
               CASE WHEN problem IS NULL THEN lower(trim(uuid))::UUID END AS uuid,
               date_trunc('month', application_date_ts)::DATE AS month,
               trim(coalesce(platform_name, '')) AS platform_name,
               $groups[least({keyword_priority}, {category_priority})] AS harm_group,
               map($source_codes, $source_values)[trim(coalesce(source_type, ''))] AS source_type,
               trim(coalesce(automated_detection, '')) = $detection_yes AS automated_detection,
               trim(coalesce(automated_decision, '')) = $fully_automated AS fully_automated,
               list_contains(decision_visibility_list, $content_removed) AS content_removed,
               epoch(application_date_ts)::BIGINT - epoch(content_date_ts)::BIGINT AS decision_seconds,
               epoch(created_at_ts)::BIGINT - epoch(application_date_ts)::BIGINT AS database_seconds
        FROM checked"""


def _params(paths: list[str]) -> dict:
    words = vocab.vocabulary()
    return {
        "paths": paths,
        "ts_pattern": vocab.TIMESTAMP_PATTERN,
        "uuid_pattern": vocab.UUID_PATTERN,
        "belgium": vocab.BELGIUM,
        "detection_yes": vocab.AUTOMATED_DETECTION_YES,
        "fully_automated": vocab.FULLY_AUTOMATED,
        "content_removed": vocab.CONTENT_REMOVED,
        "keyword_codes": list(words.keyword_priority),
        "keyword_priorities": list(words.keyword_priority.values()),
        "category_codes": list(words.category_priority),
        "category_priorities": list(words.category_priority.values()),
        "groups": [words.group_of_priority[p] for p in sorted(words.group_of_priority)],
        "source_codes": list(words.source_types),
        "source_values": list(words.source_types.values()),
    }


class DuckDBEngine:
    """Reduces each batch of parts with the load's own DuckDB connection (so the day commits or rolls back whole).

    A batch is read in one pass, a file per thread: DuckDB reads one CSV file on one thread. The records are not
    numbered while they are read (a window over the scan would make it one thread again): the table is created in
    the order of the files and their records (DuckDB keeps insertion order), so a record's `rowid` gives its
    place, and only the quarantined records are given their numbers in the file."""

    name = "duckdb"

    def __init__(self, conn: duckdb.DuckDBPyConnection, dump_date: date, window_days: int):
        self.conn = conn
        self.dump_date = dump_date
        self.window = window(dump_date, window_days)
        self.sql = _classify_sql()
        threads = int(conn.execute("SELECT current_setting('threads')").fetchone()[0])
        self.parts_at_once = max(1, min(threads, PARTS_AT_ONCE_MAX))

    def reduce_parts(self, parts: Sequence[Part], first_row: int) -> PartCounts:
        conn = self.conn
        for table in ("dsa_reject_errors", "dsa_reject_scans"):
            conn.execute(f"DROP TABLE IF EXISTS {table}")
        try:
            conn.execute(self.sql, _params([str(part.path) for part in parts]))
        except duckdb.Error as exc:
            # DuckDB's message may quote the offending input: never pass it on. It names the file it failed on (a
            # path of ours, in the scratch folder): only that is looked for, to name the part. The transaction is
            # aborted by the error, so the day is rejected, not read again part by part.
            named = [part.name for part in parts if str(part.path) in str(exc)] or [part.name for part in parts]
            raise FileRejected(f"part {' or '.join(named)} is not a CSV file the reader can parse") from None
        self._quarantine(parts, first_row)
        return self._reduce()

    def _quarantine(self, parts: Sequence[Part], first_row: int) -> None:
        """Malformed records and records with a problem into the day's rejects, numbered as records of their file
        (malformed ones counted in) and of the day."""
        conn = self.conn
        # One row per malformed record, by the file's place in the batch; `line` is the record's number + 1 (the
        # header).
        conn.execute(
            """CREATE OR REPLACE TEMP TABLE dsa_part_malformed AS
               SELECT list_position($paths, s.file_path) - 1 AS file, e.line - 1 AS rn,
                      bool_or(e.error_type = 'INVALID ENCODING') AND NOT
                      bool_or(e.error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')) AS bad_encoding
               FROM dsa_reject_errors e JOIN dsa_reject_scans s USING (scan_id, file_id)
               GROUP BY ALL""",
            {"paths": [str(part.path) for part in parts]},
        )
        conn.execute("DROP TABLE dsa_reject_errors")  # it holds the raw line text: never keep it
        conn.execute("DROP TABLE dsa_reject_scans")
        per_file = conn.execute(
            """SELECT coalesce(g.good, 0), coalesce(g.first_rowid, 0), coalesce(m.malformed, 0)
               FROM (SELECT unnest(range($files)) AS file) f
               LEFT JOIN (SELECT file, count(*) AS good, min(rowid) AS first_rowid FROM dsa_part GROUP BY file) g
                    USING (file)
               LEFT JOIN (SELECT file, count(*) AS malformed FROM dsa_part_malformed GROUP BY file) m USING (file)
               ORDER BY f.file""",
            {"files": len(parts)},
        ).fetchall()
        offsets, offset = [], first_row - 1
        for good, _, malformed in per_file:
            offsets.append(offset)
            offset += good + malformed
        conn.execute(
            "CREATE OR REPLACE TEMP TABLE dsa_batch_files AS SELECT unnest(range($files)) AS file, "
            "unnest($name) AS name, unnest($first_rowid) AS first_rowid, unnest($row_offset) AS row_offset",
            {
                "files": len(parts),
                "name": [part.name for part in parts],
                "first_rowid": [r[1] for r in per_file],
                "row_offset": offsets,
            },
        )
        conn.execute(
            """INSERT INTO dsa_day_rejects
               SELECT m.rn + f.row_offset, NULL, CASE WHEN m.bad_encoding THEN $bad_utf8 ELSE $malformed END
                      || ' (part ' || f.name || ', record ' || m.rn || ')'
               FROM dsa_part_malformed m JOIN dsa_batch_files f USING (file)""",
            {"bad_utf8": BAD_UTF8 + " in a field the warehouse reads", "malformed": MALFORMED},
        )
        conn.execute(
            """CREATE OR REPLACE TEMP TABLE dsa_part_problems AS
               SELECT p.file, p.rowid - f.first_rowid + 1 AS rn, p.problem
               FROM dsa_part p JOIN dsa_batch_files f USING (file) WHERE p.problem IS NOT NULL"""
        )
        if any(r[2] for r in per_file):
            renumber_around_rejects(conn, "dsa_part_problems", "dsa_part_malformed", "rn", by="file")
        conn.execute(
            """INSERT INTO dsa_day_rejects
               SELECT p.rn + f.row_offset, p.problem[1],
                      p.problem[2] || ' (part ' || f.name || ', record ' || p.rn || ')'
               FROM dsa_part_problems p JOIN dsa_batch_files f USING (file)"""
        )
        conn.execute("DROP TABLE dsa_part_problems")
        conn.execute("DROP TABLE dsa_batch_files")

    def _reduce(self) -> PartCounts:
        conn = self.conn
        malformed = conn.execute("SELECT count(*) FROM dsa_part_malformed").fetchone()[0]
        conn.execute("DROP TABLE dsa_part_malformed")
        read, problems, in_scope = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE problem IS NOT NULL), count(*) FILTER (WHERE in_scope) "
            "FROM dsa_part"
        ).fetchone()
        # The first copy of a uuid counts: not seen in the window (earlier parts of this day included),
        # and the first of its copies in this batch (rowid: the order of the files and their records).
        conn.execute(
            """CREATE OR REPLACE TEMP TABLE dsa_part_new AS
               SELECT * FROM dsa_part p
               WHERE in_scope AND NOT EXISTS (
                   SELECT 1 FROM raw.dsa_seen_uuids s
                   WHERE s.uuid = p.uuid AND s.dump_date BETWEEN $window_start AND $window_end)
               QUALIFY row_number() OVER (PARTITION BY uuid ORDER BY p.rowid) = 1""",
            {"window_start": self.window[0], "window_end": self.window[1]},
        )
        conn.execute("DROP TABLE dsa_part")
        conn.execute("INSERT INTO raw.dsa_seen_uuids SELECT $day, uuid FROM dsa_part_new", {"day": self.dump_date})
        conn.execute(
            """INSERT INTO dsa_day_counts
               SELECT month, platform_name, harm_group, source_type, count(*),
                      count(*) FILTER (WHERE automated_detection), count(*) FILTER (WHERE fully_automated),
                      count(*) FILTER (WHERE content_removed)
               FROM dsa_part_new GROUP BY ALL"""
        )
        conn.execute(
            """INSERT INTO dsa_day_durations
               SELECT month, platform_name, harm_group, source_type, measure, seconds, count(*)
               FROM (SELECT month, platform_name, harm_group, source_type,
                            unnest(['decision', 'database']) AS measure,
                            unnest([decision_seconds, database_seconds]) AS seconds
                     FROM dsa_part_new)
               WHERE seconds IS NOT NULL GROUP BY ALL"""
        )
        loaded = conn.execute("SELECT count(*) FROM dsa_part_new").fetchone()[0]
        conn.execute("DROP TABLE dsa_part_new")
        return PartCounts(
            rows_read=read + malformed,
            statements_loaded=loaded,
            rows_out_of_scope=read - problems - in_scope,
            rows_repeated=in_scope - loaded,
            rows_quarantined=problems + malformed,
        )

    def finish_day(self) -> None:
        return None

    def close(self) -> None:
        for table in (
            "dsa_part",
            "dsa_part_new",
            "dsa_part_malformed",
            "dsa_part_problems",
            "dsa_batch_files",
            "dsa_reject_errors",
            "dsa_reject_scans",
        ):
            self.conn.execute(f"DROP TABLE IF EXISTS {table}")
