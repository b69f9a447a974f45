-- One row per home and local day: metered energy and the utility bill with and without the system, valued hour
-- by hour (the hourly valuation, not the bill the utility issues: that is int_household_months_billed, which
-- nets exports over the month, carries credit banks, adds demand charges and applies minimum bills).
--   without the system: the home buys all its load at the hour's import rate (not during grid outages,
--                       when it could not have bought any), plus the fixed charge;
--   with the system:    grid imports at the import rate, minus exports at the export credit, plus the fixed charge.
-- The fixed monthly charge is prorated by day: charge / days in that calendar month.
-- The day's energy comes summed already (int_household_days_metered); the priced hours are read for their
-- money and peak figures only, so a tariff edit re-reads as few columns as it can.
-- Built month by month (local month): the hours of one month are grouped at a time.
{{ config(materialized='monthly_parquet') }}

with

hours as (
    select * from {{ ref('int_telemetry_hours_priced') }}
    where {{ in_month_partition('local_date') }}
),

metered_days as (
    select * from {{ ref('int_household_days_metered') }}
    where {{ in_month_partition('local_date') }}
),

tariffs as (
    select
        tariff_id,
        fixed_monthly_charge
    from {{ ref('utility_tariff_plans') }}
),

priced_days as (
    select
        household_id,
        local_date,
        tariff_id,
        {{ exact_sum('case when grid_up_flag then home_load_kwh * import_rate_usd_per_kwh else 0 end') }}
            as energy_charge_without_system_usd,
        {{ exact_sum('grid_import_kwh * import_rate_usd_per_kwh') }} as energy_charge_with_system_usd,
        {{ exact_sum('grid_export_kwh * export_rate_usd_per_kwh') }} as export_credit_usd,
        {{ exact_sum('case when peak_flag then grid_import_kwh else 0 end') }} as peak_grid_import_kwh,
        -- demand: an hour's kWh is its average kW; the day's highest on-peak hour, null on days without peak hours
        max(case when peak_flag then grid_import_kwh end) as peak_max_import_kw,
        max(case when peak_flag and grid_up_flag then home_load_kwh end) as peak_max_load_kw
    from hours
    group by household_id, local_date, tariff_id
),

billed as (
    select
        metered_days.household_id,
        metered_days.local_date,
        priced_days.tariff_id,
        metered_days.hours_reported,
        metered_days.solar_generation_kwh,
        metered_days.home_load_kwh,
        metered_days.grid_import_kwh,
        metered_days.grid_export_kwh,
        metered_days.battery_charge_kwh,
        metered_days.battery_discharge_kwh,
        metered_days.state_of_charge_end_pct,
        priced_days.energy_charge_without_system_usd,
        priced_days.energy_charge_with_system_usd,
        priced_days.export_credit_usd,
        priced_days.peak_grid_import_kwh,
        priced_days.peak_max_import_kw,
        priced_days.peak_max_load_kw,
        metered_days.grid_down_hours,
        metered_days.hours_filled,
        metered_days.hours_arrived_late,
        metered_days.hours_unit_converted,
        tariffs.fixed_monthly_charge
        / {{ dbt.datediff(dbt.date_trunc('month', 'metered_days.local_date'),
                          dbt.dateadd('month', 1, dbt.date_trunc('month', 'metered_days.local_date')), 'day') }}
            as fixed_charge_usd
    from metered_days
    inner join priced_days
        on
            metered_days.household_id = priced_days.household_id
            and metered_days.local_date = priced_days.local_date
    inner join tariffs on priced_days.tariff_id = tariffs.tariff_id
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
