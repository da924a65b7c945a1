"""What each suite validates: the rows of this run's loads, or the whole mart, as pandas frames.

Some rules compare a row with its file or its group; the columns they need are derived here (for a raw batch, as
its source's declaration in orchestration/sources.py says), so the suites stay plain GX expectations: days after
the export date, hours to resolution, codes mapped to their canonical values (the raw layer keeps source codes),
one key per load and reference, and the share total of groups with nothing suppressed.
Raw batches are prepared inside DuckDB, which is many times faster than pandas on millions of rows.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from orchestration.sources import by_asset, loaded_by_reader
from orchestration.vocabularies import code_map

# suite -> (source, raw table), for every source a reader loads
RAW_SUITES = {s.asset: (s.name, s.raw_table) for s in loaded_by_reader()}
# GX fingerprints every batch with pandas' row hashing, which cannot hash list cells and then pickles the whole
# frame instead (seconds per 100,000 rows): lists of platform names (hash and shape structs) are handed over as
# text, their hashes joined; the one name of a takedown request as its hash (a declaration's list_columns and
# struct_columns). References (128-bit pseudonyms, or request ids as text) are only checked for presence and
# uniqueness, so they are handed over as 64-bit hashes (NULL stays NULL; its key_columns): pandas has no 128-bit
# integer (a float would merge neighbouring keys), and as text each of GX's frame copies would move every string
# again. Two different references would have to share a hash to fail the uniqueness check falsely (about one
# chance in a million at ten million rows); a real duplicate always fails it. A reference appears once per load:
# checked on `load_reference`, one 64-bit hash of (load_id, reference), NULL when the reference is missing (its
# not-null expectation fails then). pandas finds the duplicates of one integer column several times faster than
# those of a pair of columns (at millions of rows); a false duplicate needs a 64-bit collision, like the hashed
# references above.


def raw_batch(conn: duckdb.DuckDBPyConnection, suite: str, load_ids: list[str]) -> pd.DataFrame:
    """The rows loaded by the given loads (this run's batch), prepared for the suite in one query:
    derived columns added, codes mapped to their canonical values (`UNMAPPED` when the code map lacks
    them, never the code: GX keeps unexpected values in its results; the raw layer keeps source codes)."""
    declared = by_asset(suite)
    table, coded = declared.raw_table, declared.checked_codes
    mapping = code_map(declared.name)  # (field, code, canonical) rows of the source
    replaced = [
        f"array_to_string(list_transform({c}, lambda n: n.name_hash), '|') AS {c}" for c in declared.list_columns
    ]
    replaced += [f"r.{c}.name_hash AS {c}" for c in declared.struct_columns]
    replaced += [f"CASE WHEN r.{c} IS NOT NULL THEN hash(r.{c}) END AS {c}" for c in declared.key_columns]
    replaced += [
        f"CASE WHEN r.{c} IS NULL THEN NULL ELSE coalesce(m{i}.canonical, 'UNMAPPED') END AS {c}"
        for i, c in enumerate(coded)
    ]
    joins = "".join(
        f" LEFT JOIN codes m{i} ON m{i}.field = '{c}' AND m{i}.code = lower(trim(r.{c}))" for i, c in enumerate(coded)
    )
    derived = "".join(f", {expression} AS {name}" for name, expression in declared.derived.items())
    if declared.load_reference:
        reference = f"r.{declared.load_reference}"
        derived += f", CASE WHEN {reference} IS NOT NULL THEN hash(r.load_id, {reference}) END AS load_reference"
    # Through Arrow: several times faster than `.df()` for millions of strings. Nullable integers
    # arrive as floats (NaN for NULL); no suite depends on that (the hashed references arrive as
    # nullable UInt64, which a float could not hold exactly). Every text column arrives as a
    # categorical: GX's pandas engine copies the whole frame through a row mask for each column
    # expectation, and copying integer codes is several times faster (and smaller) than copying strings.
    table = conn.sql(
        f"""WITH codes AS (
                SELECT field, lower(trim(code)) AS code, any_value(canonical) AS canonical
                FROM (SELECT unnest($fields) AS field, unnest($codes) AS code, unnest($canonicals) AS canonical)
                GROUP BY ALL
            ), batch AS (
                SELECT * FROM raw.{table} WHERE load_id IN (SELECT unnest($load_ids))
            )
            SELECT r.* {"REPLACE (" + ", ".join(replaced) + ")" if replaced else ""} {derived}
            FROM batch r{joins}""",
        params={
            "fields": [field for field, _, _ in mapping],
            "codes": [code for _, code, _ in mapping],
            "canonicals": [canonical for _, _, canonical in mapping],
            "load_ids": load_ids,
        },
    ).to_arrow_table()
    text = [f.name for f in table.schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
    return table.to_pandas(date_as_object=False, categories=text, types_mapper={pa.uint64(): pd.UInt64Dtype()}.get)


def mart(conn: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    frame = conn.execute(f"SELECT * FROM marts.{name}").df()
    if name == "victim_demographics_quarterly":
        # the finest rows of a quarter x source x incident type (no `all` gender or age band) share out its total
        group = ["quarter", "source", "incident_type"]
        finest = frame[(frame["victim_gender"] != "all") & (frame["victim_age_band"] != "all")]
        clean = ~finest.groupby(group)["suppressed"].transform("any")
        frame["group_share_total"] = finest.groupby(group)["share_pct"].transform("sum").where(clean)
    return frame
