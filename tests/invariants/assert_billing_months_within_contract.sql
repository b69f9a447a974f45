-- Contract months are billed only from the contract's start month on, and each home's utility bills for a
-- month (summed over its contracts: a home whose contract changes mid-month has one row per contract) reconcile
-- with that home's daily rows: the bill without the system is the sum of the daily bills (energy + prorated
-- fixed charge) plus the month's demand charge, at least the minimum bill; the bill with the system is the
-- monthly bill as issued (it does not sum the days: the month nets exports, carries a credit bank and pays
-- true-ups - see int_household_months_billed).
with

months as (
    select * from {{ ref('billing_and_savings') }}
),

contracts as (
    select * from {{ ref('subscriber_contracts') }}
),

bills as (
    select * from {{ ref('int_household_months_billed') }}
),

early_months as (
    select
        months.household_id,
        months.billing_month
    from months
    inner join contracts on months.contract_id = contracts.contract_id
    where months.billing_month < {{ month_label('contracts.contract_start_date') }}
),

home_months as (
    select
        household_id,
        billing_month,
        sum(utility_bill_without_system_usd) as bill_without_system_usd,
        sum(utility_bill_with_system_usd) as bill_with_system_usd
    from months
    group by household_id, billing_month
),

daily as (
    select
        household_id,
        {{ month_label('date') }} as billing_month,
        sum(bill_without_system_usd) as bill_without_system_usd
    from {{ ref('daily_generation_consumption') }}
    group by household_id, {{ month_label('date') }}
),

mismatched_months as (
    select
        home_months.household_id,
        home_months.billing_month
    from home_months
    left join daily
        on
            home_months.household_id = daily.household_id
            and home_months.billing_month = daily.billing_month
    left join bills
        on
            home_months.household_id = bills.household_id
            and home_months.billing_month = {{ month_label('bills.billing_month_start') }}
    where
        daily.household_id is null
        or bills.household_id is null
        or abs(
            home_months.bill_without_system_usd
            - greatest(daily.bill_without_system_usd + bills.demand_charge_without_system_usd, bills.minimum_bill_usd)
        ) > 0.0001
        or abs(home_months.bill_with_system_usd - bills.utility_bill_with_system_usd) > 0.0001
),

final as (
    select * from early_months
    union all
    select * from mismatched_months
)

select * from final
