-- Measurement & verification of every device response to a dispatch call, hour by hour of the event.
--   requested  = the power asked of the device for the hour;
--   baseline   = for programmes settled on a `prior_days` baseline, the battery's mean net discharge in the
--                same hour on up to var('dispatch_baseline_days') of the previous
--                var('dispatch_baseline_lookback_days') days without an accepted event or a grid outage in
--                that hour; zero for programmes settled on `metered_discharge` (seed vpp_programs);
--   delivered  = net discharge above the baseline, floored at 0 and capped at the hour's request, so
--                delivered never exceeds requested. Only accepted responses deliver.
{{ config(
    materialized='table',
    pre_hook="{{ keep_planned_build_side() }}",
    post_hook="{{ restore_build_side() }}",
) }}

with

responses as (
    select * from {{ ref('stg_vpp__device_responses') }}
),

calls as (
    select * from {{ ref('stg_vpp__dispatch_calls') }}
),

programs as (
    select * from {{ ref('vpp_programs') }}
),

hour_offsets as (
    select generated_number - 1 as hour_offset
    from ({{ dbt.generate_series(24) }}) as series
),

lookback_days as (
    select generated_number as days_back
    from ({{ dbt.generate_series(var('dispatch_baseline_lookback_days')) }}) as series
),

response_hours as (
    select
        responses.response_id,
        responses.household_id,
        responses.response_status,
        responses.requested_kw,
        programs.baseline_method,
        {{ dbt.dateadd('hour', 'hour_offsets.hour_offset', 'calls.event_start_at') }} as hour_start_at
    from responses
    inner join calls on responses.call_id = calls.call_id
    inner join programs on calls.program_id = programs.program_id
    inner join hour_offsets on hour_offsets.hour_offset * 60 < calls.duration_minutes
),

-- The readings this model needs, found with semi-joins so the hash tables are built on the few event and
-- baseline hours rather than on the whole hourly feed.
event_readings as (
    select
        telemetry.household_id,
        telemetry.interval_start_at,
        telemetry.battery_discharge_kwh - telemetry.battery_charge_kwh as battery_net_discharge_kwh
    from {{ ref('int_telemetry_readings_localized') }} as telemetry
    where exists (
            select 1 as found
            from response_hours
            where
                response_hours.household_id = telemetry.household_id
                and response_hours.hour_start_at = telemetry.interval_start_at
        )
),

accepted_hours as (
    select distinct
        household_id,
        hour_start_at
    from response_hours
    where response_status = 'accepted'
),

baseline_hours as (
    -- the same hour on each earlier day the baseline may use
    select
        response_hours.response_id,
        response_hours.household_id,
        response_hours.hour_start_at,
        lookback_days.days_back,
        {{ dbt.dateadd('day', '-lookback_days.days_back', 'response_hours.hour_start_at') }} as baseline_hour_start_at
    from response_hours
    cross join lookback_days
    where response_hours.baseline_method = 'prior_days'
),

baseline_readings as (
    select
        telemetry.household_id,
        telemetry.interval_start_at,
        telemetry.battery_discharge_kwh - telemetry.battery_charge_kwh as battery_net_discharge_kwh
    from {{ ref('int_telemetry_readings_localized') }} as telemetry
    where
        telemetry.grid_up_flag
        and exists (
            select 1 as found
            from baseline_hours
            where
                baseline_hours.household_id = telemetry.household_id
                and baseline_hours.baseline_hour_start_at = telemetry.interval_start_at
        )
),

baseline_candidates as (
    select
        baseline_hours.response_id,
        baseline_hours.hour_start_at,
        baseline_hours.days_back,
        baseline_readings.battery_net_discharge_kwh
    from baseline_hours
    inner join baseline_readings
        on
            baseline_hours.household_id = baseline_readings.household_id
            and baseline_hours.baseline_hour_start_at = baseline_readings.interval_start_at
    left join accepted_hours
        on
            baseline_readings.household_id = accepted_hours.household_id
            and baseline_readings.interval_start_at = accepted_hours.hour_start_at
    where accepted_hours.household_id is null
),

baselines as (
    select
        response_id,
        hour_start_at,
        {{ exact_avg('battery_net_discharge_kwh') }} as baseline_net_discharge_kwh
    from (
        select
            *,
            row_number() over (partition by response_id, hour_start_at order by days_back) as nth_day
        from baseline_candidates
    ) as ranked
    where nth_day <= {{ var('dispatch_baseline_days') }}
    group by response_id, hour_start_at
),

measured_hours as (
    select
        response_hours.response_id,
        response_hours.household_id,
        response_hours.hour_start_at,
        response_hours.requested_kw as requested_kwh,
        event_readings.battery_net_discharge_kwh as metered_net_discharge_kwh,
        coalesce(baselines.baseline_net_discharge_kwh, 0) as baseline_net_discharge_kwh,
        coalesce(case
            when response_hours.response_status = 'accepted'
                then least(
                        greatest(
                            event_readings.battery_net_discharge_kwh
                            - coalesce(baselines.baseline_net_discharge_kwh, 0),
                            0
                        ),
                        response_hours.requested_kw
                    )
            else 0
        end, 0) as delivered_kwh
    from response_hours
    left join event_readings
        on
            response_hours.household_id = event_readings.household_id
            and response_hours.hour_start_at = event_readings.interval_start_at
    left join baselines
        on response_hours.response_id = baselines.response_id
            and response_hours.hour_start_at = baselines.hour_start_at
)

select * from measured_hours
