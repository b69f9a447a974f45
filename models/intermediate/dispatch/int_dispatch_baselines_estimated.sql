-- What the battery would have done in each event hour without the event (the counterfactual baseline): its
-- mean net discharge (discharge minus charge) in the same local hour on the most recent
-- var('dispatch_baseline_days') comparable days among the var('dispatch_baseline_lookback_days') local days
-- before the event day. A comparable day is one with no accepted event at the home (its controller held and
-- pre-charged for the event) and no grid outage at the home (it islanded or topped up for the storm). Days are
-- the home's local calendar days, so the window keeps its wall-clock hour across a daylight-saving change; on
-- the day clocks fall back the repeated hour counts once, as the mean of its two readings. Event hours without
-- a comparable day keep a null baseline (baseline_days = 0).
-- Day matching as in the CAISO "10 in 10" customer load baseline (CAISO tariff, Proxy Demand Resource
-- baselines; Bode & Ciccone, California ISO Baseline Accuracy Assessment, 2017).
{{ config(
    materialized='table',
    pre_hook="{{ keep_planned_build_side() }}",
    post_hook="{{ restore_build_side() }}",
) }}

with

event_hours as (
    select * from {{ ref('int_dispatch_hours_requested') }}
),

readings as (
    -- the hours with a reading: a filled hour is a copy of another day, not a measurement
    select * from {{ ref('int_telemetry_hours_metered') }}
    where not filled_flag
),

lookback_days as (
    select generated_number as days_back
    from ({{ dbt.generate_series(var('dispatch_baseline_lookback_days')) }}) as series
),

candidate_hours as (
    -- the same local hour on each earlier local day the baseline may use
    select
        event_hours.response_id,
        event_hours.household_id,
        event_hours.hour_start_at,
        event_hours.local_hour,
        lookback_days.days_back,
        cast({{ dbt.dateadd('day', '-lookback_days.days_back', 'event_hours.local_date') }} as date)
            as candidate_local_date
    from event_hours
    cross join lookback_days
),

candidate_days as (
    select distinct
        household_id,
        candidate_local_date as local_date
    from candidate_hours
),

candidate_day_hours as (
    select distinct
        household_id,
        candidate_local_date as local_date,
        local_hour
    from candidate_hours
),

-- The readings of those home-days the baseline needs - the matching local hours, and any grid-down hour (an
-- outage makes the whole day incomparable) - found with semi-joins so the hash tables are built on the few
-- candidate days rather than on the whole hourly feed.
day_readings as (
    select
        telemetry.household_id,
        telemetry.local_date,
        telemetry.local_hour,
        telemetry.grid_up_flag,
        telemetry.battery_discharge_kwh - telemetry.battery_charge_kwh as battery_net_discharge_kwh
    from readings as telemetry
    where
        exists (
            select 1 as found
            from candidate_day_hours
            where
                candidate_day_hours.household_id = telemetry.household_id
                and candidate_day_hours.local_date = telemetry.local_date
                and candidate_day_hours.local_hour = telemetry.local_hour
        )
        or (
            not telemetry.grid_up_flag
            and exists (
                select 1 as found
                from candidate_days
                where
                    candidate_days.household_id = telemetry.household_id
                    and candidate_days.local_date = telemetry.local_date
            )
        )
),

event_days as (
    select distinct
        household_id,
        local_date
    from event_hours
    where response_status = 'accepted'
),

outage_days as (
    select distinct
        household_id,
        local_date
    from day_readings
    where not grid_up_flag
),

comparable_days as (
    select
        candidate_days.household_id,
        candidate_days.local_date
    from candidate_days
    where
        not exists (
            select 1 as found
            from event_days
            where
                event_days.household_id = candidate_days.household_id
                and event_days.local_date = candidate_days.local_date
        )
        and not exists (
            select 1 as found
            from outage_days
            where
                outage_days.household_id = candidate_days.household_id
                and outage_days.local_date = candidate_days.local_date
        )
),

local_hour_readings as (
    -- one value per home, local day and local hour (two readings share a local hour on the day clocks fall back)
    select
        household_id,
        local_date,
        local_hour,
        {{ exact_avg('battery_net_discharge_kwh') }} as battery_net_discharge_kwh
    from day_readings
    group by household_id, local_date, local_hour
),

candidates as (
    select
        candidate_hours.response_id,
        candidate_hours.hour_start_at,
        candidate_hours.days_back,
        local_hour_readings.battery_net_discharge_kwh,
        row_number() over (
            partition by candidate_hours.response_id, candidate_hours.hour_start_at
            order by candidate_hours.days_back
        ) as nth_day
    from candidate_hours
    inner join comparable_days
        on
            candidate_hours.household_id = comparable_days.household_id
            and candidate_hours.candidate_local_date = comparable_days.local_date
    inner join local_hour_readings
        on
            candidate_hours.household_id = local_hour_readings.household_id
            and candidate_hours.candidate_local_date = local_hour_readings.local_date
            and candidate_hours.local_hour = local_hour_readings.local_hour
    -- a reading without battery flows (no battery metered) says nothing about what the battery would do
    where local_hour_readings.battery_net_discharge_kwh is not null
),

baselines as (
    select
        response_id,
        hour_start_at,
        {{ exact_avg('battery_net_discharge_kwh') }} as baseline_net_discharge_kwh,
        count(*) as baseline_days
    from candidates
    where nth_day <= {{ var('dispatch_baseline_days') }}
    group by response_id, hour_start_at
),

final as (
    select
        event_hours.response_id,
        event_hours.household_id,
        event_hours.hour_start_at,
        event_hours.local_date,
        event_hours.local_hour,
        baselines.baseline_net_discharge_kwh,
        cast(coalesce(baselines.baseline_days, 0) as integer) as baseline_days
    from event_hours
    left join baselines
        on
            event_hours.response_id = baselines.response_id
            and event_hours.hour_start_at = baselines.hour_start_at
)

select * from final
