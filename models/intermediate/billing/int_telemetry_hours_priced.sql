-- Every home-hour in service, complete (readings and filled hours) and priced: the import and export rate of
-- the home's tariff, the region's wholesale price and grid carbon. Import: the peak rate (summer or winter)
-- inside the plan's peak window - on weekdays only where the plan says so - else the off-peak rate. Export:
-- the plan's net-billing export credit, every hour.
-- The one stored copy of the hours: built month by month (local month) as Parquet beside the database, read by
-- every hourly model downstream, and published as it is on disk as the sub-daily mart `hourly_energy` (its
-- columns are that mart's, under the mart's names).
{{ config(materialized='monthly_parquet', order_by='household_id, interval_start_at') }}

with

hours as (
    select * from {{ ref('int_telemetry_hours_localized') }}
    where
        {{ in_month_partition('local_date') }}
        -- the UTC hours around the month, so the raw feed's other months are skipped
        and {{ in_month_partition('interval_start_at', margin_days=1) }}
),

tariffs as (
    select * from {{ ref('utility_tariff_plans') }}
),

households as (
    select
        household_id,
        utility_territory
    from {{ ref('stg_crm__households') }}
),

territories as (
    select
        utility_territory,
        market_region
    from {{ ref('territories') }}
),

markets as (
    select * from {{ ref('int_market_prices_hourly') }}
),

windows as (
    select
        hours.*,
        tariffs.net_billing_export_rate as export_rate_usd_per_kwh,
        case
            when tariffs.summer_start_month <= tariffs.summer_end_month
                then hours.local_month between tariffs.summer_start_month and tariffs.summer_end_month
            else hours.local_month >= tariffs.summer_start_month or hours.local_month <= tariffs.summer_end_month
        end as is_summer,
        hours.local_hour >= tariffs.peak_start_hour
        and hours.local_hour < tariffs.peak_end_hour
        and (not tariffs.peak_weekdays_only or hours.local_iso_weekday <= 5) as is_peak,
        tariffs.summer_peak_rate,
        tariffs.winter_peak_rate,
        tariffs.offpeak_rate
    from hours
    inner join tariffs on hours.tariff_id = tariffs.tariff_id
),

priced as (
    select
        *,
        case
            when is_peak and is_summer then summer_peak_rate
            when is_peak then winter_peak_rate
            else offpeak_rate
        end as import_rate_usd_per_kwh
    from windows
),

final as (
    select
        priced.household_id,
        priced.interval_start_at,
        priced.interval_start_local,
        priced.local_date,
        priced.local_hour,
        priced.solar_kwh as solar_generation_kwh,
        priced.load_kwh as home_load_kwh,
        priced.critical_load_kwh,
        priced.load_hvac_kwh,
        priced.load_water_heating_kwh,
        priced.load_ev_kwh,
        priced.load_other_kwh,
        priced.grid_import_kwh,
        priced.grid_export_kwh,
        priced.battery_charge_kwh,
        priced.battery_discharge_kwh,
        priced.state_of_charge_pct,
        priced.battery_state_of_health_pct,
        priced.grid_up_flag,
        priced.tariff_id,
        priced.is_peak as peak_flag,
        priced.import_rate_usd_per_kwh,
        priced.export_rate_usd_per_kwh,
        markets.lmp_usd_per_mwh,
        markets.carbon_kg_per_mwh / 1000 as grid_carbon_kg_per_kwh,
        priced.quality_flag,
        priced.filled_flag,
        priced.late_arrival_flag,
        priced.unit_converted_flag
    from priced
    inner join households on priced.household_id = households.household_id
    inner join territories on households.utility_territory = territories.utility_territory
    left join markets
        on
            territories.market_region = markets.market_region
            and priced.interval_start_at = markets.interval_start_at
)

select * from final
