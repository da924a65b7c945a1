-- Quarter x source x incident type x victim gender x age band: cases by opening quarter and
-- their share of the quarter x source x incident type group.
--
-- Suppression. Counts from 1 to k-1 are suppressed (primary). A published share and its count
-- give the group total, and the total less the published counts gives the sum S of the m
-- suppressed cells. One suppressed cell (m = 1) is then recovered exactly, and so is every cell
-- when S = m (all 1) or S = m * (k-1) (all k-1). In such a group the smallest published cells
-- are suppressed too (complementary suppression), one by one, until m >= 2 and S is neither
-- bound, or nothing is left published in the group.
with cells as (
    select opened_quarter as quarter, source, incident_type, victim_gender, victim_age_band,
           count(*) as cases
    from {{ ref('int_cases') }}
    group by all
),

flagged as (
    select *,
           {{ is_small('cases') }} as is_primary,
           sum(cases) over grp as group_cases,
           count(*) filter (where {{ is_small('cases') }}) over grp as primary_cells,
           coalesce(sum(cases) filter (where {{ is_small('cases') }}) over grp, 0) as primary_sum,
           count(*) filter (where not {{ is_small('cases') }}) over grp as published_cells
    from cells
    window grp as (partition by quarter, source, incident_type)
),

candidates as (
    -- published cells in the order they would be given up: smallest first, ties broken stably
    select *,
           row_number() over ordered as complement_rank,
           sum(cases) over (ordered rows between unbounded preceding and current row) as complement_sum
    from flagged
    where not is_primary
    window ordered as (partition by quarter, source, incident_type order by cases, victim_gender, victim_age_band)
),

options as (
    select distinct quarter, source, incident_type, 0 as extra, primary_cells as m, primary_sum as s, published_cells as left_published
    from flagged
    union all
    select quarter, source, incident_type, complement_rank, primary_cells + complement_rank,
           primary_sum + complement_sum, published_cells - complement_rank
    from candidates
),

chosen as (
    select quarter, source, incident_type, min(extra) as extra
    from options
    where m = 0 or left_published = 0 or (m >= 2 and s <> m and s <> m * ({{ suppression_k() }} - 1))
    group by all
),

final as (
    select flagged.*,
           flagged.is_primary or coalesce(candidates.complement_rank <= chosen.extra, false) as is_suppressed
    from flagged
    join chosen using (quarter, source, incident_type)
    left join candidates using (quarter, source, incident_type, victim_gender, victim_age_band)
)

select
    quarter,
    source,
    incident_type,
    victim_gender,
    victim_age_band,
    case when is_suppressed then null else cases end as cases,
    case when not is_suppressed then 100.0 * cases / group_cases end as share_pct,
    is_suppressed as suppressed
from final
