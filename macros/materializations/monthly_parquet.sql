{#- monthly_parquet: a model computed one month at a time and stored as Parquet beside the database,
    one hive partition per month (<database>.hourly/<model>/month=YYYY-MM/data_0.parquet); the relation dbt
    creates is a view over those files (the month is the folder's name, not a column).

    Why: the hourly feed of a large pack does not fit in memory as one query (DuckDB's hash aggregates and
    joins grow with their groups), and does not belong inside the database file. Run month by month, memory
    follows one month of homes, and the database holds only daily and coarser tables.

    The model's SQL selects one month through `in_month_partition(...)` (macros/month_partition.sql), which
    reads the month's bounds from DuckDB variables that this materialization sets before each month.
    Months: the pack's local calendar months; with `config(partition_clock='utc')`, the UTC months the
    feed touches (the pack's months and the next one, where the last local day ends in UTC).
    `--vars '{rebuild_months: [2025-03]}'` recomputes only the months named and keeps the others.
    `config(order_by='<columns>')` sorts each month's rows: a released table must be byte-identical from one
    build to the next (DuckDB's parallel joins and aggregates emit rows in no fixed order). -#}
{% materialization monthly_parquet, adapter='duckdb' %}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set location = partition_location(this) -%}
    {%- set months = pack_months(utc_tail=config.get('partition_clock', 'local') == 'utc') -%}
    {%- set rebuild = var('rebuild_months', none) -%}
    {%- if rebuild is string -%}{%- set rebuild = rebuild.split(',') | map('trim') | list -%}{%- endif -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set order_by = config.get('order_by') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if existing_relation is not none and existing_relation.type != 'view' -%}
        {{ adapter.drop_relation(existing_relation) }}
    {%- endif -%}
    {%- if config.get('contract').enforced -%}
        {#- the model's columns and types against its yml, as dbt checks a contracted table -#}
        {{ get_assert_columns_equivalent(sql) }}
    {%- endif -%}
    {#- DuckDB writes a COPY with one thread inside a transaction (dbt-duckdb #586): commit, and write each month
        on its own (a month is written whole or, if interrupted, rewritten by the next build). -#}
    {{ adapter.commit() }}
    {{ ensure_directory(location) }}

    {#- One look at the folder: which months are on disk already. -#}
    {%- set on_disk = run_query("select file from glob('" ~ location ~ "/month=*/data_0.parquet')").columns[0].values() | list -%}
    {%- set todo = [] -%}
    {%- for month in months -%}
        {%- set file = location ~ '/month=' ~ month.label ~ '/data_0.parquet' -%}
        {%- if rebuild is none or month.label in rebuild -%}
            {%- do todo.append(month) -%}
        {%- elif file not in on_disk -%}
            {{ exceptions.raise_compiler_error(
                this.identifier ~ ': month ' ~ month.label ~ ' is not on disk at ' ~ location ~ ', so rebuilding only '
                ~ rebuild | join(', ') ~ ' cannot complete the model. Build it whole first: `dbt build --select '
                ~ this.identifier ~ '` without rebuild_months.') }}
        {%- endif -%}
    {%- endfor -%}
    {%- set clock = namespace(started=modules.datetime.datetime.now()) -%}
    {%- for month in todo -%}
        {%- set started = modules.datetime.datetime.now() -%}
        {%- call statement('month_bounds', auto_begin=False) -%}
            set variable partition_start = date '{{ month.start }}';
            set variable partition_end = date '{{ month.end }}';
        {%- endcall -%}
        {%- set folder = location ~ '/month=' ~ month.label -%}
        {{ make_directory(folder) }}
        {#- a month rebuilt is written beside its old file and swapped in when complete; zstd at level 1 writes
            a month of the stored hours about 15 % faster than the default level 3, the file within 1 % of its size -#}
        {%- call statement('write_month', auto_begin=False) -%}
            copy (
                {%- if order_by %} select * from ({{ sql }}
                ) order by {{ order_by }}
                {%- else %} {{ sql }}
                {%- endif %}
            ) to '{{ folder }}/data_0.parquet' (format parquet, compression zstd, compression_level 1, use_tmp_file true)
        {%- endcall -%}
        {%- set now = modules.datetime.datetime.now() -%}
        {%- set per_month = (now - clock.started).total_seconds() / loop.index -%}
        {{ log('    ' ~ this.identifier ~ ' ' ~ month.label ~ ' (' ~ loop.index ~ '/' ~ todo | length ~ ') in '
               ~ '%.1f' % (now - started).total_seconds() ~ ' s, about '
               ~ '%.0f' % (per_month * (todo | length - loop.index)) ~ ' s left', info=true) }}
    {%- endfor -%}
    {%- call statement('month_bounds', auto_begin=False) -%}
        reset variable partition_start;
        reset variable partition_end;
    {%- endcall -%}

    {#- The view reads the pack's months only (a folder may hold months of an earlier, longer pack). -#}
    {%- set files = [] -%}
    {%- for month in months -%}
        {%- do files.append("'" ~ location ~ "/month=" ~ month.label ~ "/data_0.parquet'") -%}
    {%- endfor -%}
    {%- call statement('main') -%}
        create or replace view {{ target_relation }} as
        select * from read_parquet([{{ files | join(', ') }}], hive_partitioning = false)
    {%- endcall -%}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {{ adapter.commit() }}
    {{ run_hooks(post_hooks, inside_transaction=False) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
