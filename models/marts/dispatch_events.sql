with

responses as (
    select * from {{ ref('int_dispatch_responses_measured') }}
),

final as (
    select
        response_id as dispatch_event_id,
        event_local_date as date,
        household_id,
        program_id,
        dispatch_type,
        requested_kwh,
        delivered_kwh,
        duration_minutes,
        participated_flag,
        non_participation_reason,
        customer_incentive_usd,
        grid_value_usd
    from responses
)

select * from final
