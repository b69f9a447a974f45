-- A home has daily facts only while its system is in service: on or after commissioning and before the
-- customer churned.
with

days as (
    select * from {{ ref('daily_generation_consumption') }}
),

systems as (
    select * from {{ ref('solar_systems') }}
),

contracts as (
    select * from {{ ref('stg_crm__subscriber_contracts') }}
)

select
    days.household_id,
    days.date,
    systems.commission_date,
    contracts.churned_on
from days
left join systems on days.household_id = systems.household_id
left join contracts on days.household_id = contracts.household_id
where
    systems.commission_date is null
    or days.date < systems.commission_date
    or days.date >= contracts.churned_on
