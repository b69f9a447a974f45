{#- The value of `value` on the row with the greatest `order_by`, as an aggregate. -#}
{% macro last_value_by(value, order_by) -%}
    {{ return(adapter.dispatch('last_value_by', 'solstice')(value, order_by)) }}
{%- endmacro %}

{% macro default__last_value_by(value, order_by) -%}
    arg_max({{ value }}, {{ order_by }})
{%- endmacro %}

{% macro spark__last_value_by(value, order_by) -%}
    max_by({{ value }}, {{ order_by }})
{%- endmacro %}
