-- Every device response to a dispatch call, hour by hour of the event, measured from telemetry two ways:
--   settled energy     = what the programme pays for, by its own rule (seed vpp_programs.baseline_method):
--                        `metered_discharge` counts the battery's metered net discharge in full; `prior_days`
--                        counts the net discharge above the prior-days baseline (int_dispatch_baselines_estimated;
--                        0 when the home has no comparable day);
--   incremental energy = what the grid got because of the call: net discharge above what the battery would
--                        have done anyway (the same prior-days baseline, for every programme); 0 when the home
--                        has no comparable day, as energy that cannot be verified earns no grid value.
-- Both are floored at 0 and capped at the hour's request (so neither exceeds the request), and only accepted
-- responses deliver.
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

baselines as (
    select * from {{ ref('int_dispatch_baselines_estimated') }}
),

-- The event hours' readings, found with a semi-join so the hash table is built on the few event hours rather
-- than on the whole hourly feed.
event_readings as (
    select
        telemetry.household_id,
        telemetry.interval_start_at,
        telemetry.battery_discharge_kwh - telemetry.battery_charge_kwh as battery_net_discharge_kwh
    from readings as telemetry
    where exists (
            select 1 as found
            from event_hours
            where
                event_hours.household_id = telemetry.household_id
                and event_hours.hour_start_at = telemetry.interval_start_at
        )
),

metered as (
    select
        event_hours.response_id,
        event_hours.household_id,
        event_hours.program_id,
        event_hours.event_local_date,
        event_hours.hour_start_at,
        event_hours.response_status,
        event_hours.requested_kwh,
        event_readings.battery_net_discharge_kwh as metered_net_discharge_kwh,
        case
            when event_hours.baseline_method = 'prior_days'
                then coalesce(baselines.baseline_net_discharge_kwh, 0)
            else 0
        end as settlement_baseline_kwh,
        baselines.baseline_net_discharge_kwh as counterfactual_baseline_kwh,
        baselines.baseline_days
    from event_hours
    left join event_readings
        on
            event_hours.household_id = event_readings.household_id
            and event_hours.hour_start_at = event_readings.interval_start_at
    inner join baselines
        on
            event_hours.response_id = baselines.response_id
            and event_hours.hour_start_at = baselines.hour_start_at
),

final as (
    select
        response_id,
        household_id,
        program_id,
        event_local_date,
        hour_start_at,
        requested_kwh,
        metered_net_discharge_kwh,
        settlement_baseline_kwh,
        counterfactual_baseline_kwh,
        baseline_days,
        case
            when response_status = 'accepted' and metered_net_discharge_kwh is not null
                then least(greatest(metered_net_discharge_kwh - settlement_baseline_kwh, 0), requested_kwh)
            else 0
        end as settled_kwh,
        case
            when
                response_status = 'accepted'
                and metered_net_discharge_kwh is not null
                and counterfactual_baseline_kwh is not null
                then least(greatest(metered_net_discharge_kwh - counterfactual_baseline_kwh, 0), requested_kwh)
            else 0
        end as incremental_kwh
    from metered
)

select * from final
