-- The dsa daily aggregate with the platform through the platform taxonomy (the helplines' alias seed):
-- `TikTok` is `tiktok`, a name the seed does not know is `other`, an empty one `unknown`.
select
    counts.load_id,
    counts.dump_date,
    counts.month,
    case when {{ platform_name('counts.platform_name') }} = '' then 'unknown'
         else coalesce(aliases.platform, 'other') end as platform,
    counts.harm_group,
    counts.source_type,
    counts.statements,
    counts.automated_detections,
    counts.fully_automated_decisions,
    counts.content_removed
from {{ source('raw', 'dsa_daily_counts') }} as counts
left join {{ ref('platform_aliases') }} as aliases on aliases.alias = {{ platform_name('counts.platform_name') }}
