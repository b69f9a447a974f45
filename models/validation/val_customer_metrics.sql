-- Customer realism: install cycle time and cancellations, acquisition cost, service tickets, churn, and what
-- share of its utility savings a customer keeps after paying for the system.
with

pipeline as (
    select * from {{ ref('installation_pipeline') }}
),

acquisition as (
    select * from {{ ref('channel_attribution') }}
),

tickets as (
    select * from {{ ref('service_tickets') }}
),

contracts as (
    select * from {{ ref('subscriber_contracts') }}
),

months as (
    select * from {{ ref('billing_and_savings') }}
),

days as (
    select * from {{ ref('daily_generation_consumption') }}
),

home_years as (
    select count(*) / 365.0 as home_years from days
)

select
    'customer_signed_to_pto_median_days' as metric_id,
    'all' as scope,
    median(project_cycle_days) as measured_value,
    count(project_cycle_days) as sample_size
from pipeline
union all
select
    'customer_cancellation_rate' as metric_id,
    'all' as scope,
    avg(case when cancellation_flag then 1.0 else 0.0 end) as measured_value,
    count(*) as sample_size
from pipeline
union all
select
    'customer_acquisition_cost_usd' as metric_id,
    'all' as scope,
    avg(cac_usd) as measured_value,
    count(*) as sample_size
from acquisition
union all
select
    'customer_tickets_per_home_year' as metric_id,
    'all' as scope,
    count(*) / max(home_years.home_years) as measured_value,
    cast(round(max(home_years.home_years)) as bigint) as sample_size
from tickets
cross join home_years
union all
select
    'customer_ticket_resolution_median_days' as metric_id,
    'all' as scope,
    median(resolution_days) as measured_value,
    count(*) as sample_size
from tickets
union all
select
    'customer_churn_per_home_year' as metric_id,
    'all' as scope,
    count(*) filter (where contracts.churn_flag) / max(home_years.home_years) as measured_value,
    cast(round(max(home_years.home_years)) as bigint) as sample_size
from contracts
cross join home_years
union all
select
    'customer_net_value_share_of_savings' as metric_id,
    'all' as scope,
    sum(net_customer_value_usd) / sum(utility_bill_without_system_usd - utility_bill_with_system_usd) as measured_value,
    count(*) as sample_size
from months
