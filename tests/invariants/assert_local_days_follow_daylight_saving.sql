-- Every home-day has exactly as many hourly readings as its local day has hours in the home's time zone:
-- 24, or 23 / 25 on the days daylight saving time starts / ends.
with

days as (
    select * from {{ ref('int_household_days_billed') }}
),

households as (
    select
        household_id,
        time_zone
    from {{ ref('stg_crm__households') }}
),

clock_days as (
    select distinct
        time_zone,
        local_date,
        hours_in_local_day as hours_in_day
    from {{ ref('int_local_clock_hours') }}
)

select
    days.household_id,
    days.local_date,
    days.hours_reported,
    clock_days.hours_in_day
from days
inner join households on days.household_id = households.household_id
inner join clock_days
    on households.time_zone = clock_days.time_zone
        and days.local_date = clock_days.local_date
where days.hours_reported != clock_days.hours_in_day
