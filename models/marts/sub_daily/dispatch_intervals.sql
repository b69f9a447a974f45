-- The premium pack's sub-daily dispatch table: one row per dispatch event, home and event hour (the
-- telemetry's interval), with the request, the baseline the programme settles against, what was metered, the
-- settled energy and its incentive (int_dispatch_hours_valued). Built month by month (local month of the
-- event) and released as month-partitioned Parquet.
{{ config(materialized='monthly_parquet', order_by='dispatch_event_id, interval_start_at') }}

with

hours as (
    select * from {{ ref('int_dispatch_hours_valued') }}
    where {{ in_month_partition('event_local_date') }}
),

final as (
    select
        response_id as dispatch_event_id,
        household_id,
        program_id,
        event_local_date as date,
        hour_start_at as interval_start_at,
        60 as interval_minutes,
        requested_kwh as requested_kw,
        settlement_baseline_kwh as baseline_kw,
        metered_net_discharge_kwh as metered_kw,
        settled_kwh as delivered_kwh,
        participated_flag,
        settlement_usd
    from hours
)

select * from final
