{#- Generic test: every value is a member of a vocabulary kept in a seed (`to`, `field`; `seed_where` picks the
    seed's rows, e.g. one field's canonical values in the code map), or one of `extra_values` (members the
    models add themselves: `unknown`, the `all` total). The seed is the one place a vocabulary lives, so adding a
    member there needs no edit of a test. (A seed that is the vocabulary itself, like platforms: `relationships`.) -#}
{% test in_vocabulary_seed(model, column_name, to, field, extra_values=[], seed_where=none) %}
select {{ column_name }} as value
from {{ model }}
where {{ column_name }} is not null
  and {{ column_name }} not in (
      select {{ field }} from {{ to }}
      where {{ field }} is not null{% if seed_where %} and ({{ seed_where }}){% endif %}
  )
  {%- for value in extra_values %}
  and {{ column_name }} <> '{{ value }}'
  {%- endfor %}
{% endtest %}

{#- Generic test: a vocabulary seed's own members are lower-case names (`bluesky`, `non_binary`) and never one
    of the members the models add themselves, so a typo or a stray `Other` cannot become a member. -#}
{% test vocabulary_member(model, column_name, reserved=[]) %}
select {{ column_name }} as value
from {{ model }}
where {{ column_name }} is null
   or not regexp_full_match({{ column_name }}, '[a-z0-9]+(_[a-z0-9]+)*')
  {%- if reserved %}
   or {{ column_name }} in ({% for value in reserved %}'{{ value }}'{% if not loop.last %}, {% endif %}{% endfor %})
  {%- endif %}
{% endtest %}
