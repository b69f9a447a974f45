-- One row per home and local day: the day's metered energy, summed from the stored hours - the tariff-free half
-- of the daily table (the bills are int_household_days_billed's, which joins these days), so a tariff edit
-- re-reads the hours for their prices only, and the energy checks downstream do not wait for the bills.
-- Built month by month (local month): the hours of one month are grouped at a time.
{{ config(materialized='monthly_parquet') }}

with

hours as (
    select * from {{ ref('int_telemetry_hours_metered') }}
    where {{ in_month_partition('local_date') }}
),

final as (
    select
        household_id,
        local_date,
        count(*) as hours_reported,
        {{ exact_sum('solar_generation_kwh') }} as solar_generation_kwh,
        {{ exact_sum('home_load_kwh') }} as home_load_kwh,
        {{ exact_sum('grid_import_kwh') }} as grid_import_kwh,
        {{ exact_sum('grid_export_kwh') }} as grid_export_kwh,
        {{ exact_sum('battery_charge_kwh') }} as battery_charge_kwh,
        {{ exact_sum('battery_discharge_kwh') }} as battery_discharge_kwh,
        {{ last_value_by('state_of_charge_pct', 'interval_start_at') }} as state_of_charge_end_pct,
        sum(case when not grid_up_flag then 1 else 0 end) as grid_down_hours,
        sum(case when filled_flag then 1 else 0 end) as hours_filled,
        sum(case when late_arrival_flag then 1 else 0 end) as hours_arrived_late,
        sum(case when unit_converted_flag then 1 else 0 end) as hours_unit_converted
    from hours
    group by household_id, local_date
)

select * from final
