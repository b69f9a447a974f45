with

months as (
    select * from {{ ref('int_contract_months_invoiced') }}
),

final as (
    select
        {{ month_label('billing_month_start') }} as billing_month,
        household_id,
        contract_id,
        utility_bill_without_system_usd,
        utility_bill_with_system_usd,
        subscription_payment_usd,
        vpp_credits_usd,
        net_customer_value_usd,
        overage_kwh
    from months
)

select * from final
