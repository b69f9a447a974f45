-- The schema's dispatch fact table: delivered_kwh is the settled energy (the programme's own measure, which
-- the incentive pays for); grid_value_usd is priced on the incremental energy (see int_dispatch_responses_valued).
with

responses as (
    select * from {{ ref('int_dispatch_responses_valued') }}
),

final as (
    select
        response_id as dispatch_event_id,
        event_local_date as date,
        household_id,
        program_id,
        dispatch_type,
        requested_kwh,
        settled_kwh as delivered_kwh,
        duration_minutes,
        participated_flag,
        non_participation_reason,
        customer_incentive_usd,
        grid_value_usd
    from responses
)

select * from final
