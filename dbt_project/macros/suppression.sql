{# Small-count suppression: counts from 1 to k-1 are never published (k from NCII_SUPPRESSION_K). The helpline marts'
   primary and secondary suppression across linked tables: orchestration/disclosure/suppression.py
   (models/intermediate/disclosure/int_suppressed_cells.py).
   No default here: the one default is orchestration/settings.py's, and every dbt command of the project gets k from
   the settings (`ncii-dbt`, and the project's `dbt parse`: orchestration/transformation/). #}

{% macro suppression_k() -%}
    {{ env_var('NCII_SUPPRESSION_K') | int }}
{%- endmacro %}

{% macro is_small(count) -%}
    ({{ count }} between 1 and {{ suppression_k() }} - 1)
{%- endmacro %}

{% macro suppress(count) -%}
    case when {{ is_small(count) }} then null else {{ count }} end
{%- endmacro %}
