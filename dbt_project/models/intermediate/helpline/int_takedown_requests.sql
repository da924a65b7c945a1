-- One row per takedown request (the latest export wins), under its own platform and its case's
-- source and incident type; `unknown` while its case is in no export yet.
-- Incremental (macros/incremental.sql): a run redoes the requests that appear in a load newer than the
-- newest `loaded_at` held here, and the requests whose case int_cases changed since the newest
-- `case_loaded_at` held here (so a request moves under its case once the case arrives).
-- The platform name is held only as its hash and shape: it maps through raw.platform_alias_keys (the alias
-- seed hashed the same way by every run). depends_on: {{ ref('platform_aliases') }} (a changed seed rebuilds)
{{ config(unique_key='request_id') }}

with loads as (
    select load_id, loaded_at from {{ ref('stg_ingestion__loads') }}
),

{% if is_incremental() %}
changed_requests as (
    select request_id from {{ ref('stg_takedown__requests') }}
    where load_id in (
        select load_id from loads
        where loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
    )
    union
    select request_id from {{ this }}
    where case_key in (
        select case_key from {{ ref('int_cases') }}
        where loaded_at > (select coalesce(max(case_loaded_at), '-infinity'::timestamptz) from {{ this }})
    )
),

{% endif %}
latest as (
    select * from {{ ref('stg_takedown__requests') }}
    {% if is_incremental() %}where request_id in (select request_id from changed_requests){% endif %}
    qualify row_number() over (partition by request_id order by export_date desc, row_number asc) = 1
),

outcomes as (
    select latest.*, {{ canonical('takedown', 'outcome', 'outcome_code') }} as outcome
    from latest
)

select
    outcomes.request_id,
    outcomes.case_key,
    case when outcomes.platform_name is null then 'unknown' else coalesce(aliases.platform, 'other') end as platform,
    coalesce({{ platform_descriptor('outcomes.platform_name') }}, '') as platform_name,
    outcomes.platform_name is null or aliases.platform is not null as is_mapped,
    {{ canonical('takedown', 'content_type', 'content_type_code') }} as content_type,
    outcomes.submitted_at,
    date_trunc('month', outcomes.submitted_at_local)::date as submitted_month,
    year(outcomes.submitted_at_local)::integer as submitted_year,
    outcomes.resolved_at,
    outcomes.outcome,
    coalesce(meaning.is_final, false) as is_final,
    coalesce(meaning.is_removed, false) as is_removed,
    case when meaning.is_removed
         then epoch(outcomes.resolved_at - outcomes.submitted_at) / 3600.0 end as hours_to_removal,
    coalesce(cases.source, 'unknown') as case_source,
    coalesce(cases.incident_type, 'unknown') as case_incident_type,
    loads.loaded_at,
    cases.loaded_at as case_loaded_at,
    {{ built_at() }} as built_at
from outcomes
join loads using (load_id)
left join {{ source('raw', 'platform_alias_keys') }} as aliases on aliases.name_hash = outcomes.platform_name.name_hash
left join {{ ref('int_cases') }} as cases using (case_key)
-- what an outcome means (final, removed) is the outcome seed's, never a list here
left join {{ ref('takedown_outcomes') }} as meaning on meaning.outcome = outcomes.outcome
