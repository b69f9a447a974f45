-- The sub-daily marts add up to the daily ones: each home-month's hourly energy equals the sum of its days in
-- daily_generation_consumption, and each dispatch event's intervals equal its requested and delivered energy.
-- (Home-months, not home-days: the same evidence at a grain a premium pack can group.)
{{ config(enabled=var('sub_daily', false)) }}

with

hourly as (
    select
        household_id,
        {{ dbt.date_trunc('month', 'local_date') }} as month_start,
        {{ exact_sum('solar_generation_kwh') }} as solar_generation_kwh,
        {{ exact_sum('home_load_kwh') }} as home_load_kwh,
        {{ exact_sum('grid_import_kwh') }} as grid_import_kwh,
        {{ exact_sum('grid_export_kwh') }} as grid_export_kwh,
        {{ exact_sum('battery_discharge_kwh') }} as battery_discharge_kwh
    from {{ ref('hourly_energy') }}
    group by household_id, {{ dbt.date_trunc('month', 'local_date') }}
),

daily as (
    select
        household_id,
        {{ dbt.date_trunc('month', 'date') }} as month_start,
        {{ exact_sum('solar_generation_kwh') }} as solar_generation_kwh,
        {{ exact_sum('home_load_kwh') }} as home_load_kwh,
        {{ exact_sum('grid_import_kwh') }} as grid_import_kwh,
        {{ exact_sum('grid_export_kwh') }} as grid_export_kwh,
        {{ exact_sum('battery_discharge_kwh') }} as battery_discharge_kwh
    from {{ ref('daily_generation_consumption') }}
    group by household_id, {{ dbt.date_trunc('month', 'date') }}
),

energy_mismatches as (
    select
        coalesce(hourly.household_id, daily.household_id) as household_id,
        coalesce(hourly.month_start, daily.month_start) as month_start,
        'energy' as check_name
    from hourly
    full outer join daily
        on hourly.household_id = daily.household_id and hourly.month_start = daily.month_start
    where
        hourly.household_id is null
        or daily.household_id is null
        or abs(hourly.solar_generation_kwh - daily.solar_generation_kwh) > 1e-6
        or abs(hourly.home_load_kwh - daily.home_load_kwh) > 1e-6
        or abs(hourly.grid_import_kwh - daily.grid_import_kwh) > 1e-6
        or abs(hourly.grid_export_kwh - daily.grid_export_kwh) > 1e-6
        or abs(hourly.battery_discharge_kwh - daily.battery_discharge_kwh) > 1e-6
),

intervals as (
    select
        dispatch_event_id,
        {{ exact_sum('requested_kw * interval_minutes / 60') }} as requested_kwh,
        {{ exact_sum('delivered_kwh') }} as delivered_kwh
    from {{ ref('dispatch_intervals') }}
    group by dispatch_event_id
),

dispatch_mismatches as (
    select
        events.household_id,
        events.date as month_start,
        'dispatch ' || events.dispatch_event_id as check_name
    from {{ ref('dispatch_events') }} as events
    left join intervals on events.dispatch_event_id = intervals.dispatch_event_id
    where
        intervals.dispatch_event_id is null
        or abs(intervals.requested_kwh - events.requested_kwh) > 1e-6
        or abs(intervals.delivered_kwh - events.delivered_kwh) > 1e-6
)

select * from energy_mismatches
union all
select * from dispatch_mismatches
