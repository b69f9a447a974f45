-- How often each region's 15-minute LMP was below zero over the pack (CAISO's spring middays, mostly).
with

prices as (
    select * from {{ ref('rpt_market_prices_localized') }}
),

final as (
    select
        market_region,
        count(*) as intervals_count,
        count(*) filter (where lmp_usd_per_mwh < 0) as negative_intervals_count,
        count(*) filter (where lmp_usd_per_mwh < 0) / cast(count(*) as double) as negative_share
    from prices
    group by market_region
)

select * from final
