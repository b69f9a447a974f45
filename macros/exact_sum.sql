{#- Sum / mean of floating-point values in exact decimal arithmetic, returned as double.
    Parallel aggregation adds rows in a different order on every run, and double addition is not
    associative; summing fixed-point decimals is, so an unchanged rebuild gives bit-identical results.
    `scale` decimal places are kept per value (readings are whole Wh, 3 places; money is priced to far below a
    cent). -#}
{% macro exact_sum(expression, scale=8) -%}
    cast(sum(cast({{ expression }} as decimal(18, {{ scale }}))) as double)
{%- endmacro %}

{% macro exact_avg(expression, scale=8) -%}
    cast(avg(cast({{ expression }} as decimal(18, {{ scale }}))) as double)
{%- endmacro %}
