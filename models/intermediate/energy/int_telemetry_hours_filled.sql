-- Hours a home was in service but has no usable reading (never delivered, or quarantined), filled by a
-- documented rule: copy the home's reading at the same UTC hour on the nearest day with one, looking up to
-- var('telemetry_fill_max_days') days back and forward (back first on a tie); a home with no such day (e.g. in
-- service only on the pack's last day) takes its nearest hour with a reading, up to 23 hours away. A copied
-- reading is a real, internally balanced hour of the same home, so daily energy balances and bills stay consistent.
-- Built month by month (local month of the missing hour); a month reads the readings of the days around it.
{{ config(
    materialized='monthly_parquet',
    pre_hook="{{ keep_planned_build_side() }}",
    post_hook="{{ restore_build_side() }}",
) }}

with

households as (
    select
        household_id,
        time_zone,
        tariff_id
    from {{ ref('stg_crm__households') }}
),

systems as (
    select
        household_id,
        commission_date
    from {{ ref('stg_installs__solar_systems') }}
),

contracts as (
    -- one row per home: its service ends when its latest contract does (the customer churned); a home with
    -- several contracts (renewals) is in service through all of them
    select
        household_id,
        active_until_date as service_end_date
    from {{ ref('int_contracts_sequenced') }}
    where latest_contract_flag
),

clock as (
    select * from {{ ref('int_local_clock_hours') }}
),

quarantine as (
    select
        household_id,
        interval_start_at,
        received_at
    from {{ ref('stg_fleet__telemetry_quarantine') }}
    where {{ in_month_partition('interval_start_at', margin_days=1) }}
),

usable_keys as (
    -- the month's usable readings as keys: every reading of the feed that is not in quarantine (the readings of
    -- stg_fleet__telemetry_hourly, found by three columns of the feed instead of classifying every reading again)
    select
        classified.household_id,
        classified.interval_start_at
    from {{ ref('base_fleet__telemetry_classified') }} as classified
    left join quarantine
        on
            classified.household_id = quarantine.household_id
            and classified.interval_start_at = quarantine.interval_start_at
            and classified.received_at = quarantine.received_at
    where
        {{ in_month_partition('classified.interval_start_at', margin_days=1) }}
        and quarantine.household_id is null
),

counted as (
    -- one pass over the month's readings: per home and local day, how many hours have a usable reading and
    -- which ones, as a mask of their hour bits
    select
        usable_keys.household_id,
        clock.local_date,
        count(*) as hours_with_reading,
        bit_or({{ hour_bit('usable_keys.interval_start_at') }}) as hours_present
    from usable_keys
    inner join households on usable_keys.household_id = households.household_id
    inner join clock
        on
            households.time_zone = clock.time_zone
            and usable_keys.interval_start_at = clock.interval_start_at
    where {{ in_month_partition('clock.local_date') }}
    group by usable_keys.household_id, clock.local_date
),

day_offsets as (
    select generated_number - {{ var('telemetry_fill_max_days') }} - 1 as day_offset
    from ({{ dbt.generate_series(2 * var('telemetry_fill_max_days') + 1) }}) as series
),

hour_offsets as (
    select generated_number - 24 as hour_offset
    from ({{ dbt.generate_series(47) }}) as series
),

clock_days as (
    select distinct
        time_zone,
        local_date,
        hours_in_local_day as hours_in_day
    from clock
    where {{ in_month_partition('local_date') }}
),

service_days as (
    select
        households.household_id,
        households.time_zone,
        clock_days.local_date,
        clock_days.hours_in_day
    from households
    inner join systems on households.household_id = systems.household_id
    left join contracts on households.household_id = contracts.household_id
    inner join clock_days
        on
            households.time_zone = clock_days.time_zone
            and systems.commission_date <= clock_days.local_date
            and (contracts.service_end_date is null or contracts.service_end_date > clock_days.local_date)
),

short_days as (
    select
        service_days.*,
        coalesce(counted.hours_present, 0) as hours_present
    from service_days
    left join counted
        on
            service_days.household_id = counted.household_id
            and service_days.local_date = counted.local_date
    where coalesce(counted.hours_with_reading, 0) < service_days.hours_in_day
),

missing_hours as (
    -- the hours of the short days whose bit is not in the day's mask
    select
        short_days.household_id,
        clock.interval_start_at
    from short_days
    inner join clock
        on
            short_days.time_zone = clock.time_zone
            and short_days.local_date = clock.local_date
    where
        (short_days.hours_present & {{ hour_bit('clock.interval_start_at') }}) = 0
),

source_hours as (
    -- where a missing hour may be copied from: the same hour on each nearby day, and as a last resort the
    -- hours around it
    select
        missing_hours.household_id,
        missing_hours.interval_start_at,
        day_offsets.day_offset,
        0 as hour_offset,
        {{ dbt.dateadd('day', 'day_offsets.day_offset', 'missing_hours.interval_start_at') }}
            as source_interval_start_at
    from missing_hours
    cross join day_offsets
    where day_offsets.day_offset != 0
    union all
    select
        missing_hours.household_id,
        missing_hours.interval_start_at,
        0 as day_offset,
        hour_offsets.hour_offset,
        {{ dbt.dateadd('hour', 'hour_offsets.hour_offset', 'missing_hours.interval_start_at') }}
            as source_interval_start_at
    from missing_hours
    cross join hour_offsets
    where hour_offsets.hour_offset != 0
),

nearby_readings as (
    select telemetry.*
    from {{ ref('int_telemetry_readings_localized') }} as telemetry
    where
        {{ in_month_partition('telemetry.local_date', margin_days=var('telemetry_fill_max_days') + 1) }}
        and {{ in_month_partition('telemetry.interval_start_at', margin_days=var('telemetry_fill_max_days') + 2) }}
        and exists (
            select 1 as found
            from source_hours
            where
                source_hours.household_id = telemetry.household_id
                and source_hours.source_interval_start_at = telemetry.interval_start_at
        )
),

candidates as (
    select
        source_hours.household_id,
        source_hours.interval_start_at,
        source_hours.day_offset,
        source_hours.hour_offset,
        nearby_readings.solar_kwh,
        nearby_readings.load_kwh,
        nearby_readings.critical_load_kwh,
        nearby_readings.load_hvac_kwh,
        nearby_readings.load_water_heating_kwh,
        nearby_readings.load_ev_kwh,
        nearby_readings.load_other_kwh,
        nearby_readings.battery_charge_kwh,
        nearby_readings.battery_discharge_kwh,
        nearby_readings.state_of_charge_pct,
        nearby_readings.battery_state_of_health_pct,
        nearby_readings.grid_import_kwh,
        nearby_readings.grid_export_kwh,
        nearby_readings.grid_up_flag,
        nearby_readings.quality_flag
    from source_hours
    inner join nearby_readings
        on
            source_hours.household_id = nearby_readings.household_id
            and source_hours.source_interval_start_at = nearby_readings.interval_start_at
),

nearest as (
    select
        *,
        row_number() over (
            partition by household_id, interval_start_at
            order by hour_offset != 0, abs(day_offset), day_offset, abs(hour_offset), hour_offset
        ) as preference
    from candidates
)

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
    day_offset as filled_from_day_offset,
    hour_offset as filled_from_hour_offset
from nearest
where preference = 1
