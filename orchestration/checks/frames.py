"""What each suite validates: the rows of this run's loads, or the whole mart, as pandas frames.

Some rules compare a row with its file or its group; the columns they need are derived here,
in plain sight, so the suites stay plain GX expectations:
days after the export date, hours to resolution, codes mapped to their canonical values
(the raw layer keeps source codes), one key per load and reference, and the share total of
groups with nothing suppressed.
Raw batches are prepared inside DuckDB, which is many times faster than pandas on millions of rows.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from orchestration.vocabularies import code_map

RAW_SUITES = {
    "raw_childfocus_cases": ("childfocus", "childfocus_cases"),
    "raw_igvm_reports": ("igvm", "igvm_reports"),
    "raw_takedown_requests": ("takedown", "takedown_requests"),
    "raw_survey_responses": ("survey", "survey_responses"),
}
CODED = {
    "childfocus": ["kanaal", "geslacht_slachtoffer", "provincie", "type_feiten", "ai_gegenereerd"],
    "igvm": ["channel", "victim_gender", "victim_region", "incident_type", "status"],
    "takedown": ["content_type", "outcome"],
}


def _days_after_export(instant: str) -> str:
    """Days from the export date (midnight, Belgian time) to an instant read as Belgian local time."""
    return f"(epoch(timezone('Europe/Brussels', {instant})) - epoch(export_date::TIMESTAMP)) / 86400"


# Columns derived for the suites, computed in DuckDB.
DERIVED = {
    "childfocus": {
        "days_after_export_opened": _days_after_export("datum_opening"),
        "days_after_export_closed": _days_after_export("datum_afsluiting"),
    },
    "igvm": {"days_after_export_submitted": _days_after_export("submitted_at")},
    "takedown": {
        "days_after_export_submitted": _days_after_export("submitted_at"),
        "hours_to_resolution": "(epoch(resolved_at) - epoch(submitted_at)) / 3600",
    },
    "survey": {"finished_weight": "CASE WHEN finished = 1 THEN weight END"},
}
# GX fingerprints every batch with pandas' row hashing, which cannot hash list cells and then pickles
# the whole frame instead (seconds per 100,000 rows): lists of platform names (hash and shape structs)
# are handed over as text, their hashes joined; the one name of a takedown request as its hash.
LIST_COLUMNS = {"childfocus": ["platform_names"], "igvm": ["incident_platform_names"]}
STRUCT_COLUMNS = {"takedown": ["platform_name"]}
# References (128-bit pseudonyms, or request ids as text) are only checked for presence and uniqueness,
# so they are handed over as 64-bit hashes (NULL stays NULL): pandas has no 128-bit integer (a float
# would merge neighbouring keys), and as text each of GX's frame copies would move every string again.
# Two different references would have to share a hash to fail the uniqueness check falsely (about one
# chance in a million at ten million rows); a real duplicate always fails it.
KEY_COLUMNS = {
    "childfocus": ["dossier_key"],
    "igvm": ["report_key"],
    "takedown": ["request_id", "case_key"],
}
# A reference appears once per load: checked on `load_reference`, one 64-bit hash of (load_id, reference),
# NULL when the reference is missing (its not-null expectation fails then). pandas finds the duplicates
# of one integer column several times faster than those of a pair of columns (at millions of rows);
# a false duplicate needs a 64-bit collision, like the hashed references above.
LOAD_REFERENCES = {"childfocus": "dossier_key", "igvm": "report_key", "takedown": "request_id"}


def raw_batch(conn: duckdb.DuckDBPyConnection, suite: str, load_ids: list[str]) -> pd.DataFrame:
    """The rows loaded by the given loads (this run's batch), prepared for the suite in one query:
    derived columns added, codes mapped to their canonical values (`UNMAPPED` when the code map lacks
    them, never the code: GX keeps unexpected values in its results; the raw layer keeps source codes)."""
    source, table = RAW_SUITES[suite]
    coded = CODED.get(source, [])
    mapping = code_map(source)  # (field, code, canonical) rows of the source
    replaced = [
        f"array_to_string(list_transform({c}, lambda n: n.name_hash), '|') AS {c}" for c in LIST_COLUMNS.get(source, [])
    ]
    replaced += [f"r.{c}.name_hash AS {c}" for c in STRUCT_COLUMNS.get(source, [])]
    replaced += [f"CASE WHEN r.{c} IS NOT NULL THEN hash(r.{c}) END AS {c}" for c in KEY_COLUMNS.get(source, [])]
    replaced += [
        f"CASE WHEN r.{c} IS NULL THEN NULL ELSE coalesce(m{i}.canonical, 'UNMAPPED') END AS {c}"
        for i, c in enumerate(coded)
    ]
    joins = "".join(
        f" LEFT JOIN codes m{i} ON m{i}.field = '{c}' AND m{i}.code = lower(trim(r.{c}))" for i, c in enumerate(coded)
    )
    derived = "".join(f", {expression} AS {name}" for name, expression in DERIVED[source].items())
    if source in LOAD_REFERENCES:
        reference = f"r.{LOAD_REFERENCES[source]}"
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
