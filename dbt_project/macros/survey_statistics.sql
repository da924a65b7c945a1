{# Survey estimates: weighted share, Kish's effective n, the Wilson score interval (z = 1.96). #}

{% macro survey_min_base() %}30{% endmacro %}
{% macro survey_reliable_base() %}50{% endmacro %}

{% macro kish_n_eff(sum_w, sum_w2) -%}
    ({{ sum_w }} * {{ sum_w }} / {{ sum_w2 }})
{%- endmacro %}

{# Wilson bound in percent for proportion p (0..1) and sample size n; sign = -1 lower, +1 upper. #}
{% macro wilson_pct(p, n, sign) -%}
    (100.0 * (({{ p }}) + 1.96 * 1.96 / (2 * ({{ n }}))
              {{ '-' if sign < 0 else '+' }} 1.96 * sqrt(({{ p }}) * (1 - ({{ p }})) / ({{ n }}) + 1.96 * 1.96 / (4 * ({{ n }}) * ({{ n }}))))
     / (1 + 1.96 * 1.96 / ({{ n }})))
{%- endmacro %}
