-- PV realism: annual specific yield of plain south-facing, lightly shaded roofs per state (homes in service
-- the whole year), and how east-west and heavily shaded roofs compare with them.
with

days as (
    select * from {{ ref('daily_generation_consumption') }}
),

systems as (
    select * from {{ ref('solar_systems') }}
),

households as (
    select * from {{ ref('households') }}
),

full_year_homes as (
    select
        days.household_id,
        households.state,
        systems.azimuth_band,
        systems.shading_band,
        sum(days.solar_generation_kwh) / max(systems.kw_dc) * 365.0 / count(*) as kwh_per_kw
    from days
    inner join systems on days.household_id = systems.household_id
    inner join households on days.household_id = households.household_id
    group by days.household_id, households.state, systems.azimuth_band, systems.shading_band
    having count(*) >= 360
),

yield_by_state as (
    select
        'pv_specific_yield_south' as metric_id,
        state as scope,
        median(kwh_per_kw) as measured_value,
        count(*) as sample_size
    from full_year_homes
    where azimuth_band = 'south' and shading_band = 'low'
    group by state
),

band_means as (
    select
        state,
        avg(case when azimuth_band = 'south' and shading_band = 'low' then kwh_per_kw end) as south_low,
        avg(case when azimuth_band = 'east_west' and shading_band = 'low' then kwh_per_kw end) as east_west_low,
        avg(case when azimuth_band = 'south' and shading_band = 'high' then kwh_per_kw end) as south_high,
        count(case when azimuth_band = 'east_west' and shading_band = 'low' then 1 end) as east_west_homes,
        count(case when azimuth_band = 'south' and shading_band = 'high' then 1 end) as shaded_homes
    from full_year_homes
    group by state
),

derates as (
    select
        'pv_east_west_to_south_ratio' as metric_id,
        'all' as scope,
        avg(east_west_low / south_low) as measured_value,
        sum(east_west_homes) as sample_size
    from band_means
    where east_west_low is not null and south_low is not null
    union all
    select
        'pv_high_shading_to_low_ratio' as metric_id,
        'all' as scope,
        avg(south_high / south_low) as measured_value,
        sum(shaded_homes) as sample_size
    from band_means
    where south_high is not null and south_low is not null
)

select * from yield_by_state
union all
select * from derates
