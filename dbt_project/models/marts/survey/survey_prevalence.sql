-- Weighted prevalence per wave x indicator x breakdown x group, with its 95% Wilson interval on
-- Kish's effective sample size. Bases under 30 respondents are suppressed, under 50 flagged.
-- n_base from 1 to k-1 is NULL; the groups of a breakdown add up to the published total, so where a reader
-- could work a NULL n_base out (one NULL group, or NULL groups adding up to less than k-1) the smallest other
-- groups' n_base is NULL too, until at least two are and they add up to k-1 or more (complementary
-- suppression). A group's flags tell a reader its base is at least 30 (not suppressed) or 50 (reliable), so
-- only what lies above that floor counts towards k-1.
with breakdowns as (
    select wave, indicator, base, weight, is_yes, in_base, 'total' as breakdown, 'total' as group_value
    from {{ ref('int_survey_indicator_answers') }}
    union all
    select wave, indicator, base, weight, is_yes, in_base, 'gender' as breakdown, gender as group_value
    from {{ ref('int_survey_indicator_answers') }}
    union all
    select wave, indicator, base, weight, is_yes, in_base, 'age_band' as breakdown, age_band as group_value
    from {{ ref('int_survey_indicator_answers') }}
    union all
    select wave, indicator, base, weight, is_yes, in_base, 'region' as breakdown, region as group_value
    from {{ ref('int_survey_indicator_answers') }}
),

sums as (
    select wave, indicator, breakdown, group_value, base,
           count(*) as n_base,
           sum(weight) as sum_w,
           sum(weight * weight) as sum_w2,
           sum(weight) filter (where is_yes) as sum_wy
    from breakdowns
    where in_base
    group by all
),

estimates as (
    select *,
           coalesce(sum_wy, 0) / sum_w as p,
           {{ kish_n_eff('sum_w', 'sum_w2') }} as n_eff,
           {{ is_small('n_base') }} as is_primary
    from sums
),

flagged as (
    select *,
           count(*) filter (where is_primary) over grp as primary_groups,
           coalesce(sum(n_base) filter (where is_primary) over grp, 0) as primary_sum
    from estimates
    window grp as (partition by wave, indicator, breakdown)
),

complements as (
    -- the published groups in the order they would be given up: smallest first
    select wave, indicator, breakdown, group_value,
           row_number() over ordered as complement_rank,
           sum(n_base - case when n_base >= {{ survey_reliable_base() }} then {{ survey_reliable_base() }}
                             when n_base >= {{ survey_min_base() }} then {{ survey_min_base() }} else 0 end)
               over (ordered rows between unbounded preceding and current row) as complement_sum
    from flagged
    where not is_primary and breakdown <> 'total'
    window ordered as (partition by wave, indicator, breakdown order by n_base, group_value)
),

chosen as (
    select wave, indicator, breakdown, min(extra) as extra
    from (
        select distinct wave, indicator, breakdown, 0 as extra, primary_groups as m, primary_sum as s from flagged
        union all
        select complements.wave, complements.indicator, complements.breakdown, complement_rank as extra,
               primary_groups + complement_rank as m, primary_sum + complement_sum as s
        from complements
        join (select distinct wave, indicator, breakdown, primary_groups, primary_sum from flagged) as groups
          using (wave, indicator, breakdown)
    ) as candidates
    where m = 0 or (m >= 2 and s >= {{ suppression_k() }} - 1)
    group by all
),

protected as (
    select flagged.*,
           flagged.is_primary
           or coalesce(complements.complement_rank <= coalesce(chosen.extra, complements.complement_rank), false)
           as n_base_hidden
    from flagged
    left join chosen using (wave, indicator, breakdown)
    left join complements using (wave, indicator, breakdown, group_value)
)

select
    wave,
    indicator,
    breakdown,
    group_value,
    base,
    case when not n_base_hidden then n_base end as n_base,
    case when n_base >= {{ survey_min_base() }} then 100.0 * p end as weighted_pct,
    case when n_base >= {{ survey_min_base() }} then greatest({{ wilson_pct('p', 'n_eff', -1) }}, 0) end as ci_low_pct,
    case when n_base >= {{ survey_min_base() }} then least({{ wilson_pct('p', 'n_eff', 1) }}, 100) end as ci_high_pct,
    n_base < {{ survey_reliable_base() }} as low_reliability,
    n_base < {{ survey_min_base() }} as suppressed
from protected
