-- Ageing realism: PV output falling with the system's age (per year of age, across the fleet), battery state of
-- health falling per year of service by chemistry, and battery replacements restoring the health they report.
with

-- the daily energy of daily_generation_consumption, read from its tariff-free source so that a tariff edit
-- does not rerun this check
days as (
    select
        household_id,
        local_date as date,
        solar_generation_kwh
    from {{ ref('int_household_days_metered') }}
),

systems as (
    select * from {{ ref('solar_systems') }}
),

households as (
    select * from {{ ref('households') }}
),

health as (
    select * from {{ ref('int_battery_health_observed') }}
),

hours as (
    select * from {{ ref('int_telemetry_hours_metered') }}
),

tickets as (
    select * from {{ ref('stg_support__service_tickets') }}
),

pack_days as (
    select
        min(date) as first_date,
        max(date) as last_date,
        count(distinct date) as day_count
    from days
),

-- homes in service every day of the pack, with their yield relative to the design estimate
home_yields as (
    select
        days.household_id,
        households.state,
        systems.azimuth_band,
        systems.shading_band,
        sum(days.solar_generation_kwh) / max(systems.expected_annual_kwh) as yield_to_design,
        (
            {{ dbt.datediff('max(systems.commission_date)', 'max(pack_days.first_date)', 'day') }}  -- noqa: LT05
            + {{ dbt.datediff('max(pack_days.first_date)', 'max(pack_days.last_date)', 'day') }} / 2  -- noqa: LT05
        ) / 365.25 as age_years
    from days
    inner join systems on days.household_id = systems.household_id
    inner join households on days.household_id = households.household_id
    cross join pack_days
    group by days.household_id, households.state, systems.azimuth_band, systems.shading_band
    having count(*) = max(pack_days.day_count) and max(systems.commission_date) < max(pack_days.first_date)
),

-- relative to homes of the same state, orientation and shading (same weather and design basis)
relative_yields as (
    select
        household_id,
        age_years,
        yield_to_design / avg(yield_to_design) over (partition by state, azimuth_band, shading_band) as relative_yield,
        count(*) over (partition by state, azimuth_band, shading_band) as peers
    from home_yields
),

pv_trend as (
    select
        'pv_degradation_pct_per_year_of_age' as metric_id,
        'all' as scope,
        100 * regr_slope(relative_yield, age_years) / regr_intercept(relative_yield, age_years) as measured_value,
        count(*) as sample_size
    from relative_yields
    where peers >= 5
),

battery_fade as (
    select
        'battery_fade_pct_per_year' as metric_id,
        chemistry as scope,
        median(fade_pct_per_year) as measured_value,
        count(*) as sample_size
    from health
    where replaced_at is null and unit_age_years >= 1
    group by chemistry
),

replaced as (
    select
        household_id,
        opened_at,
        closed_at
    from tickets
    where issue_category = 'battery_alert' and equipment_replaced_flag and closed_at is not null
),

replaced_hours as (
    select
        replaced.household_id,
        replaced.opened_at,
        max_by(
            hours.battery_state_of_health_pct, hours.interval_start_at
        ) filter (where hours.interval_start_at < replaced.opened_at) as health_before_pct,
        min_by(
            hours.battery_state_of_health_pct, hours.interval_start_at
        ) filter (where hours.interval_start_at > replaced.closed_at + interval 1 day) as health_after_pct
    from replaced
    inner join hours on replaced.household_id = hours.household_id
    where hours.battery_state_of_health_pct is not null
    group by replaced.household_id, replaced.opened_at
),

restored as (
    select
        'battery_replacement_health_gain_points' as metric_id,
        'all' as scope,
        avg(health_after_pct - health_before_pct) as measured_value,
        count(*) as sample_size
    from replaced_hours
    where health_before_pct is not null and health_after_pct is not null
),

final as (
    select * from pv_trend
    union all
    select * from battery_fade
    union all
    select * from restored
)

select * from final
