-- Battery realism: full cycles per day, round-trip efficiency seen in the metered energy, and the customer's
-- reserve floor holding at the end of ordinary days.
with

days as (
    select * from {{ ref('daily_generation_consumption') }}
),

batteries as (
    select * from {{ ref('battery_systems') }}
),

outages as (
    select distinct
        household_id,
        date
    from {{ ref('outage_events') }}
),

battery_days as (
    select
        days.*,
        batteries.usable_kwh,
        batteries.reserve_setting_pct,
        outages.household_id is not null as outage_day
    from days
    inner join batteries on days.household_id = batteries.household_id
    left join outages on days.household_id = outages.household_id and days.date = outages.date
)

select
    'battery_cycles_per_day' as metric_id,
    'all' as scope,
    sum(battery_discharge_kwh) / sum(usable_kwh) as measured_value,
    count(distinct household_id) as sample_size
from battery_days
union all
select
    'battery_round_trip_efficiency' as metric_id,
    'all' as scope,
    sum(battery_discharge_kwh) / nullif(sum(battery_charge_kwh), 0) as measured_value,
    count(distinct household_id) as sample_size
from battery_days
union all
select
    'battery_days_ending_above_reserve' as metric_id,
    'all' as scope,
    avg(case when state_of_charge_end_pct >= reserve_setting_pct - 1 then 1.0 else 0.0 end) as measured_value,
    count(*) as sample_size
from battery_days
where not outage_day
