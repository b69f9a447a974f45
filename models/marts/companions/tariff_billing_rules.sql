-- How each rate plan turns a month of priced energy into a bill: export regime, credit bank true-up, fixed,
-- minimum and non-bypassable charges, demand ratchet, and the published rule each is modelled on. A companion of
-- the 14 schema tables, read with `tariff_rate_periods`.
with

tariffs as (
    select * from {{ ref('utility_tariff_plans') }}
),

final as (
    select
        tariff_id,
        export_regime,
        cast(fixed_monthly_charge as double) as fixed_monthly_charge_usd,
        cast(minimum_monthly_bill_usd as double) as minimum_monthly_bill_usd,
        cast(non_bypassable_charge_usd_per_kwh as double) as non_bypassable_charge_usd_per_kwh,
        credit_true_up,
        cast(true_up_month as integer) as true_up_month,
        cast(true_up_rate_usd_per_kwh as double) as true_up_rate_usd_per_kwh,
        cast(demand_ratchet_pct as double) as demand_ratchet_pct,
        billing_rules_source
    from tariffs
)

select * from final
