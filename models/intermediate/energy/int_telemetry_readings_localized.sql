-- Every usable reading with the home's local time and rate plan, limited to the pack's local calendar window.
-- Local days come from the home's IANA time zone (23 or 25 hours on daylight-saving days).
-- A view over the raw feed, read only by the two models built month by month after it (the filled hours and the
-- metered hours, where the hours are stored once): each reader filters interval_start_at to the UTC hours it
-- needs, and the filter reaches the raw Parquet, so only those row groups are read.

with

telemetry as (
    select * from {{ ref('stg_fleet__telemetry_hourly') }}
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

localized as (
    select
        telemetry.household_id,
        telemetry.interval_start_at,
        telemetry.solar_kwh,
        telemetry.load_kwh,
        telemetry.critical_load_kwh,
        telemetry.load_hvac_kwh,
        telemetry.load_water_heating_kwh,
        telemetry.load_ev_kwh,
        telemetry.load_other_kwh,
        telemetry.battery_charge_kwh,
        telemetry.battery_discharge_kwh,
        telemetry.state_of_charge_pct,
        telemetry.battery_state_of_health_pct,
        telemetry.grid_import_kwh,
        telemetry.grid_export_kwh,
        telemetry.grid_up_flag,
        telemetry.quality_flag,
        telemetry.late_arrival_flag,
        telemetry.unit_converted_flag,
        households.tariff_id,
        clock.interval_start_local,
        clock.local_date,
        clock.local_hour,
        clock.local_month,
        clock.local_iso_weekday
    from telemetry
    inner join households on telemetry.household_id = households.household_id
    inner join clock
        on
            households.time_zone = clock.time_zone
            and telemetry.interval_start_at = clock.interval_start_at
)

select * from localized
