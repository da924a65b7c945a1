{# Generic test: a published count is NULL (suppressed), 0, or at least k. #}
{% test not_between_1_and_k_minus_1(model, column_name) %}
select {{ column_name }} from {{ model }} where {{ is_small(column_name) }}
{% endtest %}
