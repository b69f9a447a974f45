-- The 15-minute LMP of every region over one week: the pack's first July week (local time, summer prices), or
-- its first week when the pack has no July.
with

prices as (
    select * from {{ ref('rpt_market_prices_localized') }}
),

week_start as (
    select
        coalesce(
            min(interval_start_local) filter (where month(interval_start_local) = 7),
            min(interval_start_local)
        ) as starts_local
    from prices
),

final as (
    select
        prices.market_region,
        prices.interval_start_at,
        prices.interval_start_local,
        prices.lmp_usd_per_mwh
    from prices
    cross join week_start
    where
        prices.interval_start_local >= week_start.starts_local
        and prices.interval_start_local < week_start.starts_local + interval 7 day
)

select * from final
