{#- Fails on every row where the boolean expression is not true (rows matching `where` only).
    May sit on a model or on a column; the column is only where the assertion is documented. -#}
{% test expression_is_true(model, expression, where=none, column_name=none) %}
select *
from {{ model }}
where not ({{ expression }})
{%- if where %}
    and ({{ where }})
{%- endif %}
{% endtest %}
