-- Which tariff structures give solar-plus-storage homes the biggest savings? Utility bill with and without
-- the system per home-month, by tariff type and plan, with and without a battery. The plan each home is on
-- comes from the companion mart `household_tariffs` (the schema's `households` table has no tariff column).
with

months as (
    select * from {{ ref('billing_and_savings') }}
),

plans as (
    select * from {{ ref('household_tariffs') }}
),

tariffs as (
    select * from {{ ref('utility_tariffs') }}
),

batteries as (
    select distinct household_id from {{ ref('battery_systems') }}
),

home_months as (
    select
        months.household_id,
        tariffs.tariff_type,
        tariffs.tariff_name,
        batteries.household_id is not null as has_battery,
        months.utility_bill_without_system_usd,
        months.utility_bill_with_system_usd
    from months
    inner join plans on months.household_id = plans.household_id
    inner join tariffs on plans.tariff_id = tariffs.tariff_id
    left join batteries on months.household_id = batteries.household_id
)

select
    tariff_type,
    tariff_name,
    has_battery,
    count(distinct household_id) as homes,
    count(*) as home_months,
    round(avg(utility_bill_without_system_usd), 2) as bill_without_system_usd,
    round(avg(utility_bill_with_system_usd), 2) as bill_with_system_usd,
    round(avg(utility_bill_without_system_usd - utility_bill_with_system_usd), 2) as savings_per_month_usd,
    round(
        100 * sum(utility_bill_without_system_usd - utility_bill_with_system_usd)
        / nullif(sum(utility_bill_without_system_usd), 0), 1
    ) as bill_reduction_pct
from home_months
group by tariff_type, tariff_name, has_battery
order by savings_per_month_usd desc
