-- Every device response to a dispatch call, measured: its event hours (int_dispatch_hours_measured) summed,
-- and whether it counts as participation by the programme's measure - an accepted response whose settled
-- energy reached var('dispatch_participation_min_share') of the request.
{{ config(materialized='table') }}

with

hours as (
    select * from {{ ref('int_dispatch_hours_measured') }}
),

responses as (
    select * from {{ ref('stg_vpp__device_responses') }}
),

calls as (
    select * from {{ ref('stg_vpp__dispatch_calls') }}
),

per_response as (
    select
        response_id,
        event_local_date,
        {{ exact_sum('requested_kwh') }} as requested_kwh,
        {{ exact_sum('settled_kwh') }} as settled_kwh,
        {{ exact_sum('incremental_kwh') }} as incremental_kwh,
        cast(sum(case when baseline_days = 0 then 1 else 0 end) as integer) as hours_without_baseline
    from hours
    group by response_id, event_local_date
),

measured as (
    select
        responses.response_id,
        responses.call_id,
        responses.household_id,
        responses.response_status,
        calls.program_id,
        calls.dispatch_type,
        calls.event_start_at,
        calls.duration_minutes,
        per_response.event_local_date,
        per_response.requested_kwh,
        per_response.settled_kwh,
        per_response.incremental_kwh,
        per_response.hours_without_baseline,
        case
            when responses.response_status = 'opted_out' then 'customer_opt_out'
            when responses.response_status = 'offline' then 'device_offline'
            when per_response.settled_kwh
                < {{ var('dispatch_participation_min_share') }} * per_response.requested_kwh
                then 'insufficient_delivery'
        end as non_participation_reason
    from responses
    inner join calls on responses.call_id = calls.call_id
    inner join per_response on responses.response_id = per_response.response_id
),

final as (
    select
        *,
        non_participation_reason is null as participated_flag
    from measured
)

select * from final
