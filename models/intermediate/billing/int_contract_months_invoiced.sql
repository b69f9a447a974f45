-- One row per contract and local calendar month in service: the month's utility bills, VPP credits and the
-- subscription payment.
--   contract year  = whole years from the contract's start month to the billing month, so prices step up
--                    on each anniversary month by the escalator: price x (1 + escalator_pct / 100) ^ year;
--   proration      = days in service that month / days in the month (first and last months);
--   minimum        = monthly minimum (escalated) x proration;
--   included kWh   = for usage-priced contracts (flex rate > 0), the energy the minimum pays for;
--   overage kWh    = solar generation above the included kWh (0 for fixed-payment contracts);
--   payment        = minimum + flex rate (escalated) x overage  (= the greater of minimum and usage charge);
--   net value      = (bill without - bill with) + VPP credits - payment.
{{ config(materialized='table') }}

with

months as (
    -- the month's utility bills as the utility issues them (export regime, bank, demand, minimum)
    select * from {{ ref('int_household_months_billed') }}
),

contracts as (
    select * from {{ ref('stg_crm__subscriber_contracts') }}
),

dispatch as (
    select * from {{ ref('int_dispatch_responses_measured') }}
),

credits as (
    select
        household_id,
        {{ dbt.date_trunc('month', 'event_local_date') }} as billing_month_start,
        {{ exact_sum('customer_incentive_usd') }} as vpp_credits_usd
    from dispatch
    group by household_id, {{ dbt.date_trunc('month', 'event_local_date') }}
),

terms as (
    select
        months.household_id,
        months.billing_month_start,
        months.days_in_service,
        months.solar_generation_kwh,
        months.utility_bill_without_system_usd,
        months.utility_bill_with_system_usd,
        contracts.contract_id,
        contracts.subscription_type,
        contracts.flex_rate_usd_per_kwh,
        contracts.monthly_minimum_payment_usd,
        contracts.escalator_pct,
        coalesce(credits.vpp_credits_usd, 0) as vpp_credits_usd,
        {{ dbt.datediff(dbt.date_trunc('month', 'contracts.contract_start_date'), 'months.billing_month_start', 'month') }} -- noqa: LT05
            as contract_months_elapsed,
        {{ dbt.datediff('months.billing_month_start', dbt.dateadd('month', 1, 'months.billing_month_start'), 'day') }} -- noqa: LT05
            as days_in_month
    from months
    inner join contracts on months.household_id = contracts.household_id
    left join credits
        on
            months.household_id = credits.household_id
            and months.billing_month_start = credits.billing_month_start
),

contract_years as (
    select
        *,
        floor(contract_months_elapsed / 12) as contract_year,
        cast(days_in_service as double) / days_in_month as proration
    from terms
),

escalated as (
    select
        *,
        power(1 + escalator_pct / 100, contract_year) as escalation_factor
    from contract_years
),

priced as (
    select
        *,
        monthly_minimum_payment_usd * escalation_factor * proration as minimum_payment_usd,
        flex_rate_usd_per_kwh * escalation_factor as flex_rate_escalated_usd_per_kwh
    from escalated
),

invoiced as (
    select
        *,
        case
            when flex_rate_escalated_usd_per_kwh > 0
                then greatest(solar_generation_kwh - minimum_payment_usd / flex_rate_escalated_usd_per_kwh, 0)
            else 0
        end as overage_kwh
    from priced
),

paid as (
    select
        *,
        minimum_payment_usd + flex_rate_escalated_usd_per_kwh * overage_kwh as subscription_payment_usd
    from invoiced
),

final as (
    select
        *,
        utility_bill_without_system_usd - utility_bill_with_system_usd + vpp_credits_usd - subscription_payment_usd
            as net_customer_value_usd
    from paid
)

select * from final
