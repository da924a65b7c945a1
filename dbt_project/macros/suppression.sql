{# Small-count suppression: counts from 1 to k-1 are never published (k from NCII_SUPPRESSION_K). #}

{% macro suppression_k() -%}
    {{ env_var('NCII_SUPPRESSION_K', '5') | int }}
{%- endmacro %}

{% macro is_small(count) -%}
    ({{ count }} between 1 and {{ suppression_k() }} - 1)
{%- endmacro %}

{% macro suppress(count) -%}
    case when {{ is_small(count) }} then null else {{ count }} end
{%- endmacro %}
