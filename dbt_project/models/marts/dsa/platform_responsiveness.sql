-- Month x platform: the helplines' takedown requests (all sources, as in platform_monthly: by submission month,
-- under their own platform) beside the platform's own trusted-flagger statements for Belgium in the scorecard
-- harm groups (seeds/dsa_harm_groups.csv: csam, intimate_deepfake, intimate_image_abuse).
-- Helpline columns are suppressed like every helpline count; the dsa columns are public and are not.
with scorecard_groups as (
    select distinct harm_group from {{ ref('dsa_harm_groups') }} where scorecard
),

requests as (
    select submitted_month as month, platform, {{ takedown_counts() }}
    from {{ ref('int_takedown_requests') }}
    group by all
),

-- platform_monthly publishes these requests split by source x incident_type: a total here that, less the
-- cells published there, would pin down a suppressed cell is suppressed too (the same rule as its totals)
request_cells as (
    select submitted_month as month, platform, case_source, case_incident_type,
           count(*) as requests, count(*) filter (where is_removed) as removed
    from {{ ref('int_takedown_requests') }}
    group by all
),

pinned as (
    select month, platform,
           {{ pins_down_small_cells('requests') }} as requests_pinned,
           {{ pins_down_small_cells('removed') }} as removed_pinned
    from request_cells
    group by all
),

tf_counts as (
    select month, platform,
           sum(statements)::bigint as tf_statements,
           sum(automated_detections)::bigint as tf_automated
    from {{ ref('stg_dsa__daily_counts') }}
    where source_type = 'trusted_flagger' and harm_group in (select harm_group from scorecard_groups)
    group by all
),

tf_durations as (
    select month, platform, seconds, statements
    from {{ ref('stg_dsa__daily_durations') }}
    where measure = 'database' and source_type = 'trusted_flagger'
      and harm_group in (select harm_group from scorecard_groups)
),

tf_medians as (
    {{ dsa_histogram_median_days('tf_durations', ['month', 'platform']) }}
),

dsa_months as (
    -- months some loaded dump has Belgian statements for: there, no trusted-flagger statement means 0
    select distinct month from {{ ref('stg_dsa__daily_counts') }}
),

joined as (
    select month, platform,
           coalesce(requests.requests, 0) as takedown_requests,
           coalesce(requests.removed, 0) as takedowns_removed,
           coalesce(requests.final_requests, 0) as final_requests,
           requests.median_hours,
           case when dsa_months.month is not null then coalesce(tf_counts.tf_statements, 0) end as tf_statements,
           tf_counts.tf_automated,
           tf_medians.median_days as median_days_to_database,
           coalesce(pinned.requests_pinned, false) as requests_pinned,
           coalesce(pinned.removed_pinned, false) as removed_pinned
    from requests
    left join pinned using (month, platform)
    full outer join tf_counts using (month, platform)
    left join tf_medians using (month, platform)
    left join dsa_months using (month)
)

select
    month,
    platform,
    case when not requests_pinned then {{ suppress('takedown_requests') }} end as takedown_requests,
    case when not removed_pinned then {{ removal_rate('takedowns_removed', 'final_requests') }} end as removal_rate,
    {{ median_hours_to_removal('median_hours', 'takedowns_removed') }} as median_hours_to_removal,
    tf_statements,
    case when tf_statements > 0 then 100.0 * tf_automated / tf_statements end as tf_automated_share_pct,
    median_days_to_database,
    -- a suppressed (or zero) request count is never a divisor: the ratio would give it back
    case when takedown_requests >= {{ suppression_k() }} and not requests_pinned
         then tf_statements::double / takedown_requests end as statements_per_request,
    ({{ is_small('takedown_requests') }} or {{ is_small('takedowns_removed') }} or requests_pinned or removed_pinned)
        as suppressed
from joined
