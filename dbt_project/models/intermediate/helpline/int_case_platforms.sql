-- One row per case and canonical platform it mentions. Names are matched to the alias seed after
-- lower-casing, trimming and collapsing white space; an unknown name counts as `other`, a case
-- naming no platform as `unknown`. `IG, Insta` is one platform, counted once.
-- Incremental (macros/incremental.sql): a run redoes only the cases int_cases changed since the newest
-- `loaded_at` held here, and replaces all their rows (a platform dropped from a case disappears).
{{ config(unique_key='case_key') }}

with cases as (
    select * from {{ ref('int_cases') }}
    {% if is_incremental() %}
    where loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
    {% endif %}
),

names as (
    select case_key, {{ platform_name('name') }} as platform_name
    from (select case_key, unnest(platform_names) as name from cases)
),

mapped as (
    select
        names.case_key,
        coalesce(aliases.platform, 'other') as platform,
        names.platform_name,
        aliases.platform is not null as is_mapped
    from names
    left join {{ ref('platform_aliases') }} as aliases on aliases.alias = names.platform_name
    where names.platform_name <> ''
),

per_platform as (
    select case_key, platform, min(platform_name) as platform_name, list(distinct platform_name order by platform_name) as platform_names,
           bool_and(is_mapped) as is_mapped
    from mapped
    group by case_key, platform
)

select
    cases.case_key,
    cases.source,
    cases.opened_month,
    cases.opened_quarter,
    cases.opened_year,
    cases.incident_type,
    cases.ai_generated,
    coalesce(per_platform.platform, 'unknown') as platform,
    coalesce(per_platform.platform_name, '') as platform_name,
    coalesce(per_platform.platform_names, []::varchar[]) as platform_names,
    coalesce(per_platform.is_mapped, true) as is_mapped,
    cases.loaded_at
from cases
left join per_platform using (case_key)
