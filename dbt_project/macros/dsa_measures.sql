{# dsa: the `all` members of harm_group and source_type, and exact medians from histograms. #}

{# Each row once under its own harm group and source type (when it has one) and once under `all`: a statement
   in no harm group, or with an unlisted source type, counts only in `all`. #}
{% macro dsa_with_all_members(relation) -%}
    select * exclude (source_type),
           unnest(case when source_type is null then ['all'] else [source_type, 'all'] end) as source_type
    from (
        select * exclude (harm_group),
               unnest(case when harm_group is null then ['all'] else [harm_group, 'all'] end) as harm_group
        from {{ relation }}
    )
{%- endmacro %}

{# Exact median in fractional days of a histogram (`seconds`, `statements`) per group: the middle value, or
   the mean of the two middle values for an even count (never an approximate percentile). #}
{% macro dsa_histogram_median_days(relation, group_by) -%}
    select {{ group_by | join(', ') }},
           (min(seconds) filter (where upto >= (total + 1) // 2)
            + min(seconds) filter (where upto >= total // 2 + 1)) / 2.0 / 86400 as median_days
    from (
        select *, sum(statements) over (partition by {{ group_by | join(', ') }} order by seconds
                                        rows between unbounded preceding and current row) as upto,
                  sum(statements) over (partition by {{ group_by | join(', ') }}) as total
        from (select {{ group_by | join(', ') }}, seconds, sum(statements) as statements
              from {{ relation }} group by all)
    )
    group by all
{%- endmacro %}
