-- A published monthly bill with the system is below zero only in a net-metering true-up month whose avoided-cost
-- payment for the year's surplus kWh is larger than the month's charges (doc `monthly_utility_bill`). Any other
-- negative bill means exports were credited beyond the bill: no bank, no minimum (the behaviour this replaces:
-- 9.8 % of monthly bills below zero, each hour netted on its own).
with

billing as (
    select * from {{ ref('billing_and_savings') }}
),

months as (
    select * from {{ ref('int_household_months_billed') }}
),

final as (
    select
        billing.household_id,
        billing.billing_month,
        billing.utility_bill_with_system_usd,
        months.true_up_payment_usd
    from billing
    left join months
        on
            billing.household_id = months.household_id
            and billing.billing_month = {{ month_label('months.billing_month_start') }}
    where
        billing.utility_bill_with_system_usd < 0
        and coalesce(months.true_up_payment_usd, 0) <= 0
)

select * from final
