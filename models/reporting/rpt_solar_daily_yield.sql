-- Each home-day's specific yield: the day's solar generation per kW of DC nameplate (kWh per kW DC per day),
-- the rows of the yield distribution. A view over the daily mart.
{{ config(materialized='view') }}

with

daily_energy as (
    select
        household_id,
        date,
        solar_generation_kwh
    from {{ ref('daily_generation_consumption') }}
),

solar_systems as (
    select
        household_id,
        kw_dc
    from {{ ref('solar_systems') }}
),

final as (
    select
        daily_energy.household_id,
        daily_energy.date,
        daily_energy.solar_generation_kwh,
        solar_systems.kw_dc,
        daily_energy.solar_generation_kwh / solar_systems.kw_dc as specific_yield_kwh_per_kw_dc
    from daily_energy
    inner join solar_systems on daily_energy.household_id = solar_systems.household_id
)

select * from final
