{#- An instant in time (UTC on both engines' sessions): DuckDB's `timestamp with time zone`, Spark's
    `timestamp` (TIMESTAMP_LTZ, Spark's instant type; Spark SQL has no `with time zone` syntax). -#}
{% macro type_timestamp_tz() -%}
    {{ return(adapter.dispatch('type_timestamp_tz', 'solstice')()) }}
{%- endmacro %}

{% macro default__type_timestamp_tz() -%}
    timestamp with time zone
{%- endmacro %}

{% macro spark__type_timestamp_tz() -%}
    timestamp
{%- endmacro %}

{#- Contracts on Spark: the models' YAML declares the published schema's types in DuckDB's names (varchar,
    timestamp with time zone ...). dbt checks a contract by casting null to each declared type (dbt.cast) and
    comparing the result's column types with the query's; Spark needs its own names for two of them (a bare
    `varchar` needs a length, and there is no `with time zone`), given here, so Spark still checks every
    contracted column's name and type. (Spark does not enforce not-null or key constraints on Parquet tables:
    the data tests prove them on both engines.) -#}
{% macro spark__cast(field, type) -%}
    {%- set spark_names = {'varchar': 'string', 'text': 'string', 'timestamp with time zone': 'timestamp',
                           'timestamptz': 'timestamp'} -%}
    cast({{ field }} as {{ spark_names.get(type | trim | lower, type) }})
{%- endmacro %}

{#- Integer division of integers, truncated: DuckDB's `//`, Spark's `div` (Spark's `/` always gives a double or
    decimal; DuckDB has no `div`). -#}
{% macro int_div(numerator, denominator) -%}
    {{ return(adapter.dispatch('int_div', 'solstice')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__int_div(numerator, denominator) -%}
    ({{ numerator }} // {{ denominator }})
{%- endmacro %}

{% macro spark__int_div(numerator, denominator) -%}
    ({{ numerator }} div {{ denominator }})
{%- endmacro %}

{#- ISO day of the week of a date or timestamp, Monday = 1 ... Sunday = 7. -#}
{% macro iso_weekday(date_expression) -%}
    {{ return(adapter.dispatch('iso_weekday', 'solstice')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_weekday(date_expression) -%}
    extract(isodow from {{ date_expression }})
{%- endmacro %}

{% macro spark__iso_weekday(date_expression) -%}
    extract(dayofweek_iso from {{ date_expression }})
{%- endmacro %}
