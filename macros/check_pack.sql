{#- on-run-start: stop before building when the raw pack is missing, or when it is not the pack the database is
    named after (data/solstice_<pack>.duckdb), with the command that fixes it. -#}
{% macro check_pack() -%}
    {%- if execute and target.type == 'duckdb' and target.path != ':memory:' -%}
        {%- set raw_root = var('raw_root', env_var('DBT_PROJECT_DIR', '.') ~ '/data/raw/' ~ env_var('SOLSTICE_PACK', 'mvp')) -%}
        {%- set manifest = raw_root ~ '/_pack.json' -%}
        {%- if run_query("select count(*) from glob('" ~ manifest ~ "')").columns[0].values()[0] == 0 -%}
            {{ exceptions.raise_compiler_error(
                'no generated pack at ' ~ raw_root ~ ' (' ~ manifest ~ ' is missing). Generate and build it '
                ~ 'with `make pack PACK=<name>` (or `solstice generate --pack <name>`), and pick the pack you work '
                ~ 'on with `export SOLSTICE_PACK=<name>` (default mvp).') }}
        {%- endif -%}
        {%- set pack = run_query("select cast(config.pack as varchar) from read_json('" ~ manifest
                                 ~ "', records = true)").columns[0].values()[0] -%}
        {%- set database = target.path.split('/')[-1] -%}
        {%- if database.startswith('solstice_') and database != 'solstice_' ~ pack ~ '.duckdb' -%}
            {{ exceptions.raise_compiler_error(
                'the raw pack at ' ~ raw_root ~ ' is pack ' ~ pack ~ ', but the database is ' ~ target.path
                ~ ': building would mix two packs. Use one switch for both: `export SOLSTICE_PACK=' ~ pack
                ~ '` and unset SOLSTICE_DB and DBT_VARS (or `solstice build --pack ' ~ pack ~ '`).') }}
        {%- endif -%}
    {%- endif -%}
    select 1 as pack_checked
{%- endmacro %}
