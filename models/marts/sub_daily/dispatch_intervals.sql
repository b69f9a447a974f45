-- The premium pack's sub-daily dispatch table: one row per dispatch event, home and event hour (the
-- telemetry's interval), with the request, the baseline, what was delivered and how it settles. Built month by
-- month (local month of the event) and released as month-partitioned Parquet.
{{ config(materialized='monthly_parquet', order_by='dispatch_event_id, interval_start_at') }}

with

hours as (
    select * from {{ ref('int_dispatch_hours_measured') }}
),

responses as (
    select * from {{ ref('int_dispatch_responses_measured') }}
    where {{ in_month_partition('event_local_date') }}
),

final as (
    select
        responses.response_id as dispatch_event_id,
        responses.household_id,
        responses.program_id,
        responses.event_local_date as date,
        hours.hour_start_at as interval_start_at,
        60 as interval_minutes,
        hours.requested_kwh as requested_kw,
        hours.baseline_net_discharge_kwh as baseline_kw,
        hours.metered_net_discharge_kwh as metered_kw,
        hours.delivered_kwh,
        responses.participated_flag,
        case
            when responses.participated_flag then hours.delivered_kwh * responses.incentive_usd_per_kwh
            else 0
        end as settlement_usd
    from responses
    inner join hours on responses.response_id = hours.response_id
)

select * from final
