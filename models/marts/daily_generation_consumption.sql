with

days as (
    select * from {{ ref('int_household_days_billed') }}
),

final as (
    select
        local_date as date,
        household_id,
        solar_generation_kwh,
        home_load_kwh,
        grid_import_kwh,
        grid_export_kwh,
        battery_charge_kwh,
        battery_discharge_kwh,
        state_of_charge_end_pct,
        bill_without_system_usd,
        bill_with_system_usd,
        customer_savings_usd
    from days
)

select * from final
