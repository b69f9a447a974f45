-- Usable hourly readings: one per home and hour, energy in kWh, with arrival and unit flags.
-- Everything else is in stg_fleet__telemetry_quarantine.
with

classified as (
    select * from {{ ref('base_fleet__telemetry_classified') }}
),

usable as (
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
        received_at,
        late_arrival_flag,
        unit_converted_flag
    from classified
    where quarantine_reason is null
)

select * from usable
