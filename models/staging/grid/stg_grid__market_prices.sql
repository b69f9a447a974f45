with

source as (
    select * from {{ source('grid', 'market_prices') }}
),

renamed as (
    select
        cast(market_region as string) as market_region,
        cast(interval_start_at as {{ type_timestamp_tz() }}) as interval_start_at,
        cast(lmp_usd_per_mwh as double) as lmp_usd_per_mwh,
        cast(spin_reserve_usd_per_mwh as double) as spin_reserve_usd_per_mwh,
        cast(nonspin_reserve_usd_per_mwh as double) as nonspin_reserve_usd_per_mwh,
        cast(carbon_kg_per_mwh as double) as carbon_kg_per_mwh
    from source
)

select * from renamed
