-- Every 15-minute market price of the pack on its region's local clock: the rows of the market charts
-- (the price distribution reads them as they are; the other market panels average them).
{{ config(materialized='view') }}

with

prices as (
    select * from {{ ref('stg_grid__market_prices') }}
),

regions as (
    select * from {{ ref('market_regions') }}
),

final as (
    select
        prices.market_region,
        prices.interval_start_at,
        {{ to_local_timestamp('prices.interval_start_at', 'regions.timezone') }} as interval_start_local,
        prices.lmp_usd_per_mwh,
        prices.spin_reserve_usd_per_mwh,
        prices.nonspin_reserve_usd_per_mwh,
        prices.carbon_kg_per_mwh
    from prices
    inner join regions on prices.market_region = regions.market_region
)

select * from final
