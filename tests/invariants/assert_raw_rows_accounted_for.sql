-- noqa: disable=AL03,LT02
-- Nothing is silently lost between the raw feeds and staging: for every raw table,
-- raw rows = staged rows + quarantined rows (only telemetry has a quarantine; the other feeds stage 1:1).
{% set one_to_one = [
    ('crm', 'households', 'stg_crm__households'),
    ('crm', 'subscriber_contracts', 'stg_crm__subscriber_contracts'),
    ('crm', 'acquisition_touches', 'stg_crm__acquisition_touches'),
    ('installs', 'installation_projects', 'stg_installs__installation_projects'),
    ('installs', 'solar_systems', 'stg_installs__solar_systems'),
    ('installs', 'battery_systems', 'stg_installs__battery_systems'),
    ('vpp', 'program_enrollments', 'stg_vpp__program_enrollments'),
    ('vpp', 'dispatch_calls', 'stg_vpp__dispatch_calls'),
    ('vpp', 'device_responses', 'stg_vpp__device_responses'),
    ('grid', 'outages', 'stg_grid__outages'),
    ('grid', 'market_prices', 'stg_grid__market_prices'),
    ('grid', 'weather_hourly', 'stg_grid__weather_hourly'),
    ('support', 'service_tickets', 'stg_support__service_tickets'),
] %}

with

accounting as (
    select
        'fleet.telemetry_hourly' as raw_table,
        (select count(*) from {{ source('fleet', 'telemetry_hourly') }}) as raw_rows,
        (select count(*) from {{ ref('stg_fleet__telemetry_hourly') }}) as staged_rows,
        (select count(*) from {{ ref('stg_fleet__telemetry_quarantine') }}) as quarantined_rows
    {%- for source_name, table_name, model in one_to_one %}
    union all
    select
        '{{ source_name }}.{{ table_name }}' as raw_table,
        (select count(*) from {{ source(source_name, table_name) }}) as raw_rows,
        (select count(*) from {{ ref(model) }}) as staged_rows,
        0 as quarantined_rows
    {%- endfor %}
)

select *
from accounting
where raw_rows != staged_rows + quarantined_rows
