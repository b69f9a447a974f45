-- The hourly load of a fixed sample of homes (the first 20 by key) over one week: the pack's first January week
-- (local days, winter load), or its first week when the pack has no January; with the sample's mean load at each
-- local time. The week is found on the daily mart (same local days), so the hourly feed is read for 20 homes only.
with

hours as (
    select * from {{ ref('int_telemetry_hours_metered') }}
),

households as (
    select household_id from {{ ref('households') }}
),

daily_energy as (
    select date from {{ ref('daily_generation_consumption') }}
),

sample_homes as (
    select household_id
    from households
    order by household_id
    limit 20
),

week_start as (
    select coalesce(min(date) filter (where month(date) = 1), min(date)) as starts_on
    from daily_energy
),

week as (
    select
        hours.household_id,
        hours.interval_start_at,
        hours.interval_start_local,
        hours.home_load_kwh as load_kwh
    from hours
    cross join week_start
    where
        hours.household_id in (select sample_homes.household_id from sample_homes)
        and hours.local_date >= week_start.starts_on
        and hours.local_date < week_start.starts_on + 7
),

final as (
    select
        *,
        cast(
            avg(cast(load_kwh as decimal(18, 8))) over (partition by interval_start_local) as double
        ) as sample_mean_load_kwh
    from week
)

select * from final
