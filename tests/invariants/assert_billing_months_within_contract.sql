-- Contract months are billed only from the contract's start month on, and each month's utility bills equal
-- the sum of that home's daily bills.
with

months as (
    select * from {{ ref('billing_and_savings') }}
),

contracts as (
    select * from {{ ref('subscriber_contracts') }}
),

daily as (
    select
        household_id,
        {{ month_label('date') }} as billing_month,
        sum(bill_without_system_usd) as bill_without_system_usd,
        sum(bill_with_system_usd) as bill_with_system_usd
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
where
    months.billing_month < {{ month_label('contracts.contract_start_date') }}
    or daily.household_id is null
    or abs(months.utility_bill_without_system_usd - daily.bill_without_system_usd) > 0.0001
    or abs(months.utility_bill_with_system_usd - daily.bill_with_system_usd) > 0.0001
