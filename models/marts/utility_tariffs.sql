with

tariffs as (
    select * from {{ ref('utility_tariff_plans') }}
),

final as (
    select
        tariff_id,
        utility_territory,
        state,
        tariff_name,
        tariff_type,
        peak_start_hour,
        peak_end_hour,
        summer_peak_rate,
        offpeak_rate,
        fixed_monthly_charge,
        net_billing_export_rate
    from tariffs
)

select * from final
