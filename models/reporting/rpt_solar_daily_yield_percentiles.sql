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
        quantile_cont(specific_yield_kwh_per_kw_dc, 0.1) as p10_yield_kwh_per_kw_dc,
        quantile_cont(specific_yield_kwh_per_kw_dc, 0.5) as median_yield_kwh_per_kw_dc,
        quantile_cont(specific_yield_kwh_per_kw_dc, 0.9) as p90_yield_kwh_per_kw_dc
    from yields
    group by date
)

select * from final
