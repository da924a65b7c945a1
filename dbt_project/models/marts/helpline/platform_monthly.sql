-- Month x source x platform x incident type: cases (by opening month, once per platform they
-- mention) beside takedown requests (by submission month, under their own platform).
-- Small counts are suppressed; a rate or median with a denominator under k is NULL.
with case_side as (
    select opened_month as month, source, platform, incident_type,
           count(*) as cases,
           count(*) filter (where ai_generated) as ai_generated_cases
    from {{ ref('int_case_platforms') }}
    group by all
),

request_side as (
    select submitted_month as month, case_source as source, platform, case_incident_type as incident_type,
           {{ takedown_counts() }}
    from {{ ref('int_takedown_requests') }}
    group by all
),

joined as (
    select month, source, platform, incident_type,
           coalesce(cases, 0) as cases,
           coalesce(ai_generated_cases, 0) as ai_generated_cases,
           coalesce(requests, 0) as takedown_requests,
           coalesce(removed, 0) as takedowns_removed,
           coalesce(final_requests, 0) as final_requests,
           median_hours
    from case_side
    full outer join request_side using (month, source, platform, incident_type)
)

select
    month,
    source,
    platform,
    incident_type,
    {{ suppress('cases') }} as cases,
    {{ suppress('ai_generated_cases') }} as ai_generated_cases,
    {{ suppress('takedown_requests') }} as takedown_requests,
    {{ suppress('takedowns_removed') }} as takedowns_removed,
    {{ removal_rate('takedowns_removed', 'final_requests') }} as removal_rate,
    {{ median_hours_to_removal('median_hours', 'takedowns_removed') }} as median_hours_to_removal,
    ({{ is_small('cases') }} or {{ is_small('ai_generated_cases') }}
     or {{ is_small('takedown_requests') }} or {{ is_small('takedowns_removed') }}) as suppressed
from joined
