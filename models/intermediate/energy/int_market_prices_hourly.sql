-- Each market region's 15-minute prices and grid carbon intensity averaged to the UTC hour, the grain of the
-- hourly telemetry they are set beside.
{{ config(materialized='table') }}

with

prices as (
    select * from {{ ref('stg_grid__market_prices') }}
),

hourly as (
    select
        market_region,
        {{ dbt.date_trunc('hour', 'interval_start_at') }} as interval_start_at,
        {{ exact_avg('lmp_usd_per_mwh') }} as lmp_usd_per_mwh,
        {{ exact_avg('carbon_kg_per_mwh') }} as carbon_kg_per_mwh,
        count(*) as intervals_priced
    from prices
    group by market_region, {{ dbt.date_trunc('hour', 'interval_start_at') }}
)

select * from hourly
