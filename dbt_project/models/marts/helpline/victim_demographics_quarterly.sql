-- Quarter x source x incident type x victim gender x age band: cases by opening quarter and
-- their share of the quarter x source x incident type group. A share and its count give the
-- group total, and the total less the published counts would give back a suppressed cell, so a
-- group with any suppressed cell publishes no shares at all (secondary suppression).
with cells as (
    select opened_quarter as quarter, source, incident_type, victim_gender, victim_age_band,
           count(*) as cases
    from {{ ref('int_cases') }}
    group by all
),

flagged as (
    select *,
           {{ is_small('cases') }} as is_suppressed,
           sum(cases) over grp as group_cases,
           bool_or({{ is_small('cases') }}) over grp as group_has_suppressed
    from cells
    window grp as (partition by quarter, source, incident_type)
)

select
    quarter,
    source,
    incident_type,
    victim_gender,
    victim_age_band,
    {{ suppress('cases') }} as cases,
    case when not group_has_suppressed then 100.0 * cases / group_cases end as share_pct,
    is_suppressed as suppressed
from flagged
