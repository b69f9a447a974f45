-- Net import / export of one home over one local day, hour by hour (the "site net flow" example query of
-- the DER platform reference). Compile with: dbt compile --select site_net_flows_over_a_day
{% set household_id = 'HH-000001' %}

with

hours as (
    select * from {{ ref('int_telemetry_hours_priced') }}
),

first_day as (
    select min(local_date) as local_date
    from hours
    where household_id = '{{ household_id }}'
)

select
    hours.interval_start_local,
    hours.solar_generation_kwh,
    hours.home_load_kwh,
    hours.battery_discharge_kwh - hours.battery_charge_kwh as battery_net_discharge_kwh,
    hours.grid_import_kwh - hours.grid_export_kwh as grid_net_import_kwh,
    hours.import_rate_usd_per_kwh,
    hours.peak_flag
from hours
inner join first_day on hours.local_date = first_day.local_date
where hours.household_id = '{{ household_id }}'
order by hours.interval_start_local
