-- Every device response to a dispatch call, valued twice, each on its own energy:
--   customer incentive = settled energy x the programme's incentive rate, participants only - what the
--                        programme pays under its rules;
--   grid value         = incremental energy x (mean LMP of the programme's market region during the event +
--                        the programme's capacity value) - what the grid got that it would not have had anyway.
{{ config(materialized='table') }}

with

responses as (
    select * from {{ ref('int_dispatch_responses_measured') }}
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

prices as (
    select * from {{ ref('stg_grid__market_prices') }}
),

event_prices as (
    select
        calls.call_id,
        {{ exact_avg('prices.lmp_usd_per_mwh') }} as event_lmp_usd_per_mwh
    from calls
    inner join programs on calls.program_id = programs.program_id
    inner join territories on programs.utility_territory = territories.utility_territory
    inner join prices
        on
            territories.market_region = prices.market_region
            and calls.event_start_at <= prices.interval_start_at
            and calls.event_end_at > prices.interval_start_at
    group by calls.call_id
),

rated as (
    select
        responses.*,
        programs.incentive_usd_per_kwh,
        programs.capacity_value_usd_per_kwh,
        event_prices.event_lmp_usd_per_mwh
    from responses
    inner join programs on responses.program_id = programs.program_id
    left join event_prices on responses.call_id = event_prices.call_id
),

final as (
    select
        *,
        case
            when participated_flag then settled_kwh * incentive_usd_per_kwh
            else 0
        end as customer_incentive_usd,
        incremental_kwh
        * (coalesce(event_lmp_usd_per_mwh, 0) / 1000 + capacity_value_usd_per_kwh) as grid_value_usd
    from rated
)

select * from final
