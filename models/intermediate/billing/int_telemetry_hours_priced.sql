-- Every stored home-hour (int_telemetry_hours_metered) at the retail rates of the home's tariff. Import: the
-- peak rate (summer or winter) inside the plan's peak window - on weekdays only where the plan says so - else
-- the off-peak rate. Export: the plan's net-billing export credit, every hour.
-- A view on every engine: the rates are applied as the hours are read (a join with one row per plan), so a
-- tariff edit rebuilds the bills, not the stored hours.
{{ config(materialized='view') }}

with

hours as (
    select * from {{ ref('int_telemetry_hours_metered') }}
),

tariffs as (
    select * from {{ ref('utility_tariff_plans') }}
),

windows as (
    select
        hours.*,
        cast(extract(month from hours.local_date) as integer) as local_month,
        cast({{ iso_weekday('hours.local_date') }} as integer) as local_iso_weekday,
        tariffs.summer_start_month,
        tariffs.summer_end_month,
        tariffs.peak_start_hour,
        tariffs.peak_end_hour,
        tariffs.peak_weekdays_only,
        tariffs.summer_peak_rate,
        tariffs.winter_peak_rate,
        tariffs.offpeak_rate,
        tariffs.net_billing_export_rate
    from hours
    inner join tariffs on hours.tariff_id = tariffs.tariff_id
),

classified as (
    select
        *,
        case
            when summer_start_month <= summer_end_month
                then local_month between summer_start_month and summer_end_month
            else local_month >= summer_start_month or local_month <= summer_end_month
        end as is_summer,
        local_hour >= peak_start_hour
        and local_hour < peak_end_hour
        and (not peak_weekdays_only or local_iso_weekday <= 5) as peak_flag
    from windows
),

final as (
    select
        household_id,
        interval_start_at,
        interval_start_local,
        local_date,
        local_hour,
        solar_generation_kwh,
        home_load_kwh,
        critical_load_kwh,
        load_hvac_kwh,
        load_water_heating_kwh,
        load_ev_kwh,
        load_other_kwh,
        grid_import_kwh,
        grid_export_kwh,
        battery_charge_kwh,
        battery_discharge_kwh,
        state_of_charge_pct,
        battery_state_of_health_pct,
        grid_up_flag,
        tariff_id,
        peak_flag,
        case
            when peak_flag and is_summer then summer_peak_rate
            when peak_flag then winter_peak_rate
            else offpeak_rate
        end as import_rate_usd_per_kwh,
        net_billing_export_rate as export_rate_usd_per_kwh,
        lmp_usd_per_mwh,
        grid_carbon_kg_per_kwh,
        quality_flag,
        filled_flag,
        late_arrival_flag,
        unit_converted_flag
    from classified
)

select * from final
