-- Weighted prevalence per wave x indicator x breakdown x group, with its 95% Wilson interval on
-- Kish's effective sample size. Bases under 30 respondents are suppressed, under 50 flagged.
with breakdowns as (
    select wave, indicator, base, weight, is_yes, in_base, 'total' as breakdown, 'total' as group_value
    from {{ ref('int_survey_indicator_answers') }}
    union all
    select wave, indicator, base, weight, is_yes, in_base, 'gender', gender from {{ ref('int_survey_indicator_answers') }}
    union all
    select wave, indicator, base, weight, is_yes, in_base, 'age_band', age_band from {{ ref('int_survey_indicator_answers') }}
    union all
    select wave, indicator, base, weight, is_yes, in_base, 'region', region from {{ ref('int_survey_indicator_answers') }}
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
           {{ kish_n_eff('sum_w', 'sum_w2') }} as n_eff
    from sums
)

select
    wave,
    indicator,
    breakdown,
    group_value,
    base,
    {{ suppress('n_base') }} as n_base,
    case when n_base >= {{ survey_min_base() }} then 100.0 * p end as weighted_pct,
    case when n_base >= {{ survey_min_base() }} then greatest({{ wilson_pct('p', 'n_eff', -1) }}, 0) end as ci_low_pct,
    case when n_base >= {{ survey_min_base() }} then least({{ wilson_pct('p', 'n_eff', 1) }}, 100) end as ci_high_pct,
    n_base < {{ survey_reliable_base() }} as low_reliability,
    n_base < {{ survey_min_base() }} as suppressed
from estimates
