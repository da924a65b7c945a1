-- Quarter x source x incident type x victim gender x age band, with the `all` member of each (sums), and each
-- row's share of its quarter x source x incident type (the row with gender and age band `all`).
-- Values are NULL where int_suppressed_cells says so (small counts and the cells that protect them, also against
-- the months of platform_monthly); a share is published only beside its count and its published total.
with hidden as (
    select period::date as quarter, source, incident_type, victim_gender, victim_age_band, true as is_hidden
    from {{ ref('int_suppressed_cells') }}
    where mart = 'victim_demographics_quarterly' and measure = 'cases'
),

cells as (
    select cells.*, coalesce(hidden.is_hidden, false) as is_hidden
    from {{ ref('int_victim_demographics_cells') }} as cells
    left join hidden using (quarter, source, incident_type, victim_gender, victim_age_band)
),

with_total as (
    select cells.*, totals.cases as group_cases, totals.is_hidden as group_hidden
    from cells
    join cells as totals
      on totals.quarter = cells.quarter and totals.source = cells.source
     and totals.incident_type = cells.incident_type
     and totals.victim_gender = 'all' and totals.victim_age_band = 'all'
)

select
    quarter,
    source,
    incident_type,
    victim_gender,
    victim_age_band,
    case when not is_hidden then cases end as cases,
    case when not (is_hidden or group_hidden) then 100.0 * cases / group_cases end as share_pct,
    is_hidden as suppressed
from with_total
