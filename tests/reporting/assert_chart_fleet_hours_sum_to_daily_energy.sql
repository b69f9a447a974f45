-- The fleet's hourly shapes the charts draw hold the same energy as the published daily table: summed over the
-- months and hours, solar generation and home load of `rpt_fleet_hours_by_month` equal those of
-- `daily_generation_consumption` (both count every in-service home-hour of the pack). Returns the totals when
-- they differ by more than 0.01 %.
with

chart as (
    select * from {{ ref('rpt_fleet_hours_by_month') }}
),

daily_energy as (
    select * from {{ ref('daily_generation_consumption') }}
),

chart_totals as (
    select
        sum(solar_kwh) as solar_kwh,
        sum(load_kwh) as load_kwh
    from chart
),

mart_totals as (
    select
        sum(solar_generation_kwh) as solar_kwh,
        sum(home_load_kwh) as load_kwh
    from daily_energy
),

final as (
    select
        chart_totals.solar_kwh,
        mart_totals.solar_kwh as mart_solar_kwh,
        chart_totals.load_kwh,
        mart_totals.load_kwh as mart_load_kwh
    from chart_totals
    cross join mart_totals
    where
        abs(chart_totals.solar_kwh - mart_totals.solar_kwh) > 1e-4 * mart_totals.solar_kwh
        or abs(chart_totals.load_kwh - mart_totals.load_kwh) > 1e-4 * mart_totals.load_kwh
)

select * from final
