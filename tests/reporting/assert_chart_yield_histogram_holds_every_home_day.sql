-- The yield histogram the chart draws holds every home-day of `daily_generation_consumption` with solar, once:
-- its bins' counts add up to the mart's home-days, and the lowest and highest bins start at the lowest day's yield
-- and end at the highest day's (when the days differ at all). A row when either differs.
with

histogram as (
    select
        sum(home_days_count) as home_days_count,
        min(bin_start_kwh_per_kw_dc) as lowest_yield,
        max(bin_end_kwh_per_kw_dc) as highest_yield
    from {{ ref('rpt_solar_daily_yield_histogram') }}
),

daily_energy as (
    select * from {{ ref('daily_generation_consumption') }}
),

solar_systems as (
    select * from {{ ref('solar_systems') }}
),

marts as (
    select
        count(*) as home_days_count,
        min(daily_energy.solar_generation_kwh / solar_systems.kw_dc) as lowest_yield,
        max(daily_energy.solar_generation_kwh / solar_systems.kw_dc) as highest_yield
    from daily_energy
    inner join solar_systems on daily_energy.household_id = solar_systems.household_id
),

final as (
    select
        histogram.home_days_count,
        marts.home_days_count as mart_home_days_count,
        histogram.lowest_yield,
        marts.lowest_yield as mart_lowest_yield,
        histogram.highest_yield,
        marts.highest_yield as mart_highest_yield
    from histogram
    cross join marts
    where
        histogram.home_days_count != marts.home_days_count
        or abs(histogram.lowest_yield - marts.lowest_yield) > 1e-9
        or (marts.highest_yield > marts.lowest_yield and abs(histogram.highest_yield - marts.highest_yield) > 1e-9)
)

select * from final
