{# Takedown measures, the same in every mart that reports them. #}

{% macro takedown_counts() -%}
    count(*) as requests,
    count(*) filter (where is_removed) as removed,
    count(*) filter (where is_final) as final_requests,
    count(*) filter (where is_removed and hours_to_removal <= 24) as removed_within_24h,
    count(*) filter (where is_removed and hours_to_removal <= 48) as removed_within_48h,
    median(hours_to_removal) filter (where is_removed) as median_hours,
    quantile_cont(hours_to_removal, 0.9) filter (where is_removed) as p90_hours
{%- endmacro %}

{# removed / final outcomes; NULL under k final outcomes, or when the removed count is suppressed
   (the rate times the request count would give it back). #}
{% macro removal_rate(removed, final_requests) -%}
    case when {{ final_requests }} >= {{ suppression_k() }} and not {{ is_small(removed) }}
         then {{ removed }}::double / {{ final_requests }} end
{%- endmacro %}

{% macro median_hours_to_removal(median_hours, removed) -%}
    case when {{ removed }} >= {{ suppression_k() }} then {{ median_hours }} end
{%- endmacro %}
