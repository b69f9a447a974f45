-- Every event hour of every device response, with the incentive it settles: the hour's settled energy x the
-- programme's incentive rate when the response participated (so an event's hours add up to its customer
-- incentive in int_dispatch_responses_valued).
{{ config(materialized='table') }}

with

hours as (
    select * from {{ ref('int_dispatch_hours_measured') }}
),

responses as (
    select * from {{ ref('int_dispatch_responses_valued') }}
),

final as (
    select
        hours.*,
        responses.participated_flag,
        case
            when responses.participated_flag then hours.settled_kwh * responses.incentive_usd_per_kwh
            else 0
        end as settlement_usd
    from hours
    inner join responses on hours.response_id = responses.response_id
)

select * from final
