-- Month x platform: the helplines' takedown requests (all sources, as in platform_monthly: by submission month,
-- under their own platform) beside the platform's own trusted-flagger statements for Belgium in the scorecard
-- harm groups (seeds/dsa_harm_groups.csv: csam, intimate_deepfake, intimate_image_abuse).
-- Helpline columns are suppressed like every helpline count; the dsa columns are public and are not.
with scorecard_groups as (
    select distinct harm_group from {{ ref('dsa_harm_groups') }} where scorecard
),

-- the helpline side is platform_monthly's own published row for the platform over every source and incident
-- type (source = incident_type = 'all'), suppressed there with its linked cells: repeating published values
-- here tells a reader nothing new, so this mart needs no suppression of its own
helpline as (
    select month, platform, takedown_requests, removal_rate, median_hours_to_removal, suppressed
    from {{ ref('platform_monthly') }}
    where source = 'all' and incident_type = 'all' and platform <> 'all'
),

helpline_months as (
    -- months platform_monthly covers: there, a platform without a row had no request
    select distinct month from {{ ref('platform_monthly') }}
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
           -- no row there is 0 requests; a row with a NULL (suppressed) count stays NULL, never 0
           case when helpline_months.month is not null
                then case when helpline.platform is null then 0 else helpline.takedown_requests end end
               as takedown_requests,
           helpline.removal_rate,
           helpline.median_hours_to_removal,
           coalesce(helpline.suppressed, false) as suppressed,
           case when dsa_months.month is not null then coalesce(tf_counts.tf_statements, 0) end as tf_statements,
           tf_counts.tf_automated,
           tf_medians.median_days as median_days_to_database
    from helpline
    full outer join tf_counts using (month, platform)
    left join tf_medians using (month, platform)
    left join dsa_months using (month)
    left join helpline_months using (month)
)

select
    month,
    platform,
    takedown_requests,
    removal_rate,
    median_hours_to_removal,
    tf_statements,
    case when tf_statements > 0 then 100.0 * tf_automated / tf_statements end as tf_automated_share_pct,
    median_days_to_database,
    -- a suppressed (NULL) or zero request count is never a divisor: the ratio would give it back
    case when takedown_requests > 0 then tf_statements::double / takedown_requests end as statements_per_request,
    suppressed
from joined
