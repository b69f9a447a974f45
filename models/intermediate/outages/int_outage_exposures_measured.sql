-- One row per outage and home in service on the interrupted feeder, with the backup performance
-- measured from the home's telemetry during the outage hours:
--   critical load served = critical-circuit energy delivered while the grid was down;
--   backup hours         = grid-down hours in which critical load was served;
--   unserved             = the home's typical critical load for those hours minus what was served;
--   outage avoided       = critical load was served and at most var('outage_avoided_max_unserved_share')
--                          of the typical critical load went unserved.
-- Interruptions shorter than half an hour do not show as grid-down hours in hourly telemetry.
{{ config(
    materialized='table',
    pre_hook="{{ keep_planned_build_side() }}",
    post_hook="{{ restore_build_side() }}",
) }}

with

outages as (
    select * from {{ ref('stg_grid__outages') }}
),

households as (
    select
        household_id,
        feeder_id,
        time_zone
    from {{ ref('stg_crm__households') }}
),

batteries as (
    select household_id
    from {{ ref('stg_installs__battery_systems') }}
),

clock as (
    select * from {{ ref('int_local_clock_hours') }}
),

profiles as (
    select * from {{ ref('int_critical_load_profiles') }}
),

hour_offsets as (
    select generated_number - 1 as hour_offset
    from ({{ dbt.generate_series(120) }}) as series
),

outage_hours as (
    select
        outages.outage_id,
        {{ dbt.dateadd('hour', 'hour_offsets.hour_offset', dbt.date_trunc('hour', 'outages.started_at')) }}
            as hour_start_at
    from outages
    inner join hour_offsets
        on {{ dbt.dateadd('hour', 'hour_offsets.hour_offset', dbt.date_trunc('hour', 'outages.started_at')) }}
            < outages.restored_at
),

feeder_hours as (
    -- every home on an interrupted feeder, for every hour of the interruption
    select
        outage_hours.outage_id,
        outage_hours.hour_start_at,
        households.household_id,
        households.time_zone
    from outage_hours
    inner join outages on outage_hours.outage_id = outages.outage_id
    inner join households on outages.feeder_id = households.feeder_id
),

outage_readings as (
    -- a semi-join: the hash table is built on the outage hours, not on the whole hourly feed
    select
        telemetry.household_id,
        telemetry.interval_start_at,
        telemetry.grid_up_flag,
        telemetry.critical_load_kwh
    from {{ ref('int_telemetry_readings_localized') }} as telemetry
    where exists (
            select 1 as found
            from feeder_hours
            where
                feeder_hours.household_id = telemetry.household_id
                and feeder_hours.hour_start_at = telemetry.interval_start_at
        )
),

exposed_hours as (
    -- homes in service during the interruption: those that reported in its hours
    select
        feeder_hours.outage_id,
        feeder_hours.household_id,
        outage_readings.grid_up_flag,
        outage_readings.critical_load_kwh,
        profiles.typical_critical_load_kwh
    from feeder_hours
    inner join outage_readings
        on
            feeder_hours.household_id = outage_readings.household_id
            and feeder_hours.hour_start_at = outage_readings.interval_start_at
    inner join clock
        on
            feeder_hours.time_zone = clock.time_zone
            and feeder_hours.hour_start_at = clock.interval_start_at
    left join profiles
        on
            feeder_hours.household_id = profiles.household_id
            and clock.local_hour = profiles.local_hour
),

per_exposure as (
    select
        outage_id,
        household_id,
        count(*) as hours_in_service,
        sum(case when not grid_up_flag then 1 else 0 end) as grid_down_hours,
        {{ exact_sum('case when not grid_up_flag then critical_load_kwh else 0 end') }} as critical_load_served_kwh,
        sum(case when not grid_up_flag and critical_load_kwh > 0 then 1 else 0 end) as backup_duration_hours,
        {{ exact_sum('case when not grid_up_flag then coalesce(typical_critical_load_kwh, 0) else 0 end') }}
            as typical_critical_load_kwh
    from exposed_hours
    group by outage_id, household_id
),

final as (
    select
        outages.outage_id || '-' || per_exposure.household_id as outage_event_id,
        outages.outage_id,
        per_exposure.household_id,
        cast({{ to_local_timestamp('outages.started_at', 'households.time_zone') }} as date) as outage_local_date,
        outages.started_at,
        outages.outage_duration_minutes,
        outages.major_event_flag,
        batteries.household_id is not null as has_battery,
        per_exposure.grid_down_hours > 0 as grid_down_flag,
        per_exposure.critical_load_served_kwh,
        cast(per_exposure.backup_duration_hours as double) as backup_duration_hours,
        per_exposure.typical_critical_load_kwh,
        greatest(per_exposure.typical_critical_load_kwh - per_exposure.critical_load_served_kwh, 0)
            as unserved_load_kwh
    from per_exposure
    inner join outages on per_exposure.outage_id = outages.outage_id
    inner join households on per_exposure.household_id = households.household_id
    left join batteries on per_exposure.household_id = batteries.household_id
)

select
    *,
    critical_load_served_kwh > 0
    and unserved_load_kwh
    <= {{ var('outage_avoided_max_unserved_share') }} * typical_critical_load_kwh as customer_outage_avoided_flag
from final
