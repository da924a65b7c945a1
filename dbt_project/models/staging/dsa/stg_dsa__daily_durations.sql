-- The dsa duration histograms (whole seconds) with the platform through the platform taxonomy.
select
    durations.load_id,
    durations.dump_date,
    durations.month,
    case when {{ platform_name('durations.platform_name') }} = '' then 'unknown'
         else coalesce(aliases.platform, 'other') end as platform,
    durations.harm_group,
    durations.source_type,
    durations.measure,
    durations.seconds,
    durations.statements
from {{ source('raw', 'dsa_daily_durations') }} as durations
left join {{ ref('platform_aliases') }} as aliases on aliases.alias = {{ platform_name('durations.platform_name') }}
