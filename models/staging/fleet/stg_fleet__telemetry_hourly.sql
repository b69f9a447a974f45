with

source as (
    select * from {{ source('fleet', 'telemetry_hourly') }}
),

renamed as (
    select
        cast(household_id as varchar) as household_id,
        cast(interval_start_at as timestamp with time zone) as interval_start_at,
        cast(solar_kwh as double) as solar_kwh,
        cast(load_kwh as double) as load_kwh,
        cast(critical_load_kwh as double) as critical_load_kwh,
        cast(battery_charge_kwh as double) as battery_charge_kwh,
        cast(battery_discharge_kwh as double) as battery_discharge_kwh,
        cast(state_of_charge_pct as double) as state_of_charge_pct,
        cast(grid_import_kwh as double) as grid_import_kwh,
        cast(grid_export_kwh as double) as grid_export_kwh,
        cast(grid_up_flag as boolean) as grid_up_flag,
        cast(quality_flag as varchar) as quality_flag
    from source
)

select * from renamed
