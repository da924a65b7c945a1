{# Canonical values come from the seeds, never from CASE lists in models. #}

{% macro canonical(source, field, expression) -%}
    coalesce((
        select m.canonical from {{ ref('code_map') }} as m
        where m.source = '{{ source }}' and m.field = '{{ field }}'
          and lower(m.code) = lower(trim({{ expression }}))
    ), 'unknown')
{%- endmacro %}

{% macro platform_name(expression) -%}
    lower(trim(regexp_replace({{ expression }}, '\s+', ' ', 'g')))
{%- endmacro %}
