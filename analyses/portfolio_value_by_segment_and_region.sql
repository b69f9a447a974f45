-- Customer value by segment and region over the pack: utility savings, VPP credits, subscription payments
-- and net value per home-month, with a simple return on acquisition cost (the portfolio ROI example).
with

months as (
    select * from {{ ref('billing_and_savings') }}
),

households as (
    select * from {{ ref('households') }}
),

contracts as (
    select * from {{ ref('subscriber_contracts') }}
),

acquisition as (
    select * from {{ ref('channel_attribution') }}
),

per_home as (
    select
        months.household_id,
        sum(months.utility_bill_without_system_usd - months.utility_bill_with_system_usd) as savings_usd,
        sum(months.vpp_credits_usd) as vpp_credits_usd,
        sum(months.subscription_payment_usd) as payments_usd,
        sum(months.net_customer_value_usd) as net_customer_value_usd,
        count(*) as months_billed
    from months
    group by months.household_id
)

select
    households.state,
    contracts.subscription_type,
    households.income_band,
    count(*) as homes,
    round(avg(per_home.savings_usd / per_home.months_billed), 2) as savings_per_month_usd,
    round(avg(per_home.vpp_credits_usd / per_home.months_billed), 2) as vpp_credits_per_month_usd,
    round(avg(per_home.net_customer_value_usd / per_home.months_billed), 2) as net_value_per_month_usd,
    round(sum(per_home.payments_usd) / nullif(sum(acquisition.cac_usd), 0), 2) as payments_to_cac_ratio
from per_home
inner join households on per_home.household_id = households.household_id
inner join contracts on per_home.household_id = contracts.household_id
inner join acquisition on per_home.household_id = acquisition.household_id
group by households.state, contracts.subscription_type, households.income_band
order by households.state, contracts.subscription_type, households.income_band
