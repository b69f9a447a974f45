-- Every home-hour in service, complete (readings and filled hours), with the region's wholesale price and grid
-- carbon. The one stored copy of the hours: built month by month (local month) as Parquet beside the database,
-- read by every hourly model downstream, and published as it is on disk as the sub-daily mart `hourly_energy`
-- (its columns are that mart's, under the mart's names).
-- Tariff-free on purpose: the retail rates are applied on read by the view int_telemetry_hours_priced, so
-- editing a tariff re-prices the bills without rewriting a single stored hour.
{{ config(materialized='monthly_parquet', order_by='household_id, interval_start_at') }}

with

hours as (
    select * from {{ ref('int_telemetry_hours_localized') }}
    where
        {{ in_month_partition('local_date') }}
        -- the UTC hours around the month, so the raw feed's other months are skipped
        and {{ in_month_partition('interval_start_at', margin_days=1) }}
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

final as (
    select
        hours.household_id,
        hours.interval_start_at,
        hours.interval_start_local,
        hours.local_date,
        hours.local_hour,
        hours.solar_kwh as solar_generation_kwh,
        hours.load_kwh as home_load_kwh,
        hours.critical_load_kwh,
        hours.load_hvac_kwh,
        hours.load_water_heating_kwh,
        hours.load_ev_kwh,
        hours.load_other_kwh,
        hours.grid_import_kwh,
        hours.grid_export_kwh,
        hours.battery_charge_kwh,
        hours.battery_discharge_kwh,
        hours.state_of_charge_pct,
        hours.battery_state_of_health_pct,
        hours.grid_up_flag,
        hours.tariff_id,
        markets.lmp_usd_per_mwh,
        markets.carbon_kg_per_mwh / 1000 as grid_carbon_kg_per_kwh,
        hours.quality_flag,
        hours.filled_flag,
        hours.late_arrival_flag,
        hours.unit_converted_flag
    from hours
    inner join households on hours.household_id = households.household_id
    inner join territories on households.utility_territory = territories.utility_territory
    left join markets
        on
            territories.market_region = markets.market_region
            and hours.interval_start_at = markets.interval_start_at
)

select * from final
