-- The spread of specific yield across the fleet's homes, per local day: 10th percentile, median and 90th
-- percentile (linear interpolation between homes).
with

yields as (
    select * from {{ ref('rpt_solar_daily_yield') }}
),

final as (
    select
        date,
        count(*) as homes_count,
        percentile_cont(0.1) within group (order by specific_yield_kwh_per_kw_dc) as p10_yield_kwh_per_kw_dc,
        percentile_cont(0.5) within group (order by specific_yield_kwh_per_kw_dc) as median_yield_kwh_per_kw_dc,
        percentile_cont(0.9) within group (order by specific_yield_kwh_per_kw_dc) as p90_yield_kwh_per_kw_dc
    from yields
    group by date
)

select * from final
