{# Small-count suppression: counts from 1 to k-1 are never published (k from NCII_SUPPRESSION_K). The helpline marts'
   primary and secondary suppression across linked tables: orchestration/disclosure/suppression.py
   (models/intermediate/disclosure/int_suppressed_cells.py). #}

{% macro suppression_k() -%}
    {{ env_var('NCII_SUPPRESSION_K', '5') | int }}
{%- endmacro %}

{% macro is_small(count) -%}
    ({{ count }} between 1 and {{ suppression_k() }} - 1)
{%- endmacro %}

{% macro suppress(count) -%}
    case when {{ is_small(count) }} then null else {{ count }} end
{%- endmacro %}
