with

contracts as (
    select * from {{ ref('int_contracts_sequenced') }}
),

final as (
    select
        contract_id,
        household_id,
        subscription_type,
        term_years,
        contract_start_date,
        monthly_minimum_payment_usd as monthly_minimum_payment,
        flex_rate_usd_per_kwh as flex_rate_per_kwh,
        escalator_pct,
        battery_included_flag,
        vpp_eligible_flag,
        status,
        renewal_flag,
        churn_flag
    from contracts
)

select * from final
