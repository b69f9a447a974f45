-- One row per interruption, home in service on the interrupted feeder and hour of the interruption: the home's
-- telemetry for the hour (was the grid down, what the critical circuits drew, what the battery did), the
-- battery it had in service, and the critical load it typically draws in that local hour with the grid up.
-- A home is in service during an interruption when it reported in the interruption's hours.
{{ config(
    materialized='table',
    pre_hook="{{ keep_planned_build_side() }}",
    post_hook="{{ restore_build_side() }}",
) }}

with

outage_hours as (
    select * from {{ ref('int_outage_hours_prorated') }}
),

outages as (
    select
        outage_id,
        feeder_id
    from {{ ref('stg_grid__outages') }}
),

households as (
    select
        household_id,
        feeder_id
    from {{ ref('stg_crm__households') }}
),

batteries as (
    select
        household_id,
        power_kw,
        install_date
    from {{ ref('stg_installs__battery_systems') }}
),

readings as (
    -- the hours with a reading: a filled hour is a copy of another day, not a measurement
    select * from {{ ref('int_telemetry_hours_metered') }}
    where not filled_flag
),

profiles as (
    select
        household_id,
        local_hour,
        typical_critical_load_kwh
    from {{ ref('int_critical_load_profiles') }}
),

feeder_hours as (
    -- every home on an interrupted feeder, for every hour of the interruption
    select
        outage_hours.outage_id,
        outage_hours.hour_start_at,
        outage_hours.outage_minutes_in_hour,
        households.household_id
    from outage_hours
    inner join outages on outage_hours.outage_id = outages.outage_id
    inner join households on outages.feeder_id = households.feeder_id
),

outage_readings as (
    -- a semi-join: the hash table is built on the outage hours, not on the whole hourly feed
    select
        telemetry.household_id,
        telemetry.interval_start_at,
        telemetry.local_date,
        telemetry.local_hour,
        telemetry.grid_up_flag,
        telemetry.solar_generation_kwh as solar_kwh,
        telemetry.critical_load_kwh,
        telemetry.battery_charge_kwh,
        telemetry.battery_discharge_kwh,
        telemetry.state_of_charge_pct
    from readings as telemetry
    where exists (
            select 1 as found
            from feeder_hours
            where
                feeder_hours.household_id = telemetry.household_id
                and feeder_hours.hour_start_at = telemetry.interval_start_at
        )
),

final as (
    select
        feeder_hours.outage_id,
        feeder_hours.household_id,
        feeder_hours.hour_start_at,
        outage_readings.local_date,
        outage_readings.local_hour,
        feeder_hours.outage_minutes_in_hour,
        outage_readings.grid_up_flag,
        outage_readings.solar_kwh,
        outage_readings.critical_load_kwh,
        outage_readings.battery_charge_kwh,
        outage_readings.battery_discharge_kwh,
        outage_readings.state_of_charge_pct,
        coalesce(batteries.install_date <= outage_readings.local_date, false) as battery_in_service_flag,
        batteries.power_kw as battery_power_kw,
        profiles.typical_critical_load_kwh
    from feeder_hours
    inner join outage_readings
        on
            feeder_hours.household_id = outage_readings.household_id
            and feeder_hours.hour_start_at = outage_readings.interval_start_at
    left join batteries on feeder_hours.household_id = batteries.household_id
    left join profiles
        on
            feeder_hours.household_id = profiles.household_id
            and outage_readings.local_hour = profiles.local_hour
)

select * from final
