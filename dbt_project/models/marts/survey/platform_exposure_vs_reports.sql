-- Year x platform: how many young people came across deepnudes on the platform (the latest survey
-- wave up to that year) beside what the helplines saw there (cases opened, their share of all cases
-- of the year, takedown requests, removal rate, median hours to removal).
with exposure as (
    select wave,
           try_cast(left(wave, 4) as integer) as wave_year,
           replace(indicator, 'came_across_via_', '') as platform,
           weighted_pct, ci_low_pct, ci_high_pct
    from {{ ref('survey_prevalence') }}
    where indicator like 'came\_across\_via\_%' escape '\' and breakdown = 'total'
),

-- The year's figures of a platform are its months in platform_monthly (both sources, all incident types), and
-- they are NULL where int_suppressed_cells says so: a yearly count would otherwise give back suppressed months
-- (the year less the published months), and the year's case total is the denominator of case_share_pct.
-- A yearly removal rate is published only when every month's removed and final counts behind it are.
monthly as (
    select year(month)::integer as year, platform, cases, takedown_requests, takedowns_removed, final_requests
    from {{ ref('int_platform_monthly_cells') }}
    where source = 'all' and incident_type = 'all'
),

case_side as (
    select year, platform, sum(cases)::bigint as cases
    from monthly
    where platform <> 'all'
    group by all
),

year_totals as (
    select year, sum(cases)::bigint as total_cases
    from monthly
    where platform = 'all'
    group by all
),

request_side as (
    select submitted_year as year, platform,
           {{ takedown_counts() }}
    from {{ ref('int_takedown_requests') }}
    group by all
),

hidden as (
    select year(period::date)::integer as year, platform,
           bool_or(measure = 'helpline_cases') as cases_hidden,
           bool_or(measure = 'takedown_requests') as requests_hidden,
           bool_or(measure = 'removal_rate') as rate_hidden
    from {{ ref('int_suppressed_cells') }}
    where mart = 'platform_exposure_vs_reports'
    group by all
),

grid as (
    select years.year, platforms.platform
    from (select year from year_totals union select year from request_side) as years
    cross join (
        select platform from case_side union select platform from request_side union select platform from exposure
    ) as platforms
),

with_wave as (
    select grid.year, grid.platform, exposure.wave, exposure.weighted_pct, exposure.ci_low_pct, exposure.ci_high_pct
    from grid
    left join exposure on exposure.platform = grid.platform and exposure.wave_year <= grid.year
    qualify row_number() over (partition by grid.year, grid.platform order by exposure.wave_year desc nulls last) = 1
),

joined as (
    select with_wave.*,
           coalesce(case_side.cases, 0) as cases,
           coalesce(hidden.cases_hidden, false) as cases_hidden,
           coalesce(hidden.requests_hidden, false) as requests_hidden,
           coalesce(hidden.rate_hidden, false) as rate_hidden,
           coalesce(total_hidden.cases_hidden, false) as total_hidden,
           year_totals.total_cases,
           coalesce(request_side.requests, 0) as requests,
           coalesce(request_side.removed, 0) as removed,
           coalesce(request_side.final_requests, 0) as final_requests,
           request_side.median_hours
    from with_wave
    left join case_side using (year, platform)
    left join year_totals using (year)
    left join request_side using (year, platform)
    left join hidden using (year, platform)
    left join hidden as total_hidden on total_hidden.year = with_wave.year and total_hidden.platform = 'all'
)

select
    year,
    platform,
    wave as survey_wave,
    weighted_pct as exposure_pct,
    ci_low_pct as exposure_ci_low_pct,
    ci_high_pct as exposure_ci_high_pct,
    case when not cases_hidden then cases end as helpline_cases,
    case when not (cases_hidden or total_hidden) and total_cases > 0 then 100.0 * cases / total_cases end
        as case_share_pct,
    case when not requests_hidden then requests end as takedown_requests,
    case when not rate_hidden and final_requests >= {{ suppression_k() }} then removed::double / final_requests end
        as removal_rate,
    case when not rate_hidden and removed >= {{ suppression_k() }} then median_hours end as median_hours_to_removal,
    (cases_hidden or requests_hidden) as suppressed
from joined
where cases > 0 or requests > 0 or weighted_pct is not null
