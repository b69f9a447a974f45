-- The distribution of daily specific yield over every home-day of the pack, as 60 bins of equal width from the
-- lowest day to the highest (numpy's histogram rule: the highest day falls in the last bin). The chart reads
-- these 60 rows; reading the home-days themselves took 110 M rows into memory at the premium pack.
with

yields as (
    select specific_yield_kwh_per_kw_dc from {{ ref('rpt_solar_daily_yield') }}
),

bounds as (
    select
        min(specific_yield_kwh_per_kw_dc) as lowest_yield,
        -- A pack whose days all yield the same has one bin, 1 kWh per kW DC wide.
        case
            when max(specific_yield_kwh_per_kw_dc) > min(specific_yield_kwh_per_kw_dc)
                then (max(specific_yield_kwh_per_kw_dc) - min(specific_yield_kwh_per_kw_dc)) / 60
            else 1.0
        end as bin_width
    from yields
),

placed as (
    select
        least(
            cast(floor((yields.specific_yield_kwh_per_kw_dc - bounds.lowest_yield) / bounds.bin_width) as integer), 59
        ) as bin_index
    from yields
    cross join bounds
),

binned as (
    select
        bin_index,
        count(*) as home_days_count
    from placed
    group by bin_index
),

final as (
    select
        binned.bin_index,
        bounds.lowest_yield + binned.bin_index * bounds.bin_width as bin_start_kwh_per_kw_dc,
        bounds.lowest_yield + (binned.bin_index + 1) * bounds.bin_width as bin_end_kwh_per_kw_dc,
        binned.home_days_count
    from binned
    cross join bounds
)

select * from final
