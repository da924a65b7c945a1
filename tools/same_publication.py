"""Do two publications hold the same marts? For refactors: run the demo before and after, then

    python tools/same_publication.py OLD/published.duckdb NEW/published.duckdb

Every table both hold is compared row by row (sorted, so the order rows were written in does not matter), with
the columns that record when or in which run a row was written left out (they differ between any two runs).
Prints one line per table and exits 1 when any differs or exists on one side only.
"""

from __future__ import annotations

import sys

import duckdb

RUN_COLUMNS = {"run_id", "raised_run_id", "checked_at", "raised_at", "resolved_at", "resolved_run_id", "published_at"}


def _tables(conn: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main' "
        "ORDER BY table_name, ordinal_position"
    ).fetchall()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def main(old: str, new: str) -> int:
    conn = duckdb.connect()
    conn.execute(f"ATTACH '{old}' AS old (READ_ONLY)")
    conn.execute(f"ATTACH '{new}' AS new (READ_ONLY)")
    tables = {}
    for side in ("old", "new"):
        conn.execute(f"USE {side}")
        tables[side] = _tables(conn)
    conn.execute("USE memory")
    failed = False
    for table in sorted(set(tables["old"]) | set(tables["new"])):
        if table not in tables["old"] or table not in tables["new"]:
            print(f"{table}: only in {'new' if table not in tables['old'] else 'old'}")
            failed = True
            continue
        if tables["old"][table] != tables["new"][table]:
            print(f"{table}: columns differ: {tables['old'][table]} -> {tables['new'][table]}")
            failed = True
            continue
        columns = ", ".join(f'"{c}"' for c in tables["old"][table] if c not in RUN_COLUMNS)
        rows = conn.execute(f'SELECT count(*) FROM old."{table}"').fetchone()[0]
        old_rows, new_rows = f'SELECT {columns} FROM old."{table}"', f'SELECT {columns} FROM new."{table}"'
        differ = conn.execute(
            f"SELECT count(*) FROM (({old_rows} EXCEPT ALL {new_rows}) UNION ALL ({new_rows} EXCEPT ALL {old_rows}))"
        ).fetchone()[0]
        print(f"{table}: {rows} rows, {'same' if differ == 0 else f'{differ} rows differ'}")
        failed |= differ > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
