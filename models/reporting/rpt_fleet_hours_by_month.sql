-- The fleet's energy by calendar month and local hour of day: every in-service home-hour of the hourly feed
-- (readings and filled hours) summed, with the DC nameplate behind it, so a shape per kW DC or per home is a
-- sum over a sum. One pass over the hourly feed per build; the result is 24 rows per month of the year.
with

hours as (
    select * from {{ ref('int_telemetry_hours_metered') }}
),

solar_systems as (
    select
        household_id,
        kw_dc
    from {{ ref('solar_systems') }}
),

summed as (
    select
        cast(extract(month from hours.local_date) as integer) as local_month,
        hours.local_hour,
        count(*) as home_hours_count,
        {{ exact_sum('solar_systems.kw_dc') }} as kw_dc_hours,
        {{ exact_sum('hours.solar_generation_kwh') }} as solar_kwh,
        {{ exact_sum('hours.home_load_kwh') }} as load_kwh,
        {{ exact_sum('hours.grid_import_kwh') }} as grid_import_kwh,
        {{ exact_sum('hours.grid_export_kwh') }} as grid_export_kwh,
        {{ exact_sum('hours.battery_discharge_kwh') }} as battery_discharge_kwh
    from hours
    inner join solar_systems on hours.household_id = solar_systems.household_id
    group by extract(month from hours.local_date), hours.local_hour
),

final as (
    select
        *,
        solar_kwh / nullif(kw_dc_hours, 0) as solar_kwh_per_kw_dc,
        load_kwh / home_hours_count as load_kwh_per_home
    from summed
)

select * from final
