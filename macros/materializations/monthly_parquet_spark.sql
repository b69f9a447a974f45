{#- monthly_parquet on Spark: the same contract as the DuckDB materialization (monthly_parquet.sql) - a model
    computed one month at a time, stored as Parquet partitioned by month, read through a relation without a
    month column - built the Spark way: a Parquet table `<model>__by_month` partitioned by `month`
    ('YYYY-MM'), each month written by `insert overwrite ... partition (month = ...)`, which replaces that
    month's files only; the model's relation is a view over the table's columns less `month`.
    The month bounds reach the model's `in_month_partition(...)` filters as date literals written into each
    month's query (spark__in_month_partition). `--vars '{rebuild_months: [2025-03]}'` rewrites only the months named. -#}
{% materialization monthly_parquet, adapter='spark' %}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set storage = api.Relation.create(schema=this.schema, identifier=this.identifier ~ '__by_month',
                                          type='table') -%}
    {%- set months = pack_months(utc_tail=config.get('partition_clock', 'local') == 'utc') -%}
    {%- set rebuild = var('rebuild_months', none) -%}
    {%- if rebuild is string -%}{%- set rebuild = rebuild.split(',') | map('trim') | list -%}{%- endif -%}
    {%- set order_by = config.get('order_by') -%}
    {%- set existing_relation = load_cached_relation(this) -%}
    {%- set existing_storage = load_cached_relation(storage) -%}

    {{ run_hooks(pre_hooks) }}

    {%- if config.get('contract').enforced -%}
        {{ get_assert_columns_equivalent(sql) }}
    {%- endif -%}
    {%- if existing_relation is not none and existing_relation.type != 'view' -%}
        {{ adapter.drop_relation(existing_relation) }}
    {%- endif -%}

    {%- set on_disk = [] -%}
    {%- if rebuild is none -%}
        {%- if existing_storage is not none -%}{{ adapter.drop_relation(existing_storage) }}{%- endif -%}
    {%- elif existing_storage is not none -%}
        {%- for row in run_query('show partitions ' ~ storage) -%}
            {%- do on_disk.append(row[0].split('=')[-1]) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if rebuild is none or existing_storage is none -%}
        {#- an empty table with the model's columns and the month partition column -#}
        {%- call statement('create_storage') -%}
            create table {{ storage }}
            using parquet
            partitioned by (month)
            as select *, cast(null as string) as month from ({{ sql }}
            ) where false
        {%- endcall -%}
    {%- endif -%}

    {%- set todo = [] -%}
    {%- for month in months -%}
        {%- if rebuild is none or month.label in rebuild -%}
            {%- do todo.append(month) -%}
        {%- elif month.label not in on_disk -%}
            {{ exceptions.raise_compiler_error(
                this.identifier ~ ': month ' ~ month.label ~ ' is not in ' ~ storage ~ ', so rebuilding only '
                ~ rebuild | join(', ') ~ ' cannot complete the model. Build it whole first: `dbt build --select '
                ~ this.identifier ~ '` without rebuild_months.') }}
        {%- endif -%}
    {%- endfor -%}
    {%- for month in todo -%}
        {%- set started = modules.datetime.datetime.now() -%}
        {%- set month_sql = sql.replace(spark_partition_bound('start'), "date '" ~ month.start ~ "'")
                               .replace(spark_partition_bound('end'), "date '" ~ month.end ~ "'") -%}
        {%- call statement('write_month') -%}
            insert overwrite table {{ storage }} partition (month = '{{ month.label }}')
            select * from ({{ month_sql }}
            ){% if order_by %} order by {{ order_by }}{% endif %}
        {%- endcall -%}
        {{ log('    ' ~ this.identifier ~ ' ' ~ month.label ~ ' (' ~ loop.index ~ '/' ~ todo | length ~ ') in '
               ~ '%.1f' % (modules.datetime.datetime.now() - started).total_seconds() ~ ' s', info=true) }}
    {%- endfor -%}

    {#- The view reads the pack's months only, without the partition column. -#}
    {%- set labels = [] -%}
    {%- for month in months -%}{%- do labels.append("'" ~ month.label ~ "'") -%}{%- endfor -%}
    {%- set columns = [] -%}
    {%- for column in adapter.get_columns_in_relation(storage) if column.name != 'month' -%}
        {%- do columns.append(adapter.quote(column.name)) -%}
    {%- endfor -%}
    {%- call statement('main') -%}
        create or replace view {{ target_relation }} as
        select {{ columns | join(', ') }} from {{ storage }} where month in ({{ labels | join(', ') }})
    {%- endcall -%}

    {{ run_hooks(post_hooks) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
