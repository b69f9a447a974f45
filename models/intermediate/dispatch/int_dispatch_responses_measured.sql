-- Every device response to a dispatch call, measured and valued (the hour-by-hour measurement is
-- int_dispatch_hours_measured):
--   requested / delivered = the event hours' sums;
--   participation         = an accepted response that delivered at least
--                           var('dispatch_participation_min_share') of the request;
--   incentive             = delivered x programme rate (participants only);
--   grid value            = delivered x (mean event LMP + programme capacity value).
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

programs as (
    select * from {{ ref('vpp_programs') }}
),

territories as (
    select
        utility_territory,
        market_region
    from {{ ref('territories') }}
),

households as (
    select
        household_id,
        time_zone
    from {{ ref('stg_crm__households') }}
),

prices as (
    select * from {{ ref('stg_grid__market_prices') }}
),

per_response as (
    select
        response_id,
        {{ exact_sum('requested_kwh') }} as requested_kwh,
        {{ exact_sum('coalesce(delivered_kwh, 0)') }} as delivered_kwh
    from hours
    group by response_id
),

event_prices as (
    select
        calls.call_id,
        {{ exact_avg('prices.lmp_usd_per_mwh') }} as event_lmp_usd_per_mwh
    from calls
    inner join programs on calls.program_id = programs.program_id
    inner join territories on programs.utility_territory = territories.utility_territory
    inner join prices
        on territories.market_region = prices.market_region
            and calls.event_start_at <= prices.interval_start_at
            and calls.event_end_at > prices.interval_start_at
    group by calls.call_id
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
        cast({{ to_local_timestamp('calls.event_start_at', 'households.time_zone') }} as date) as event_local_date,
        per_response.requested_kwh,
        per_response.delivered_kwh,
        programs.incentive_usd_per_kwh,
        programs.capacity_value_usd_per_kwh,
        event_prices.event_lmp_usd_per_mwh,
        case
            when responses.response_status = 'opted_out' then 'customer_opt_out'
            when responses.response_status = 'offline' then 'device_offline'
            when per_response.delivered_kwh
                < {{ var('dispatch_participation_min_share') }} * per_response.requested_kwh
                then 'insufficient_delivery'
        end as non_participation_reason
    from responses
    inner join calls on responses.call_id = calls.call_id
    inner join programs on calls.program_id = programs.program_id
    inner join households on responses.household_id = households.household_id
    inner join per_response on responses.response_id = per_response.response_id
    left join event_prices on responses.call_id = event_prices.call_id
),

final as (
    select
        *,
        non_participation_reason is null as participated_flag,
        case
            when non_participation_reason is null then delivered_kwh * incentive_usd_per_kwh
            else 0
        end as customer_incentive_usd,
        delivered_kwh * (coalesce(event_lmp_usd_per_mwh, 0) / 1000 + capacity_value_usd_per_kwh) as grid_value_usd
    from measured
)

select * from final
