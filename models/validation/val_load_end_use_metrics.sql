-- Load as a house: end-use energy per home by climate zone (space conditioning, electric water heating), how
-- high homes peak (annual peak hour, also in homes without central AC or an EV) and how large a home-day gets.
-- Tariff-free: when EVs charge against the tariff's peak hours is val_load_ev_timing_metrics'.
-- Read from the month-partitioned models, not staging (which classifies the raw feed again) and not a pack-wide
-- group-by over home-hours (which grows with the pack): home-days come from the metered days.
with

households as (
    select * from {{ ref('households') }}
),

crm_households as (
    select * from {{ ref('stg_crm__households') }}
),

hours as (
    select * from {{ ref('int_telemetry_hours_metered') }}
),

metered_days as (
    select * from {{ ref('int_household_days_metered') }}
),

-- One pass over the stored hours, grouped by home: the stored hours are read once, never kept whole (a CTE read
-- twice is materialized, which at the premium pack is every home-hour of the pack).
home_totals as (
    select
        household_id,
        -- metered hours only: a filled hour is a copy of another day
        sum(load_hvac_kwh) filter (where not filled_flag) as hvac_kwh,
        sum(load_water_heating_kwh) filter (where not filled_flag) as water_heating_kwh,
        max(home_load_kwh) filter (where not filled_flag) as peak_hour_kwh,
        count(*) filter (where not filled_flag) / 24 as days_metered
    from hours
    group by household_id
),

full_year_homes as (
    select
        home_totals.household_id,
        households.climate_zone,
        crm_households.central_ac_flag,
        households.ev_owner_flag,
        home_totals.hvac_kwh * 365.0 / home_totals.days_metered as hvac_kwh_per_year,
        home_totals.water_heating_kwh * 365.0 / home_totals.days_metered as water_heating_kwh_per_year,
        home_totals.peak_hour_kwh
    from home_totals
    inner join households on home_totals.household_id = households.household_id
    inner join crm_households on home_totals.household_id = crm_households.household_id
    where home_totals.days_metered >= 360
),

home_days as (
    select
        household_id,
        local_date,
        home_load_kwh as load_kwh
    from metered_days
    where hours_reported >= 23
),

final as (
    select
        'load_hvac_kwh_per_year' as metric_id,
        climate_zone as scope,
        avg(hvac_kwh_per_year) as measured_value,
        count(*) as sample_size
    from full_year_homes
    group by climate_zone
    union all
    select
        'load_electric_water_heating_kwh_per_year' as metric_id,
        'all' as scope,
        avg(water_heating_kwh_per_year) as measured_value,
        count(*) as sample_size
    from full_year_homes
    where water_heating_kwh_per_year > 300
    union all
    select
        'load_annual_peak_4kw_share' as metric_id,
        'all' as scope,
        avg(case when peak_hour_kwh >= 4 then 1.0 else 0.0 end) as measured_value,
        count(*) as sample_size
    from full_year_homes
    union all
    select
        'load_annual_peak_4kw_share_no_ac_no_ev' as metric_id,
        'all' as scope,
        avg(case when peak_hour_kwh >= 4 then 1.0 else 0.0 end) as measured_value,
        count(*) as sample_size
    from full_year_homes
    where not central_ac_flag and not ev_owner_flag
    union all
    select
        'load_p99_daily_kwh' as metric_id,
        'all' as scope,
        percentile_cont(0.99) within group (order by load_kwh) as measured_value,
        count(*) as sample_size
    from home_days
)

select * from final
