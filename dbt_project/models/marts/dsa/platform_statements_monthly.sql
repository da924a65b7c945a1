-- Month (of application_date) x platform x harm_group x source_type: the platforms' own statements of
-- reasons for Belgium (the dsa source). harm_group and source_type have the member `all`; a statement in
-- no harm group counts only in harm_group `all`. Public data that names no person: nothing is suppressed.
with counts as (
    {{ dsa_with_all_members(ref('stg_dsa__daily_counts')) }}
),

durations as (
    {{ dsa_with_all_members(ref('stg_dsa__daily_durations')) }}
),

totals as (
    select month, platform, harm_group, source_type,
           sum(statements)::bigint as statements,
           sum(automated_detections)::bigint as automated_detections,
           sum(fully_automated_decisions)::bigint as fully_automated_decisions,
           sum(content_removed)::bigint as content_removed
    from counts
    group by all
),

medians as (
    {{ dsa_histogram_median_days('durations', ['month', 'platform', 'harm_group', 'source_type', 'measure']) }}
)

select
    totals.month,
    totals.platform,
    totals.harm_group,
    totals.source_type,
    totals.statements,
    totals.automated_detections,
    totals.fully_automated_decisions,
    totals.content_removed,
    decision.median_days as median_days_to_decision,
    database.median_days as median_days_to_database
from totals
left join medians as decision
    on decision.measure = 'decision' and decision.month = totals.month and decision.platform = totals.platform
   and decision.harm_group = totals.harm_group and decision.source_type = totals.source_type
left join medians as database
    on database.measure = 'database' and database.month = totals.month and database.platform = totals.platform
   and database.harm_group = totals.harm_group and database.source_type = totals.source_type
