-- One row per home and local day: metered energy and the utility bill with and without the system, valued hour
-- by hour (the hourly valuation, not the bill the utility issues: that is int_household_months_billed, which
-- nets exports over the month, carries credit banks, adds demand charges and applies minimum bills).
--   without the system: the home buys all its load at the hour's import rate (not during grid outages,
--                       when it could not have bought any), plus the fixed charge;
--   with the system:    grid imports at the import rate, minus exports at the export credit, plus the fixed charge.
-- The fixed monthly charge is prorated by day: charge / days in that calendar month.
-- Built month by month (local month): the hours of one month are grouped at a time.
{{ config(materialized='monthly_parquet') }}

with

hours as (
    select * from {{ ref('int_telemetry_hours_priced') }}
    where {{ in_month_partition('local_date') }}
),

tariffs as (
    select
        tariff_id,
        fixed_monthly_charge
    from {{ ref('utility_tariff_plans') }}
),

days as (
    select
        household_id,
        local_date,
        tariff_id,
        count(*) as hours_reported,
        {{ exact_sum('solar_generation_kwh') }} as solar_generation_kwh,
        {{ exact_sum('home_load_kwh') }} as home_load_kwh,
        {{ exact_sum('grid_import_kwh') }} as grid_import_kwh,
        {{ exact_sum('grid_export_kwh') }} as grid_export_kwh,
        {{ exact_sum('battery_charge_kwh') }} as battery_charge_kwh,
        {{ exact_sum('battery_discharge_kwh') }} as battery_discharge_kwh,
        {{ last_value_by('state_of_charge_pct', 'interval_start_at') }} as state_of_charge_end_pct,
        {{ exact_sum('case when grid_up_flag then home_load_kwh * import_rate_usd_per_kwh else 0 end') }}
            as energy_charge_without_system_usd,
        {{ exact_sum('grid_import_kwh * import_rate_usd_per_kwh') }} as energy_charge_with_system_usd,
        {{ exact_sum('grid_export_kwh * export_rate_usd_per_kwh') }} as export_credit_usd,
        {{ exact_sum('case when peak_flag then grid_import_kwh else 0 end') }} as peak_grid_import_kwh,
        -- demand: an hour's kWh is its average kW; the day's highest on-peak hour, null on days without peak hours
        max(case when peak_flag then grid_import_kwh end) as peak_max_import_kw,
        max(case when peak_flag and grid_up_flag then home_load_kwh end) as peak_max_load_kw,
        sum(case when not grid_up_flag then 1 else 0 end) as grid_down_hours,
        sum(case when filled_flag then 1 else 0 end) as hours_filled,
        sum(case when late_arrival_flag then 1 else 0 end) as hours_arrived_late,
        sum(case when unit_converted_flag then 1 else 0 end) as hours_unit_converted
    from hours
    group by household_id, local_date, tariff_id
),

billed as (
    select
        days.*,
        tariffs.fixed_monthly_charge
        / {{ dbt.datediff(dbt.date_trunc('month', 'days.local_date'),
                          dbt.dateadd('month', 1, dbt.date_trunc('month', 'days.local_date')), 'day') }}
            as fixed_charge_usd
    from days
    inner join tariffs on days.tariff_id = tariffs.tariff_id
),

final as (
    select
        *,
        energy_charge_without_system_usd + fixed_charge_usd as bill_without_system_usd,
        energy_charge_with_system_usd - export_credit_usd + fixed_charge_usd as bill_with_system_usd,
        energy_charge_without_system_usd - energy_charge_with_system_usd + export_credit_usd as customer_savings_usd
    from billed
)

select * from final
