{# Canonical values come from the seeds, never from CASE lists in models. #}

{# The field's codes as one MAP, built once per query (an uncorrelated subquery), then looked up per row:
   about 2.5x faster than a correlated subquery per row at a million rows. #}
{% macro canonical(source, field, expression) -%}
    coalesce((
        select map_from_entries(list((lower(m.code), m.canonical))) from {{ ref('code_map') }} as m
        where m.source = '{{ source }}' and m.field = '{{ field }}'
    )[lower(trim({{ expression }}))], 'unknown')
{%- endmacro %}

{% macro platform_name(expression) -%}
    lower(trim(regexp_replace({{ expression }}, '\s+', ' ', 'g')))
{%- endmacro %}
