{#- 'YYYY-MM' label of a date, the schema's billing_month format. -#}
{% macro month_label(date_expression) -%}
    {{ return(adapter.dispatch('month_label', 'solstice')(date_expression)) }}
{%- endmacro %}

{% macro default__month_label(date_expression) -%}
    strftime({{ date_expression }}, '%Y-%m')
{%- endmacro %}

{% macro spark__month_label(date_expression) -%}
    date_format({{ date_expression }}, 'yyyy-MM')
{%- endmacro %}
