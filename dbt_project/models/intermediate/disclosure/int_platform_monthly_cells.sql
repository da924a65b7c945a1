-- platform_monthly before suppression, with the `all` member of every dimension: cases by opening month (per
-- platform once per platform they mention; `platform = 'all'` once per case, from int_cases), takedown requests by
-- submission month under their own platform (one platform each, so every `all` member is a sum).
with case_platforms as (
    select opened_month as month,
           case when grouping(source) = 1 then 'all' else source end as source,
           platform,
           case when grouping(incident_type) = 1 then 'all' else incident_type end as incident_type,
           count(*) as cases,
           count(*) filter (where ai_generated) as ai_generated_cases
    from {{ ref('int_case_platforms') }}
    group by opened_month, platform, cube(source, incident_type)
),

case_totals as (
    select opened_month as month,
           case when grouping(source) = 1 then 'all' else source end as source,
           'all' as platform,
           case when grouping(incident_type) = 1 then 'all' else incident_type end as incident_type,
           count(*) as cases,
           count(*) filter (where ai_generated) as ai_generated_cases
    from {{ ref('int_cases') }}
    group by opened_month, cube(source, incident_type)
),

request_side as (
    select submitted_month as month,
           case when grouping(case_source) = 1 then 'all' else case_source end as source,
           case when grouping(platform) = 1 then 'all' else platform end as platform,
           case when grouping(case_incident_type) = 1 then 'all' else case_incident_type end as incident_type,
           {{ takedown_counts() }}
    from {{ ref('int_takedown_requests') }}
    group by submitted_month, cube(case_source, platform, case_incident_type)
)

select month, source, platform, incident_type,
       coalesce(cases, 0) as cases,
       coalesce(ai_generated_cases, 0) as ai_generated_cases,
       coalesce(requests, 0) as takedown_requests,
       coalesce(removed, 0) as takedowns_removed,
       coalesce(final_requests, 0) as final_requests,
       coalesce(removed_within_24h, 0) as removed_within_24h,
       coalesce(removed_within_48h, 0) as removed_within_48h,
       median_hours,
       p90_hours
from (select * from case_platforms union all select * from case_totals) as case_side
full outer join request_side using (month, source, platform, incident_type)
