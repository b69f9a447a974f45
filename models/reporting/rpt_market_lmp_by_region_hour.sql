-- Each region's mean LMP by local hour in spring (March-May) and summer (June-August), the duck curve, with the
-- number of local days of each season the means are taken over (a season seen on a few days is not a season).
with

prices as (
    select * from {{ ref('rpt_market_prices_localized') }}
),

final as (
    select
        market_region,
        cast(hour(interval_start_local) as integer) as local_hour,
        {{ exact_avg('case when month(interval_start_local) in (3, 4, 5) then lmp_usd_per_mwh end') }}
            as spring_lmp_usd_per_mwh,
        {{ exact_avg('case when month(interval_start_local) in (6, 7, 8) then lmp_usd_per_mwh end') }}
            as summer_lmp_usd_per_mwh,
        count(distinct cast(interval_start_local as date)) filter (
            where month(interval_start_local) in (3, 4, 5)
        ) as spring_days_count,
        count(distinct cast(interval_start_local as date)) filter (
            where month(interval_start_local) in (6, 7, 8)
        ) as summer_days_count
    from prices
    group by market_region, cast(hour(interval_start_local) as integer)
)

select * from final
