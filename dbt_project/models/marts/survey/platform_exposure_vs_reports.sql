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

-- The yearly count of a platform is the sum of its monthly cells in platform_monthly, so the year
-- less the published months gives the suppressed months: when that would pin them down (one small
-- cell, or small cells whose sum forces each value), the yearly count is suppressed too.
monthly_case_cells as (
    select opened_year as year, platform, opened_month, source, incident_type, count(*) as cases
    from {{ ref('int_case_platforms') }}
    group by all
),

case_side as (
    select year, platform, sum(cases)::bigint as cases,
           {{ pins_down_small_cells('cases') }} as cases_reveal_months
    from monthly_case_cells
    group by all
),

monthly_request_cells as (
    select submitted_year as year, platform, submitted_month, case_source, case_incident_type, count(*) as requests
    from {{ ref('int_takedown_requests') }}
    group by all
),

request_reveal as (
    select year, platform, {{ pins_down_small_cells('requests') }} as requests_reveal_months
    from monthly_request_cells
    group by all
),

year_totals as (
    select opened_year as year, count(*) as total_cases
    from {{ ref('int_cases') }}
    group by all
),

request_side as (
    select submitted_year as year, platform,
           {{ takedown_counts() }}
    from {{ ref('int_takedown_requests') }}
    group by all
),

grid as (
    select years.year, platforms.platform
    from (select year from year_totals union select year from request_side) as years
    cross join (select platform from case_side union select platform from request_side union select platform from exposure) as platforms
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
           coalesce(case_side.cases_reveal_months, false) as cases_reveal_months,
           coalesce(request_reveal.requests_reveal_months, false) as requests_reveal_months,
           year_totals.total_cases,
           coalesce(request_side.requests, 0) as requests,
           coalesce(request_side.removed, 0) as removed,
           coalesce(request_side.final_requests, 0) as final_requests,
           request_side.median_hours
    from with_wave
    left join case_side using (year, platform)
    left join year_totals using (year)
    left join request_side using (year, platform)
    left join request_reveal using (year, platform)
)

select
    year,
    platform,
    wave as survey_wave,
    weighted_pct as exposure_pct,
    ci_low_pct as exposure_ci_low_pct,
    ci_high_pct as exposure_ci_high_pct,
    case when {{ is_small('cases') }} or cases_reveal_months then null else cases end as helpline_cases,
    case when not ({{ is_small('cases') }} or cases_reveal_months) and total_cases > 0
         then 100.0 * cases / total_cases end as case_share_pct,
    case when {{ is_small('requests') }} or requests_reveal_months then null else requests end as takedown_requests,
    {{ removal_rate('removed', 'final_requests') }} as removal_rate,
    {{ median_hours_to_removal('median_hours', 'removed') }} as median_hours_to_removal,
    ({{ is_small('cases') }} or {{ is_small('requests') }} or {{ is_small('removed') }}
     or cases_reveal_months or requests_reveal_months) as suppressed
from joined
where cases > 0 or requests > 0 or weighted_pct is not null
