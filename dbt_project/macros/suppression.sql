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

{# Aggregate over the cells that make up a published total: true when the total, less the
   published cells, would pin down the suppressed ones (one small cell, or m small cells summing
   to m or to m * (k-1)). #}
{% macro pins_down_small_cells(count) -%}
    (count(*) filter (where {{ is_small(count) }}) = 1
     or (count(*) filter (where {{ is_small(count) }}) > 1
         and coalesce(sum({{ count }}) filter (where {{ is_small(count) }}), 0)
             in (count(*) filter (where {{ is_small(count) }}),
                 count(*) filter (where {{ is_small(count) }}) * ({{ suppression_k() }} - 1))))
{%- endmacro %}
