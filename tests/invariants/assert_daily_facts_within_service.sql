-- A home has daily facts only while its system is in service: on or after commissioning and before the
-- customer churned (the end of its latest contract).
with

days as (
    select * from {{ ref('daily_generation_consumption') }}
),

systems as (
    select * from {{ ref('solar_systems') }}
),

contracts as (
    -- one row per home: its service ends when its latest contract does
    select
        household_id,
        active_until_date as service_end_date
    from {{ ref('int_contracts_sequenced') }}
    where latest_contract_flag
)

select
    days.household_id,
    days.date,
    systems.commission_date,
    contracts.service_end_date
from days
left join systems on days.household_id = systems.household_id
left join contracts on days.household_id = contracts.household_id
where
    systems.commission_date is null
    or days.date < systems.commission_date
    or days.date >= contracts.service_end_date
