-- Month x source x platform x incident type, with the `all` member of each: cases (by opening month, once per
-- platform they mention; `platform = 'all'` once per case) beside takedown requests (by submission month, under
-- their own platform). Values are NULL where int_suppressed_cells says so (small counts, complements, and the
-- cells that protect them across the linked marts); rates, medians and flags follow from the published counts.
with hidden as (
    select period::date as month, source, platform, incident_type,
           bool_or(measure = 'cases') as cases_hidden,
           bool_or(measure = 'ai_generated_cases') as ai_hidden,
           bool_or(measure = 'takedown_requests') as requests_hidden,
           bool_or(measure = 'takedowns_removed') as removed_hidden,
           bool_or(measure = 'final_requests') as final_hidden,
           bool_or(measure = 'removed_within_24h') as within_24h_hidden,
           bool_or(measure = 'removed_within_48h') as within_48h_hidden
    from {{ ref('int_suppressed_cells') }}
    where mart = 'platform_monthly'
    group by all
),

cells as (
    select cells.*,
           coalesce(hidden.cases_hidden, false) as cases_hidden,
           coalesce(hidden.ai_hidden, false) as ai_hidden,
           coalesce(hidden.requests_hidden, false) as requests_hidden,
           coalesce(hidden.removed_hidden, false) as removed_hidden,
           coalesce(hidden.final_hidden, false) as final_hidden,
           coalesce(hidden.within_24h_hidden, false) as within_24h_hidden,
           coalesce(hidden.within_48h_hidden, false) as within_48h_hidden
    from {{ ref('int_platform_monthly_cells') }} as cells
    left join hidden using (month, source, platform, incident_type)
)

select
    month,
    source,
    platform,
    incident_type,
    case when not cases_hidden then cases end as cases,
    case when not ai_hidden then ai_generated_cases end as ai_generated_cases,
    case when not requests_hidden then takedown_requests end as takedown_requests,
    case when not removed_hidden then takedowns_removed end as takedowns_removed,
    case when not (removed_hidden or final_hidden) and final_requests >= {{ suppression_k() }}
         then takedowns_removed::double / final_requests end as removal_rate,
    {%- for hours in (24, 48) %}
    case when source = 'all' and incident_type = 'all'
              and not (removed_hidden or final_hidden or within_{{ hours }}h_hidden)
              and final_requests >= {{ suppression_k() }}
         then removed_within_{{ hours }}h::double / final_requests end as removed_within_{{ hours }}h_rate,
    {%- endfor %}
    case when not removed_hidden and takedowns_removed >= {{ suppression_k() }} then median_hours end
        as median_hours_to_removal,
    case when not removed_hidden and takedowns_removed >= {{ suppression_k() }} then p90_hours end
        as p90_hours_to_removal,
    (cases_hidden or ai_hidden or requests_hidden or removed_hidden) as suppressed
from cells
