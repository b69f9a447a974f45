{#- On Spark, the raw pack's files are read through views of the metastore named as the sources are
    (crm.households, fleet.telemetry_hourly, ...), so the staging models read `source()` unchanged on both
    engines. The views are declared again at the start of every run. Where the files are comes from the source's
    `external_location` (what dbt-duckdb reads): a Parquet file, or a folder of month partitions
    (`read_parquet('<folder>/*/*.parquet', ...)`: Spark reads the same glob, and a glob adds no `month` column,
    as DuckDB's hive_partitioning = false). The pack's JSON manifest (`_pack.json`: Spark's file sources skip
    names starting with `_`) arrives as the var `pack_manifest`, which `solstice build` reads from that file.
    On DuckDB this does nothing. -#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'solstice')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
    select 1 as raw_sources_registered
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- for node in graph.sources.values() -%}
            {%- set location = node.meta.get('external_location') or node.source_meta.get('external_location') -%}
            {%- if location -%}
                {%- set location = location.replace('{name}', node.name) -%}
                {%- if location.startswith('read_json(') -%}
                    {%- set manifest = var('pack_manifest', none) -%}
                    {%- if manifest is none -%}
                        {{ exceptions.raise_compiler_error('the pack manifest is read from the var pack_manifest on '
                            ~ target.type ~ ': run `solstice build --pack <name> --target ' ~ target.name ~ '`.') }}
                    {%- endif -%}
                    {%- set relation = "(select from_json('" ~ tojson(manifest) | replace("\\", "\\\\") | replace("'", "\\'")
                        ~ "', 'config struct<pack: string, households: bigint, months: bigint, seed: bigint, "
                        ~ "start_date: string, end_date: string, sub_daily: boolean>, generator_version string') as parsed)" -%}
                    {%- set query = 'select parsed.* from ' ~ relation -%}
                {%- elif location.startswith('read_parquet(') -%}
                    {%- set query = 'select * from parquet.`' ~ location.split("'")[1] ~ '`' -%}
                {%- else -%}
                    {%- set query = 'select * from parquet.`' ~ location ~ '`' -%}
                {%- endif -%}
                {%- do run_query('create schema if not exists ' ~ node.schema) -%}
                {%- do run_query('create or replace view ' ~ node.schema ~ '.' ~ node.identifier ~ ' as ' ~ query) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    select 1 as raw_sources_registered
{%- endmacro %}
