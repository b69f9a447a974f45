-- The capacity factor per state the chart draws is the published generation over the published nameplate running
-- every hour of the reported home-days: sum(daily_generation_consumption.solar_generation_kwh) /
-- sum(solar_systems.kw_dc x 24), the homes placed by `households.state`. A row for every state that differs or
-- that one side lacks.
with

chart as (
    select * from {{ ref('rpt_solar_capacity_factor_by_state') }}
),

daily_energy as (
    select * from {{ ref('daily_generation_consumption') }}
),

solar_systems as (
    select * from {{ ref('solar_systems') }}
),

households as (
    select * from {{ ref('households') }}
),

recomputed as (
    select
        households.state,
        count(*) as home_days_count,
        sum(daily_energy.solar_generation_kwh) / sum(solar_systems.kw_dc * 24.0) as capacity_factor
    from daily_energy
    inner join solar_systems on daily_energy.household_id = solar_systems.household_id
    inner join households on daily_energy.household_id = households.household_id
    group by households.state
),

final as (
    select
        coalesce(chart.state, recomputed.state) as state,
        chart.home_days_count,
        recomputed.home_days_count as mart_home_days_count,
        chart.capacity_factor,
        recomputed.capacity_factor as mart_capacity_factor
    from chart
    full outer join recomputed on chart.state = recomputed.state
    where
        chart.state is null
        or recomputed.state is null
        or chart.home_days_count != recomputed.home_days_count
        or abs(chart.capacity_factor - recomputed.capacity_factor) > 1e-9
)

select * from final
