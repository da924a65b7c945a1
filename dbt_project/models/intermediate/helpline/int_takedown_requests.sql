-- One row per takedown request (the latest export wins), under its own platform and its case's
-- source and incident type; `unknown` while its case is in no export yet.
with latest as (
    select * from {{ ref('stg_takedown__requests') }}
    qualify row_number() over (partition by request_id order by export_date desc, row_number) = 1
),

outcomes as (
    select latest.*, {{ canonical('takedown', 'outcome', 'outcome_code') }} as outcome,
           {{ platform_name('platform_text') }} as platform_name
    from latest
)

select
    outcomes.request_id,
    outcomes.case_key,
    case when outcomes.platform_name = '' then 'unknown' else coalesce(aliases.platform, 'other') end as platform,
    outcomes.platform_name,
    outcomes.platform_name = '' or aliases.platform is not null as is_mapped,
    {{ canonical('takedown', 'content_type', 'content_type_code') }} as content_type,
    outcomes.submitted_at,
    date_trunc('month', outcomes.submitted_at_local)::date as submitted_month,
    year(outcomes.submitted_at_local)::integer as submitted_year,
    outcomes.resolved_at,
    outcomes.outcome,
    outcomes.outcome in ('removed', 'geo_blocked', 'rejected', 'no_response') as is_final,
    outcomes.outcome = 'removed' as is_removed,
    case when outcomes.outcome = 'removed'
         then epoch(outcomes.resolved_at - outcomes.submitted_at) / 3600.0 end as hours_to_removal,
    coalesce(cases.source, 'unknown') as case_source,
    coalesce(cases.incident_type, 'unknown') as case_incident_type
from outcomes
left join {{ ref('platform_aliases') }} as aliases on aliases.alias = outcomes.platform_name
left join {{ ref('int_cases') }} as cases using (case_key)
