{#- Hooks for models that look up a few keys in the hourly telemetry. DuckDB's cost estimates through the
    key-building cross joins are far off and it would build the hash table on the 34M-row feed instead of
    on the keys; keeping the planned build side makes these models several times faster. No-op elsewhere. -#}
{% macro keep_planned_build_side() -%}
    {{ return(adapter.dispatch('keep_planned_build_side', 'solstice')()) }}
{%- endmacro %}

{% macro default__keep_planned_build_side() -%}
{%- endmacro %}

{% macro duckdb__keep_planned_build_side() -%}
    set disabled_optimizers = 'build_side_probe_side'
{%- endmacro %}

{% macro restore_build_side() -%}
    {{ return(adapter.dispatch('restore_build_side', 'solstice')()) }}
{%- endmacro %}

{% macro default__restore_build_side() -%}
{%- endmacro %}

{% macro duckdb__restore_build_side() -%}
    reset disabled_optimizers
{%- endmacro %}
