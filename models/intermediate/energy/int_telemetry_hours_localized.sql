-- Every in-service hour of every home in its local time, limited to the pack's local calendar window:
-- the usable readings plus the filled hours (filled_flag), so each home-day is complete.
-- A view over the readings (int_telemetry_readings_localized, itself a view over the raw feed) and the few filled
-- hours, which take the local clock of the hour they fill; read a month at a time by int_telemetry_hours_metered,
-- which stores the hours once for every model downstream.
with

readings as (
    select * from {{ ref('int_telemetry_readings_localized') }}
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

filled_localized as (
    select
        filled.household_id,
        filled.interval_start_at,
        filled.solar_kwh,
        filled.load_kwh,
        filled.critical_load_kwh,
        filled.load_hvac_kwh,
        filled.load_water_heating_kwh,
        filled.load_ev_kwh,
        filled.load_other_kwh,
        filled.battery_charge_kwh,
        filled.battery_discharge_kwh,
        filled.state_of_charge_pct,
        filled.battery_state_of_health_pct,
        filled.grid_import_kwh,
        filled.grid_export_kwh,
        filled.grid_up_flag,
        filled.quality_flag,
        false as late_arrival_flag,
        false as unit_converted_flag,
        true as filled_flag,
        households.tariff_id,
        clock.interval_start_local,
        clock.local_date,
        clock.local_hour,
        clock.local_month,
        clock.local_iso_weekday
    from filled
    inner join households on filled.household_id = households.household_id
    inner join clock
        on
            households.time_zone = clock.time_zone
            and filled.interval_start_at = clock.interval_start_at
),

hours as (
    select
        household_id,
        interval_start_at,
        solar_kwh,
        load_kwh,
        critical_load_kwh,
        load_hvac_kwh,
        load_water_heating_kwh,
        load_ev_kwh,
        load_other_kwh,
        battery_charge_kwh,
        battery_discharge_kwh,
        state_of_charge_pct,
        battery_state_of_health_pct,
        grid_import_kwh,
        grid_export_kwh,
        grid_up_flag,
        quality_flag,
        late_arrival_flag,
        unit_converted_flag,
        false as filled_flag,
        tariff_id,
        interval_start_local,
        local_date,
        local_hour,
        local_month,
        local_iso_weekday
    from readings
    union all
    select * from filled_localized
)

select * from hours
