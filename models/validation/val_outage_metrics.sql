-- Outage realism: interruption minutes (SAIDI) and interruptions (SAIFI) per home-year by state, major events
-- included as EIA reports them; the log-normal shape of durations; backup performance of battery homes.
with

exposures as (
    select * from {{ ref('int_outage_exposures_measured') }}
),

days as (
    select * from {{ ref('daily_generation_consumption') }}
),

households as (
    select * from {{ ref('households') }}
),

home_years as (
    select
        households.state,
        count(*) / 365 as home_years
    from days
    inner join households on days.household_id = households.household_id
    group by households.state
),

outages_by_state as (
    select
        households.state,
        sum(exposures.outage_duration_minutes) as minutes,
        count(*) as interruptions
    from exposures
    inner join households on exposures.household_id = households.household_id
    group by households.state
),

by_state as (
    select
        'outage_saidi_minutes' as metric_id,
        home_years.state as scope,
        coalesce(outages_by_state.minutes, 0) / home_years.home_years as measured_value,
        cast(round(home_years.home_years) as bigint) as sample_size
    from home_years
    left join outages_by_state on home_years.state = outages_by_state.state
    union all
    select
        'outage_saifi' as metric_id,
        home_years.state as scope,
        coalesce(outages_by_state.interruptions, 0) / home_years.home_years as measured_value,
        cast(round(home_years.home_years) as bigint) as sample_size
    from home_years
    left join outages_by_state on home_years.state = outages_by_state.state
),

fleet_wide as (
    select
        'outage_log_duration_skewness' as metric_id,
        'all' as scope,
        skewness(ln(outage_duration_minutes)) as measured_value,
        count(*) as sample_size
    from exposures
    where outage_duration_minutes > 0
    union all
    select
        'outage_avoided_share_battery_homes' as metric_id,
        'all' as scope,
        avg(case when customer_outage_avoided_flag then 1.0 else 0.0 end) as measured_value,
        count(*) as sample_size
    from exposures
    where has_battery
)

select * from by_state
union all
select * from fleet_wide
