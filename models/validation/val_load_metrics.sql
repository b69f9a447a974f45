-- Load realism: annual consumption of baseline homes per state, what EVs and heat pumps add, the daily shape
-- (summer evening peak) and how homes differ from each other and from day to day.
with

-- the daily energy of daily_generation_consumption, read from its tariff-free source so that a tariff edit
-- does not rerun this check
days as (
    select
        household_id,
        local_date as date,
        home_load_kwh
    from {{ ref('int_household_days_metered') }}
),

households as (
    select * from {{ ref('households') }}
),

hours as (
    select * from {{ ref('int_telemetry_hours_metered') }}
),

full_year_homes as (
    select
        days.household_id,
        households.state,
        households.electrification_profile,
        households.ev_owner_flag,
        sum(days.home_load_kwh) * 365.0 / count(*) as annual_kwh,
        avg(case when month(days.date) in (12, 1, 2) then days.home_load_kwh end) as winter_kwh_per_day
    from days
    inner join households on days.household_id = households.household_id
    group by days.household_id, households.state, households.electrification_profile, households.ev_owner_flag
    having count(*) >= 360
),

baseline_by_state as (
    select
        'load_baseline_annual_kwh' as metric_id,
        state as scope,
        avg(annual_kwh) as measured_value,
        count(*) as sample_size
    from full_year_homes
    where electrification_profile = 'baseline' and not ev_owner_flag
    group by state
),

-- Differences inside (state, profile) strata, so the mix of homes does not masquerade as an effect.
ev_strata as (
    select
        state,
        electrification_profile,
        avg(case when ev_owner_flag then annual_kwh end)
        - avg(case when not ev_owner_flag then annual_kwh end) as ev_added_kwh,
        count(case when ev_owner_flag then 1 end) as ev_homes
    from full_year_homes
    group by state, electrification_profile
    having count(case when ev_owner_flag then 1 end) > 0 and count(case when not ev_owner_flag then 1 end) > 0
),

heat_pump_strata as (
    select
        state,
        avg(case when electrification_profile = 'heat_pump' then winter_kwh_per_day end)
        - avg(case when electrification_profile = 'baseline' then winter_kwh_per_day end) as added_kwh_per_day,
        count(case when electrification_profile = 'heat_pump' then 1 end) as heat_pump_homes
    from full_year_homes
    where not ev_owner_flag and state in ('CO', 'MA', 'NJ', 'NC')
    group by state
    having count(case when electrification_profile = 'heat_pump' then 1 end) > 0
        and count(case when electrification_profile = 'baseline' then 1 end) > 0
),

summer_shape as (
    select
        avg(case when local_hour between 17 and 20 then home_load_kwh end)
        / avg(case when local_hour between 10 and 13 then home_load_kwh end) as evening_to_midday,
        count(distinct household_id) as homes
    from hours
    where month(local_date) in (6, 7, 8)
),

day_to_day as (
    select
        household_id,
        stddev_samp(home_load_kwh) / avg(home_load_kwh) as cv
    from days
    where month(date) = 4
    group by household_id
    having count(*) >= 20
),

home_to_home as (
    select
        state,
        stddev_samp(annual_kwh) / avg(annual_kwh) as cv,
        count(*) as homes
    from full_year_homes
    where electrification_profile = 'baseline' and not ev_owner_flag
    group by state
    having count(*) >= 5
),

fleet_wide as (
    select
        'load_ev_added_kwh_per_year' as metric_id,
        'all' as scope,
        sum(ev_added_kwh * ev_homes) / sum(ev_homes) as measured_value,
        sum(ev_homes) as sample_size
    from ev_strata
    union all
    select
        'load_heat_pump_added_winter_kwh_per_day' as metric_id,
        'cold and mixed climates' as scope,
        sum(added_kwh_per_day * heat_pump_homes) / sum(heat_pump_homes) as measured_value,
        sum(heat_pump_homes) as sample_size
    from heat_pump_strata
    union all
    select
        'load_summer_evening_to_midday_ratio' as metric_id,
        'all' as scope,
        evening_to_midday as measured_value,
        homes as sample_size
    from summer_shape
    union all
    select
        'load_day_to_day_cv' as metric_id,
        'all' as scope,
        median(cv) as measured_value,
        count(*) as sample_size
    from day_to_day
    union all
    select
        'load_home_to_home_cv' as metric_id,
        'all' as scope,
        avg(cv) as measured_value,
        sum(homes) as sample_size
    from home_to_home
)

select * from baseline_by_state
union all
select * from fleet_wide
