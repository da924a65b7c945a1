-- One row per case and canonical platform it mentions. Ingestion normalised each name (lower case, white
-- space collapsed) and kept only its keyed hash and shape; names are matched to the alias seed by that hash
-- (raw.platform_alias_keys, the seed hashed the same way by every run). An unknown name counts as `other`,
-- a case naming no platform as `unknown`. `IG, Insta` is one platform, counted once.
-- depends_on: {{ ref('platform_aliases') }} (the hashes come from this seed: a changed seed rebuilds the table)
-- Each case's names are grouped by platform inside its own list (list functions and one alias MAP
-- built per query), so no aggregate or join on the case key is needed: about half the time of
-- unnest + group by + join back at ten million cases.
-- Incremental (macros/incremental.sql): a run redoes only the cases int_cases changed since the newest
-- `loaded_at` held here, and replaces all their rows (a platform dropped from a case disappears).
{{ config(unique_key='case_key') }}

with cases as (
    select * from {{ ref('int_cases') }}
    {% if is_incremental() %}
    where loaded_at > (select coalesce(max(loaded_at), '-infinity'::timestamptz) from {{ this }})
    {% endif %}
),

aliases as (
    select map_from_entries(list((name_hash, platform))) as platform_of from {{ source('raw', 'platform_alias_keys') }}
),

named as (
    -- the case's distinct names (hash and shape), sorted (the first is the smallest)
    select cases.*, aliases.platform_of,
           list_sort(list_distinct(platform_names)) as names
    from cases cross join aliases
),

per_case as (
    -- one entry per canonical platform the names map to, with the names that map to it
    select named.* exclude (platform_names, names, platform_of),
           list_transform(
               list_distinct(list_transform(names, lambda n: coalesce(platform_of[n.name_hash], 'other'))),
               lambda p: {
                   'platform': p,
                   'names': list_transform(
                       list_filter(names, lambda n: coalesce(platform_of[n.name_hash], 'other') = p),
                       lambda n: {{ platform_descriptor('n') }}),
                   'is_mapped': list_bool_and(list_transform(
                       list_filter(names, lambda n: coalesce(platform_of[n.name_hash], 'other') = p),
                       lambda n: platform_of[n.name_hash] is not null))
               }
           ) as platforms
    from named
),

per_platform as (
    select per_case.* exclude (platforms),
           unnest(case when len(platforms) = 0
                       then [{'platform': 'unknown', 'names': []::varchar[], 'is_mapped': true}]
                       else platforms end) as entry
    from per_case
)

select
    case_key,
    source,
    opened_month,
    opened_quarter,
    opened_year,
    incident_type,
    ai_generated,
    entry.platform as platform,
    coalesce(entry.names[1], '') as platform_name,
    entry.names as platform_names,
    entry.is_mapped as is_mapped,
    loaded_at,
    {{ built_at() }} as built_at
from per_platform
