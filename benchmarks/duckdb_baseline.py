"""The helpline marts as one hand-written DuckDB SQL script over the landing files.

The practical speed limit of the engine the warehouse runs on: no ledger, no quarantine,
no pseudonymisation, no tests, no publication. The only Python is building the file lists and
transcoding the older childfocus exports (BOM-less cp1252: DuckDB reads cp1252 only through
an extension it would have to download, and its latin-1 reader rejects bytes 0x80-0x9F).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

SCRIPT = r"""
CREATE TEMP TABLE code_map AS
    SELECT source, field, lower(trim(code)) AS code, canonical
    FROM read_csv('{seeds}/code_map.csv', all_varchar = true);
CREATE TEMP TABLE aliases AS SELECT alias, platform FROM read_csv('{seeds}/platform_aliases.csv', all_varchar = true);
CREATE TEMP TABLE bands AS SELECT age_band, min_age, max_age FROM read_csv('{seeds}/age_bands.csv');

CREATE TEMP TABLE cf AS
WITH raw AS (
    SELECT * FROM read_csv({cf_files}, delim = ';', header = true, all_varchar = true, filename = true, quote = '"')
)
SELECT *, regexp_extract(filename, '(\d{{8}})', 1) AS export_date FROM raw
QUALIFY row_number() OVER (PARTITION BY trim("Dossiernummer") ORDER BY export_date DESC) = 1;

CREATE TEMP TABLE ig AS
SELECT *, regexp_extract(filename, '(\d{{8}})', 1) AS export_date
FROM read_json({ig_files}, format = 'newline_delimited', filename = true)
QUALIFY row_number() OVER (PARTITION BY trim(report_id) ORDER BY export_date DESC) = 1;

CREATE TEMP TABLE cases AS
SELECT trim(cf."Dossiernummer") AS case_ref, 'childfocus' AS source,
       strptime(cf."Datum opening", '%d/%m/%Y %H:%M') AS opened_local,
       coalesce(g.canonical, 'unknown') AS victim_gender,
       coalesce(b.age_band, 'unknown') AS victim_age_band,
       coalesce(t.canonical, 'unknown') AS incident_type,
       coalesce(a.canonical = 'true', false) AS ai_generated,
       regexp_split_to_array(coalesce(cf."Platformen", ''), '[,/;]') AS platform_list
FROM cf
LEFT JOIN code_map g ON g.source = 'childfocus' AND g.field = 'geslacht_slachtoffer'
                     AND g.code = lower(trim(cf."Geslacht slachtoffer"))
LEFT JOIN code_map t ON t.source = 'childfocus' AND t.field = 'type_feiten' AND t.code = lower(trim(cf."Type feiten"))
LEFT JOIN code_map a ON a.source = 'childfocus' AND a.field = 'ai_gegenereerd'
                     AND a.code = lower(trim(cf."AI-gegenereerd"))
LEFT JOIN bands b
    ON TRY_CAST(regexp_extract(cf."Leeftijd slachtoffer", '(\d+)', 1) AS INTEGER) BETWEEN b.min_age AND b.max_age
UNION ALL
SELECT trim(ig.report_id), 'igvm',
       timezone('Europe/Brussels', ig.submitted_at::TIMESTAMPTZ),
       coalesce(g.canonical, 'unknown'),
       coalesce(b.age_band, 'unknown'),
       coalesce(t.canonical, 'unknown'),
       coalesce(ig.incident.ai_generated, false),
       coalesce(ig.incident.platforms, [])
FROM ig
LEFT JOIN code_map g ON g.source = 'igvm' AND g.field = 'victim_gender' AND g.code = lower(trim(ig.victim.gender))
LEFT JOIN code_map t ON t.source = 'igvm' AND t.field = 'incident_type' AND t.code = lower(trim(ig.incident.type))
LEFT JOIN bands b ON ig.victim.age BETWEEN b.min_age AND b.max_age;

CREATE TEMP TABLE case_platforms AS
WITH named AS (
    SELECT case_ref, lower(trim(regexp_replace(name, '\s+', ' ', 'g'))) AS name
    FROM (SELECT case_ref, unnest(platform_list) AS name FROM cases)
), mapped AS (
    SELECT DISTINCT n.case_ref, coalesce(a.platform, 'other') AS platform
    FROM named n LEFT JOIN aliases a ON a.alias = n.name WHERE n.name <> ''
)
SELECT c.case_ref, c.source, c.opened_local, c.incident_type, c.ai_generated,
       coalesce(m.platform, 'unknown') AS platform
FROM cases c LEFT JOIN mapped m USING (case_ref);

CREATE TEMP TABLE requests AS
WITH td AS (
    SELECT * , regexp_extract(filename, '(\d{{8}})', 1) AS export_date
    FROM read_csv({td_files}, delim = ',', header = true, all_varchar = true, filename = true)
    QUALIFY row_number() OVER (PARTITION BY request_id ORDER BY export_date DESC) = 1
)
SELECT date_trunc('month', timezone('Europe/Brussels', td.submitted_at::TIMESTAMPTZ))::DATE AS month,
       coalesce(c.source, 'unknown') AS source,
       coalesce(c.incident_type, 'unknown') AS incident_type,
       CASE WHEN lower(trim(regexp_replace(td.platform, '\s+', ' ', 'g'))) = '' THEN 'unknown'
            ELSE coalesce(a.platform, 'other') END AS platform,
       lower(trim(td.outcome)) AS outcome,
       epoch(td.resolved_at::TIMESTAMPTZ - td.submitted_at::TIMESTAMPTZ) / 3600.0 AS hours
FROM td
LEFT JOIN cases c ON c.case_ref = trim(td.case_ref)
LEFT JOIN aliases a ON a.alias = lower(trim(regexp_replace(td.platform, '\s+', ' ', 'g')));

CREATE TEMP TABLE platform_monthly AS
WITH case_side AS (
    SELECT date_trunc('month', opened_local)::DATE AS month, source, platform, incident_type,
           count(*) AS cases, count(*) FILTER (ai_generated) AS ai_generated_cases
    FROM case_platforms GROUP BY ALL
), request_side AS (
    SELECT month, source, platform, incident_type,
           count(*) AS takedown_requests,
           count(*) FILTER (outcome = 'removed') AS takedowns_removed,
           count(*) FILTER (outcome IN ('removed', 'geo_blocked', 'rejected', 'no_response')) AS final_requests,
           median(hours) FILTER (outcome = 'removed') AS median_hours,
           quantile_cont(hours, 0.9) FILTER (outcome = 'removed') AS p90_hours
    FROM requests GROUP BY ALL
), joined AS (
    SELECT month, source, platform, incident_type,
           coalesce(cases, 0) AS cases, coalesce(ai_generated_cases, 0) AS ai_generated_cases,
           coalesce(takedown_requests, 0) AS takedown_requests, coalesce(takedowns_removed, 0) AS takedowns_removed,
           coalesce(final_requests, 0) AS final_requests, median_hours, p90_hours
    FROM case_side FULL OUTER JOIN request_side USING (month, source, platform, incident_type)
)
SELECT month, source, platform, incident_type,
       CASE WHEN cases BETWEEN 1 AND {k} - 1 THEN NULL ELSE cases END AS cases,
       CASE WHEN ai_generated_cases BETWEEN 1 AND {k} - 1 THEN NULL ELSE ai_generated_cases END AS ai_generated_cases,
       CASE WHEN takedown_requests BETWEEN 1 AND {k} - 1 THEN NULL ELSE takedown_requests END AS takedown_requests,
       CASE WHEN takedowns_removed BETWEEN 1 AND {k} - 1 THEN NULL ELSE takedowns_removed END AS takedowns_removed,
       CASE WHEN final_requests >= {k} AND NOT (takedowns_removed BETWEEN 1 AND {k} - 1)
            THEN takedowns_removed / final_requests END AS removal_rate,
       CASE WHEN takedowns_removed >= {k} THEN median_hours END AS median_hours_to_removal,
       CASE WHEN takedowns_removed >= {k} THEN p90_hours END AS p90_hours_to_removal,
       (cases BETWEEN 1 AND {k} - 1 OR ai_generated_cases BETWEEN 1 AND {k} - 1
        OR takedown_requests BETWEEN 1 AND {k} - 1 OR takedowns_removed BETWEEN 1 AND {k} - 1) AS suppressed
FROM joined;

CREATE TEMP TABLE victim_demographics_quarterly AS
WITH cells AS (
    SELECT date_trunc('quarter', opened_local)::DATE AS quarter, source, incident_type, victim_gender, victim_age_band,
           count(*) AS cases
    FROM cases GROUP BY ALL
), flagged AS (
    SELECT *, cases BETWEEN 1 AND {k} - 1 AS small,
           sum(cases) OVER g AS group_cases,
           count(*) FILTER (cases BETWEEN 1 AND {k} - 1) OVER g AS m,
           coalesce(sum(cases) FILTER (cases BETWEEN 1 AND {k} - 1) OVER g, 0) AS s,
           count(*) FILTER (cases >= {k}) OVER g AS shown
    FROM cells WINDOW g AS (PARTITION BY quarter, source, incident_type)
), ranked AS (
    SELECT *, row_number() OVER o AS r, sum(cases) OVER (o ROWS UNBOUNDED PRECEDING) AS cum
    FROM flagged WHERE NOT small
    WINDOW o AS (PARTITION BY quarter, source, incident_type ORDER BY cases, victim_gender, victim_age_band)
), opts AS (
    SELECT DISTINCT quarter, source, incident_type, 0 AS j, m, s, shown FROM flagged
    UNION ALL SELECT quarter, source, incident_type, r, m + r, s + cum, shown - r FROM ranked
), pick AS (
    SELECT quarter, source, incident_type, min(j) AS j FROM opts
    WHERE m = 0 OR shown = 0 OR (m >= 2 AND s <> m AND s <> m * ({k} - 1)) GROUP BY ALL
), final AS (
    SELECT f.*, f.small OR coalesce(r.r <= p.j, false) AS hidden
    FROM flagged f JOIN pick p USING (quarter, source, incident_type)
    LEFT JOIN ranked r USING (quarter, source, incident_type, victim_gender, victim_age_band)
)
SELECT quarter, source, incident_type, victim_gender, victim_age_band,
       CASE WHEN hidden THEN NULL ELSE cases END AS cases,
       CASE WHEN NOT hidden THEN 100.0 * cases / group_cases END AS share_pct,
       hidden AS suppressed
FROM final;
"""


def _files(paths: list[Path]) -> str:
    return "[" + ", ".join(f"'{p}'" for p in paths) + "]" if paths else "[]"


def _starts_with_bom(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(3) == b"\xef\xbb\xbf"


def _childfocus_utf8(paths: list[Path], scratch: Path) -> list[Path]:
    """UTF-8 copies of the BOM-less cp1252 exports (same file names: the export date is in them)."""
    out = []
    for path in paths:
        if _starts_with_bom(path):
            out.append(path)
            continue
        target = scratch / path.name
        with path.open(encoding="cp1252", newline="") as src, target.open("w", encoding="utf-8", newline="") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        out.append(target)
    return out


def compute_marts(landing: Path, k: int = 5) -> dict[str, pd.DataFrame]:
    """Both helpline marts from the landing files, in one DuckDB session."""
    with tempfile.TemporaryDirectory() as scratch:
        script = SCRIPT.format(
            seeds=SEEDS,
            k=int(k),
            cf_files=_files(_childfocus_utf8(sorted(landing.glob("childfocus_cases_*.csv")), Path(scratch))),
            ig_files=_files(sorted(landing.glob("igvm_reports_*.jsonl"))),
            td_files=_files(sorted(landing.glob("takedown_requests_*.csv"))),
        )
        conn = duckdb.connect()
        try:
            conn.execute(script)
            return {
                mart: conn.execute(f"SELECT * FROM {mart}").df()
                for mart in ("platform_monthly", "victim_demographics_quarterly")
            }
        finally:
            conn.close()
