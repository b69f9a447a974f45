-- One row per contract and local calendar month in service: the month's utility bills, VPP credits and the
-- subscription payment. The days of a month are those the contract was in force (int_contract_days_escalated),
-- so a home whose contract changes mid-month has one row per contract, each prorated to its own days.
--   utility bills = the month's bills as the utility issues them (int_household_months_billed: export regime,
--                   credit bank, demand, minimum), shared among the month's contracts by their days in service;
--   proration   = days in service / days in the month (first and last months);
--   escalation  = the average of the daily escalation factors over the days in service: prices step up on the
--                 anniversary date, so a contract that started on the 22nd pays, in its anniversary month,
--                 21 days at the old price and the rest at the new one (prorated, not stepped for the month);
--   minimum     = monthly minimum x escalation x proration;
--   flex rate   = per-kWh price x escalation;
--   then by the product's payment basis (seed contract_products):
--     fixed_payment         leases, loan-like plans: payment = minimum; no overage;
--     per_kwh_with_minimum  PPAs: every kWh produced at the per-kWh price, the minimum a take-or-pay floor:
--                           payment = greater of minimum and flex rate x generation; no overage (there is no
--                           allowance: a PPA kWh above the floor is billed at the same price, not an overage);
--     minimum_plus_overage  flexible subscriptions: the minimum includes an allowance of
--                           minimum_share_of_expected x the design's expected monthly production x proration;
--                           overage = generation beyond it, billed at the flex rate: payment = minimum + flex
--                           rate x overage;
--   net value   = (bill without - bill with) + VPP credits - payment.
{{ config(materialized='table') }}

with

contract_days as (
    select * from {{ ref('int_contract_days_escalated') }}
),

household_months as (
    select * from {{ ref('int_household_months_billed') }}
),

contracts as (
    select * from {{ ref('int_contracts_sequenced') }}
),

products as (
    select * from {{ ref('contract_products') }}
),

systems as (
    select * from {{ ref('stg_installs__solar_systems') }}
),

dispatch as (
    select * from {{ ref('int_dispatch_responses_valued') }}
),

contract_months as (
    select
        contract_id,
        household_id,
        {{ dbt.date_trunc('month', 'local_date') }} as billing_month_start,
        count(*) as days_in_service,
        max(contract_year) as contract_year,
        {{ exact_avg('escalation_factor', scale=12) }} as escalation_factor,
        {{ exact_sum('solar_generation_kwh') }} as solar_generation_kwh
    from contract_days
    group by contract_id, household_id, {{ dbt.date_trunc('month', 'local_date') }}
),

months as (
    select
        contract_months.*,
        household_months.utility_bill_without_system_usd * contract_months.days_in_service
        / household_months.days_in_service as utility_bill_without_system_usd,
        household_months.utility_bill_with_system_usd * contract_months.days_in_service
        / household_months.days_in_service as utility_bill_with_system_usd
    from contract_months
    inner join household_months
        on
            contract_months.household_id = household_months.household_id
            and contract_months.billing_month_start = household_months.billing_month_start
),

credits as (
    -- each event's incentive goes to the contract in force on the event's local date
    select
        contracts.contract_id,
        {{ dbt.date_trunc('month', 'dispatch.event_local_date') }} as billing_month_start,
        {{ exact_sum('dispatch.customer_incentive_usd') }} as vpp_credits_usd
    from dispatch
    inner join contracts
        on
            dispatch.household_id = contracts.household_id
            and dispatch.event_local_date >= contracts.active_from_date
            and (contracts.active_until_date is null or dispatch.event_local_date < contracts.active_until_date)
    group by contracts.contract_id, {{ dbt.date_trunc('month', 'dispatch.event_local_date') }}
),

expected_production as (
    select
        household_id,
        {{ exact_sum('expected_annual_kwh') }} / 12 as expected_monthly_kwh
    from systems
    group by household_id
),

terms as (
    select
        months.*,
        contracts.subscription_type,
        contracts.flex_rate_usd_per_kwh,
        contracts.monthly_minimum_payment_usd,
        contracts.escalator_pct,
        products.payment_basis,
        products.minimum_share_of_expected,
        coalesce(expected_production.expected_monthly_kwh, 0) as expected_monthly_kwh,
        coalesce(credits.vpp_credits_usd, 0) as vpp_credits_usd,
        {{ dbt.datediff('months.billing_month_start', dbt.dateadd('month', 1, 'months.billing_month_start'), 'day') }} -- noqa: LT05
            as days_in_month
    from months
    inner join contracts on months.contract_id = contracts.contract_id
    left join products on contracts.subscription_type = products.subscription_type
    left join expected_production on months.household_id = expected_production.household_id
    left join credits
        on
            months.contract_id = credits.contract_id
            and months.billing_month_start = credits.billing_month_start
),

prorated as (
    select
        *,
        cast(days_in_service as double) / days_in_month as proration
    from terms
),

priced as (
    select
        *,
        monthly_minimum_payment_usd * escalation_factor * proration as minimum_payment_usd,
        flex_rate_usd_per_kwh * escalation_factor as flex_rate_escalated_usd_per_kwh,
        case
            when payment_basis = 'minimum_plus_overage'
                then minimum_share_of_expected * expected_monthly_kwh * proration
            else 0
        end as included_kwh
    from prorated
),

invoiced as (
    select
        *,
        case
            when payment_basis = 'minimum_plus_overage' then greatest(solar_generation_kwh - included_kwh, 0)
            else 0
        end as overage_kwh
    from priced
),

paid as (
    select
        *,
        case payment_basis
            when 'fixed_payment' then minimum_payment_usd
            when 'per_kwh_with_minimum'
                then greatest(minimum_payment_usd, flex_rate_escalated_usd_per_kwh * solar_generation_kwh)
            when 'minimum_plus_overage' then minimum_payment_usd + flex_rate_escalated_usd_per_kwh * overage_kwh
        end as subscription_payment_usd
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
