"""The alias seed as hashes: how the models map platform names that the raw tables hold only as descriptors.

Every run rebuilds `raw.platform_alias_keys` from `seeds/platform_aliases.csv`, normalising and hashing
each alias exactly as ingestion normalises and hashes a typed name (the same SQL, `orchestration/privacy.py`).
So an alias added to the seed maps the rows loaded before it at the next run: the models that join on
this table depend on the seed too, and a changed seed rebuilds them (dbt_project/macros/incremental.sql).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.ingestion.raw_schema import ensure_raw_schema
from orchestration.privacy import hash_sql, normalise_platform_sql, sql_params
from orchestration.vocabularies import platform_aliases


def alias_params(seeds_dir: Path | None = None) -> dict[str, list[str]]:
    """The alias seed as the parameters of `alias_keys_sql` ($aliases and $alias_platforms, pairwise)."""
    pairs = platform_aliases(seeds_dir)
    return {"aliases": [alias for alias, _ in pairs], "alias_platforms": [platform for _, platform in pairs]}


def alias_keys_sql() -> str:
    """(name_hash, platform) for every alias of the seed (`alias_params`)."""
    return (
        f"SELECT DISTINCT {hash_sql(normalise_platform_sql('alias'))} AS name_hash, trim(platform) AS platform "
        "FROM (SELECT unnest($aliases) AS alias, unnest($alias_platforms) AS platform) "
        "WHERE trim(coalesce(alias, '')) <> ''"
    )


def write_platform_alias_keys(conn: duckdb.DuckDBPyConnection, key: bytes, seeds_dir: Path | None = None) -> int:
    """Replace raw.platform_alias_keys with the aliases of the seed (of `seeds_dir`, the repository's when
    None); returns how many."""
    ensure_raw_schema(conn)
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute("DELETE FROM raw.platform_alias_keys")
        conn.execute(
            f"INSERT INTO raw.platform_alias_keys {alias_keys_sql()}", {**alias_params(seeds_dir), **sql_params(key)}
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return conn.execute("SELECT count(*) FROM raw.platform_alias_keys").fetchone()[0]
