-- Every in-service hour of every home in its local time, limited to the pack's local calendar window:
-- the usable readings plus the filled hours (filled_flag), so each home-day is complete.
-- Local days come from the home's IANA time zone, so DST days have 23 or 25 hours.
with

telemetry as (
    select * from {{ ref('stg_fleet__telemetry_hourly') }}
),

filled as (
    select * from {{ ref('int_telemetry_hours_filled') }}
),

households as (
    select
        household_id,
        time_zone,
        tariff_id
    from {{ ref('stg_crm__households') }}
),

clock as (
    select * from {{ ref('int_local_clock_hours') }}
),

hours as (
    select
        household_id,
        interval_start_at,
        solar_kwh,
        load_kwh,
        critical_load_kwh,
        battery_charge_kwh,
        battery_discharge_kwh,
        state_of_charge_pct,
        grid_import_kwh,
        grid_export_kwh,
        grid_up_flag,
        quality_flag,
        late_arrival_flag,
        unit_converted_flag,
        false as filled_flag
    from telemetry
    union all
    select
        household_id,
        interval_start_at,
        solar_kwh,
        load_kwh,
        critical_load_kwh,
        battery_charge_kwh,
        battery_discharge_kwh,
        state_of_charge_pct,
        grid_import_kwh,
        grid_export_kwh,
        grid_up_flag,
        quality_flag,
        false as late_arrival_flag,
        false as unit_converted_flag,
        true as filled_flag
    from filled
),

localized as (
    select
        hours.*,
        households.tariff_id,
        clock.interval_start_local,
        clock.local_date,
        clock.local_hour,
        clock.local_month,
        clock.local_iso_weekday
    from hours
    inner join households on hours.household_id = households.household_id
    inner join clock
        on
            households.time_zone = clock.time_zone
            and hours.interval_start_at = clock.interval_start_at
)

select * from localized
