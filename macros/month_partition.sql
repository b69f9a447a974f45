{#- Helpers of the monthly_parquet materialization (macros/materializations/monthly_parquet.sql). -#}

{#- A filter selecting the month being built: `column` within [partition_start, partition_end), widened by
    `margin_days` on both sides (to read neighbouring days a month's rows need, e.g. the UTC hours of a local
    month, or the days a gap may be filled from). Outside a monthly build (a unit test, `dbt show`) the
    bounds are unset and the filter keeps every row. -#}
{% macro in_month_partition(column, margin_days=0) -%}
    {{ return(adapter.dispatch('in_month_partition', 'solstice')(column, margin_days)) }}
{%- endmacro %}

{% macro duckdb__in_month_partition(column, margin_days=0) -%}
    (
        {{ column }} >= coalesce(getvariable('partition_start'), date '1900-01-01') - interval {{ margin_days }} day
        and {{ column }} < coalesce(getvariable('partition_end'), date '2200-01-01') + interval {{ margin_days }} day
    )
{%- endmacro %}

{#- Spark: the same bounds, written into each month's query by the Spark monthly_parquet, which replaces the
    marked nulls below with the month's dates (text in the query, not session state: models built side by side
    on several threads share one Spark session). Outside a monthly build the nulls stay and keep every row. -#}
{% macro spark__in_month_partition(column, margin_days=0) -%}
    (
        {{ column }} >= coalesce({{ spark_partition_bound('start') }}, date '1900-01-01') - interval {{ margin_days }} day
        and {{ column }} < coalesce({{ spark_partition_bound('end') }}, date '2200-01-01') + interval {{ margin_days }} day
    )
{%- endmacro %}

{#- The marked null standing for a month bound (`start` or `end`) in a compiled query. -#}
{% macro spark_partition_bound(bound) -%}
    {{ return('cast(null as date) /* partition_' ~ bound ~ ' */') }}
{%- endmacro %}

{#- The pack's months as [{label: 'YYYY-MM', start: 'YYYY-MM-01', end: first day of the next month}], read
    from the generated pack's manifest. `utc_tail` adds the month after the pack: the UTC hours of the last
    local day run into it. -#}
{% macro pack_months(utc_tail=false) -%}
    {%- set raw_root = var('raw_root', env_var('DBT_PROJECT_DIR', '.') ~ '/data/raw/' ~ env_var('SOLSTICE_PACK', 'mvp')) -%}
    {%- set manifest = raw_root ~ '/_pack.json' -%}
    {%- if execute and target.type != 'duckdb' -%}
        {#- other engines: the pack's window as `solstice build` passes it (from the same manifest) -#}
        {%- if not var('pack_start_date', none) or not var('pack_end_date', none) -%}
            {{ exceptions.raise_compiler_error('the models built month by month need the pack window on ' ~ target.type
                ~ ': run `solstice build --pack <name> --target ' ~ target.name ~ '` (it passes pack_start_date and '
                ~ 'pack_end_date from ' ~ manifest ~ ').') }}
        {%- endif -%}
        {%- set first = modules.datetime.date.fromisoformat(var('pack_start_date')) -%}
        {%- set end = modules.datetime.date.fromisoformat(var('pack_end_date')) -%}
        {{ return(_months_between(first, end, utc_tail)) }}
    {%- elif execute -%}
        {%- set found = run_query("select count(*) from glob('" ~ manifest ~ "')").columns[0].values()[0] -%}
        {%- if found == 0 -%}
            {{ exceptions.raise_compiler_error('no generated pack at ' ~ raw_root ~ ' (' ~ manifest
                ~ ' is missing). Generate it first: `make pack PACK=<name>` or `solstice generate --pack <name>`.') }}
        {%- endif -%}
        {%- set window = run_query("select cast(config.start_date as date), cast(config.end_date as date) from read_json('"
                                   ~ manifest ~ "', records = true)").rows[0] -%}
        {%- set first, end = window[0], window[1] -%}
        {{ return(_months_between(first, end, utc_tail)) }}
    {%- endif -%}
    {{ return([]) }}
{%- endmacro %}

{% macro _months_between(first, end, utc_tail) -%}
        {%- set count = (end.year - first.year) * 12 + end.month - first.month + (1 if end.day > 1 else 0)
                        + (1 if utc_tail else 0) -%}
        {%- set months = [] -%}
        {%- for index in range(count) -%}
            {%- set year, month = first.year + (first.month - 1 + index) // 12, (first.month - 1 + index) % 12 + 1 -%}
            {%- set next_year, next_month = year + month // 12, month % 12 + 1 -%}
            {%- do months.append({'label': '%04d-%02d' % (year, month), 'start': '%04d-%02d-01' % (year, month),
                                  'end': '%04d-%02d-01' % (next_year, next_month)}) -%}
        {%- endfor -%}
        {{ return(months) }}
{%- endmacro %}

{#- Where a monthly model's partitions live: beside the database file, <database>.hourly/<model>. -#}
{% macro partition_location(relation) -%}
    {%- set database_path = target.path if target.path.endswith('.duckdb') else target.path ~ '.duckdb' -%}
    {{ return(database_path[:-7] ~ '.hourly/' ~ relation.identifier) }}
{%- endmacro %}

{#- DuckDB's SQL cannot make a folder, but an empty partitioned COPY creates the folder it writes into
    (when its parent exists). -#}
{% macro make_directory(path) -%}
    {%- call statement('make_directory', auto_begin=False) -%}
        copy (select 1 as placeholder, 'x' as part where false)
        to '{{ path }}' (format parquet, partition_by (part), overwrite_or_ignore)
    {%- endcall -%}
{%- endmacro %}

{#- Every level of a folder path, in turn. -#}
{% macro ensure_directory(path) -%}
    {%- set parts = path.split('/') -%}
    {%- for depth in range(1, parts | length + 1) -%}
        {%- set folder = parts[:depth] | join('/') -%}
        {%- if folder not in ('', '.', '..') and not folder.endswith('/..') -%}
            {{ make_directory(folder) }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{#- Whole seconds since 1970-01-01 UTC of a timestamp with time zone, as an integer: plain arithmetic on the
    stored instant, far cheaper per row than calendar functions that go through time-zone rules. -#}
{% macro epoch_seconds(timestamp_with_zone) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'solstice')(timestamp_with_zone)) }}
{%- endmacro %}

{% macro duckdb__epoch_seconds(timestamp_with_zone) -%}
    (epoch_us({{ timestamp_with_zone }}) // 1000000)
{%- endmacro %}

{% macro default__epoch_seconds(timestamp_with_zone) -%}
    unix_timestamp({{ timestamp_with_zone }})
{%- endmacro %}

{#- One bit per UTC hour, (epoch hour mod 32), as a bigint: the hours of a local day (at most 25 consecutive UTC
    hours) each have their own, so a day's hours can be summed or OR-ed into a mask and compared. -#}
{% macro hour_bit(timestamp_with_zone) -%}
    (cast(1 as bigint) << ({{ int_div(epoch_seconds(timestamp_with_zone), 3600) }} % 32))
{%- endmacro %}
