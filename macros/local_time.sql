{#- Convert a UTC timestamp to wall-clock time in an IANA time zone (DST-aware).
    Engine-specific, so dispatched: DuckDB's timezone(), Spark's from_utc_timestamp(). -#}
{% macro to_local_timestamp(utc_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'solstice')(utc_timestamp, time_zone)) }}
{%- endmacro %}

{% macro default__to_local_timestamp(utc_timestamp, time_zone) -%}
    timezone({{ time_zone }}, {{ utc_timestamp }})
{%- endmacro %}

{% macro spark__to_local_timestamp(utc_timestamp, time_zone) -%}
    from_utc_timestamp({{ utc_timestamp }}, {{ time_zone }})
{%- endmacro %}
