-- One row per case, both helpline sources: the latest export that contains a case wins
-- (exports are cumulative snapshots), values mapped to the contract's canonical vocabularies.
-- Incremental (macros/incremental.sql): a run recomputes only the cases that appear in a load newer
-- than the newest `loaded_at` held here, from every raw row of those cases, and replaces their rows.
{{ config(unique_key='case_key') }}

with loads as (
    select load_id, loaded_at from {{ ref('stg_ingestion__loads') }}
),

ages as (
    -- one row per whole age in each band: an equality join, faster than a range join at millions of cases
    select unnest(range(min_age, max_age + 1)) as age, age_band from {{ ref('age_bands') }}
),

{% if is_incremental() %}
new_loads as (
    select load_id from loads
    where loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
),

changed_cases as (
    select case_key from {{ ref('stg_childfocus__cases') }} where load_id in (select load_id from new_loads)
    union
    select case_key from {{ ref('stg_igvm__reports') }} where load_id in (select load_id from new_loads)
),

{% endif %}
childfocus as (
    select
        case_key,
        'childfocus' as source,
        load_id,
        export_date,
        row_number,
        opened_at_local,
        closed_at_local is null as is_open,
        {{ canonical('childfocus', 'kanaal', 'channel_code') }} as channel,
        victim_age,
        {{ canonical('childfocus', 'geslacht_slachtoffer', 'victim_gender_code') }} as victim_gender,
        {{ canonical('childfocus', 'provincie', 'province_code') }} as region,
        {{ canonical('childfocus', 'type_feiten', 'incident_type_code') }} as incident_type,
        {{ canonical('childfocus', 'ai_gegenereerd', 'ai_generated_code') }} as ai_generated_value,
        {{ canonical('childfocus', 'relatie_dader', 'offender_code') }} as offender_relation,
        platform_names
    from {{ ref('stg_childfocus__cases') }}
    {% if is_incremental() %}where case_key in (select case_key from changed_cases){% endif %}
),

igvm as (
    select
        case_key,
        'igvm' as source,
        load_id,
        export_date,
        row_number,
        opened_at_local,
        {{ canonical('igvm', 'status', 'status_code') }} = 'open' as is_open,
        {{ canonical('igvm', 'channel', 'channel_code') }} as channel,
        victim_age,
        {{ canonical('igvm', 'victim_gender', 'victim_gender_code') }} as victim_gender,
        {{ canonical('igvm', 'victim_region', 'region_code') }} as region,
        {{ canonical('igvm', 'incident_type', 'incident_type_code') }} as incident_type,
        coalesce(ai_generated::varchar, 'unknown') as ai_generated_value,
        {{ canonical('igvm', 'incident_offender', 'offender_code') }} as offender_relation,
        platform_names
    from {{ ref('stg_igvm__reports') }}
    {% if is_incremental() %}where case_key in (select case_key from changed_cases){% endif %}
),

latest as (
    select * from (select * from childfocus union all select * from igvm) as versions
    qualify row_number() over (partition by case_key order by export_date desc, row_number asc) = 1
)

select
    latest.case_key,
    latest.source,
    latest.export_date,
    latest.opened_at_local,
    date_trunc('month', latest.opened_at_local)::date as opened_month,
    date_trunc('quarter', latest.opened_at_local)::date as opened_quarter,
    year(latest.opened_at_local)::integer as opened_year,
    latest.channel,
    latest.victim_age,
    coalesce(bands.age_band, 'unknown') as victim_age_band,
    latest.victim_gender,
    latest.region,
    latest.incident_type,
    try_cast(nullif(latest.ai_generated_value, 'unknown') as boolean) as ai_generated,
    latest.offender_relation,
    latest.is_open,
    latest.platform_names,
    loads.loaded_at,
    {{ built_at() }} as built_at
from latest
join loads using (load_id)
left join ages as bands on latest.victim_age = bands.age
