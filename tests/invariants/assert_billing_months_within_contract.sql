-- Contract months are billed only from the contract's start month on, and each month's utility bill without the
-- system reconciles with that home's daily rows: the sum of the daily bills (energy + prorated fixed charge) plus
-- the month's demand charge, at least the minimum bill. (The bill with the system does not sum the days: the
-- month nets exports, carries a credit bank and pays true-ups - see int_household_months_billed.)
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

daily as (
    select
        household_id,
        {{ month_label('date') }} as billing_month,
        sum(bill_without_system_usd) as bill_without_system_usd
    from {{ ref('daily_generation_consumption') }}
    group by household_id, {{ month_label('date') }}
)

select
    months.household_id,
    months.billing_month
from months
inner join contracts on months.contract_id = contracts.contract_id
left join daily
    on months.household_id = daily.household_id
        and months.billing_month = daily.billing_month
left join bills
    on months.household_id = bills.household_id
        and months.billing_month = {{ month_label('bills.billing_month_start') }}
where
    months.billing_month < {{ month_label('contracts.contract_start_date') }}
    or daily.household_id is null
    or bills.household_id is null
    or abs(
        months.utility_bill_without_system_usd
        - greatest(daily.bill_without_system_usd + bills.demand_charge_without_system_usd, bills.minimum_bill_usd)
    ) > 0.0001
    or abs(months.utility_bill_with_system_usd - bills.utility_bill_with_system_usd) > 0.0001
