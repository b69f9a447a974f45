-- Market prices and fleet solar by local hour of day over the whole pack: the mean 15-minute LMP, reserve prices
-- and grid carbon intensity of all regions (each on its region's clock), the fleet's solar output per kW DC
-- (homes on their own clocks), and how closely the price shape follows the solar shape (Pearson r over the hours).
with

prices as (
    select * from {{ ref('rpt_market_prices_localized') }}
),

fleet_months as (
    select * from {{ ref('rpt_fleet_hours_by_month') }}
),

prices_by_hour as (
    select
        cast(hour(interval_start_local) as integer) as local_hour,
        {{ exact_avg('lmp_usd_per_mwh') }} as lmp_usd_per_mwh,
        {{ exact_avg('spin_reserve_usd_per_mwh') }} as spin_reserve_usd_per_mwh,
        {{ exact_avg('nonspin_reserve_usd_per_mwh') }} as nonspin_reserve_usd_per_mwh,
        {{ exact_avg('carbon_kg_per_mwh') }} as carbon_kg_per_mwh
    from prices
    group by cast(hour(interval_start_local) as integer)
),

solar_by_hour as (
    select
        local_hour,
        {{ exact_sum('solar_kwh') }} / nullif({{ exact_sum('kw_dc_hours') }}, 0) as solar_kwh_per_kw_dc
    from fleet_months
    group by local_hour
),

joined as (
    select
        prices_by_hour.*,
        solar_by_hour.solar_kwh_per_kw_dc
    from prices_by_hour
    left join solar_by_hour on prices_by_hour.local_hour = solar_by_hour.local_hour
),

final as (
    select
        *,
        corr(lmp_usd_per_mwh, solar_kwh_per_kw_dc) over () as lmp_solar_pearson_r
    from joined
)

select * from final
