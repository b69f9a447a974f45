-- Every raw telemetry reading, typed, with energy normalised to kWh, flagged, and - when it cannot be used -
-- the reason it goes to quarantine:
--   duplicate            a retransmitted copy of an hour already delivered (the first arrival is kept);
--   unknown_energy_unit  energy_unit is neither kWh nor Wh;
--   negative_reading     an energy column below zero (meters only count up);
--   out_of_range         an energy column above var('telemetry_max_hourly_kwh') kWh in one hour, or a
--                        state of charge outside 0-100 %.
-- Readings are read at the meters' resolution: energy in whole Wh (three decimals of kWh), state of charge and
-- health to 0.01 % (the raw float32 values carry binary noise below that; round(x * 1000) / 1000 is round(x, 3),
-- several times cheaper per reading). Readings reported in Wh are converted (unit_converted_flag); readings that
-- arrived more than var('telemetry_late_after_hours') hours after their hour are kept and flagged
-- (late_arrival_flag).
-- A view: the hourly feed stays in the raw Parquet and is read where it is needed (a filter on
-- interval_start_at skips the row groups of other months).
with

source as (
    select * from {{ source('fleet', 'telemetry_hourly') }}
),

extra_copies as (
    select * from {{ ref('base_fleet__telemetry_duplicate_copies') }}
),

typed as (
    select
        cast(household_id as string) as household_id,
        cast(interval_start_at as {{ type_timestamp_tz() }}) as interval_start_at,
        cast(received_at as {{ type_timestamp_tz() }}) as received_at,
        cast(energy_unit as string) as energy_unit,
        case cast(energy_unit as string) when 'kWh' then 1000.0 when 'Wh' then 1.0 end as wh_per_unit,
        cast(solar_kwh as double) as solar_reading,
        cast(load_kwh as double) as load_reading,
        cast(critical_load_kwh as double) as critical_load_reading,
        cast(load_hvac_kwh as double) as load_hvac_reading,
        cast(load_water_heating_kwh as double) as load_water_heating_reading,
        cast(load_ev_kwh as double) as load_ev_reading,
        cast(load_other_kwh as double) as load_other_reading,
        cast(battery_charge_kwh as double) as battery_charge_reading,
        cast(battery_discharge_kwh as double) as battery_discharge_reading,
        cast(grid_import_kwh as double) as grid_import_reading,
        cast(grid_export_kwh as double) as grid_export_reading,
        round(cast(state_of_charge_pct as double) * 100) / 100 as state_of_charge_pct,
        round(cast(battery_state_of_health_pct as double) * 100) / 100 as battery_state_of_health_pct,
        cast(grid_up_flag as boolean) as grid_up_flag,
        cast(quality_flag as string) as quality_flag
    from source
),

normalized as (
    select
        household_id,
        interval_start_at,
        received_at,
        energy_unit,
        round(solar_reading * wh_per_unit) / 1000 as solar_kwh,
        round(load_reading * wh_per_unit) / 1000 as load_kwh,
        round(critical_load_reading * wh_per_unit) / 1000 as critical_load_kwh,
        round(load_hvac_reading * wh_per_unit) / 1000 as load_hvac_kwh,
        round(load_water_heating_reading * wh_per_unit) / 1000 as load_water_heating_kwh,
        round(load_ev_reading * wh_per_unit) / 1000 as load_ev_kwh,
        round(load_other_reading * wh_per_unit) / 1000 as load_other_kwh,
        round(battery_charge_reading * wh_per_unit) / 1000 as battery_charge_kwh,
        round(battery_discharge_reading * wh_per_unit) / 1000 as battery_discharge_kwh,
        state_of_charge_pct,
        battery_state_of_health_pct,
        round(grid_import_reading * wh_per_unit) / 1000 as grid_import_kwh,
        round(grid_export_reading * wh_per_unit) / 1000 as grid_export_kwh,
        grid_up_flag,
        quality_flag,
        coalesce(energy_unit != 'kWh', false) as unit_converted_flag,
        -- seconds between the instants, as integers: cheaper per reading than calendar arithmetic on time zones
        {{ epoch_seconds('received_at') }} - {{ epoch_seconds('interval_start_at') }}
        > {{ var('telemetry_late_after_hours') }} * 3600 as late_arrival_flag
    from typed
),

classified as (
    select
        normalized.*,
        case
            when extra_copies.household_id is not null then 'duplicate'
            when normalized.energy_unit is null or normalized.energy_unit not in ('kWh', 'Wh')
                then 'unknown_energy_unit'
            -- plain comparisons, not least()/greatest(), which are several times slower per reading
            when
                normalized.solar_kwh < 0
                or normalized.load_kwh < 0
                or normalized.critical_load_kwh < 0
                or normalized.battery_charge_kwh < 0
                or normalized.battery_discharge_kwh < 0
                or normalized.grid_import_kwh < 0
                or normalized.grid_export_kwh < 0
                then 'negative_reading'
            when
                normalized.solar_kwh > {{ var('telemetry_max_hourly_kwh') }}
                or normalized.load_kwh > {{ var('telemetry_max_hourly_kwh') }}
                or normalized.critical_load_kwh > {{ var('telemetry_max_hourly_kwh') }}
                or normalized.battery_charge_kwh > {{ var('telemetry_max_hourly_kwh') }}
                or normalized.battery_discharge_kwh > {{ var('telemetry_max_hourly_kwh') }}
                or normalized.grid_import_kwh > {{ var('telemetry_max_hourly_kwh') }}
                or normalized.grid_export_kwh > {{ var('telemetry_max_hourly_kwh') }}
                or normalized.state_of_charge_pct not between 0 and 100
                or normalized.battery_state_of_health_pct not between 0 and 100 then 'out_of_range'
        end as quarantine_reason
    from normalized
    left join extra_copies
        on
            normalized.household_id = extra_copies.household_id
            and normalized.interval_start_at = extra_copies.interval_start_at
            and normalized.received_at = extra_copies.received_at
)

select * from classified
