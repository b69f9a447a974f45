-- The fleet's mean hour of each season by local hour of day, per home: load, and net load (load minus solar,
-- below zero when the homes export). Meteorological seasons; sums over sums of `rpt_fleet_hours_by_month`.
with

months as (
    select * from {{ ref('rpt_fleet_hours_by_month') }}
),

seasons as (
    select
        local_hour,
        home_hours_count,
        solar_kwh,
        load_kwh,
        case
            when local_month in (12, 1, 2) then 'winter (DJF)'
            when local_month in (3, 4, 5) then 'spring (MAM)'
            when local_month in (6, 7, 8) then 'summer (JJA)'
            else 'autumn (SON)'
        end as season,
        case
            when local_month in (12, 1, 2) then 1
            when local_month in (3, 4, 5) then 2
            when local_month in (6, 7, 8) then 3
            else 4
        end as season_order
    from months
),

summed as (
    select
        season,
        season_order,
        local_hour,
        sum(home_hours_count) as home_hours_count,
        {{ exact_sum('solar_kwh') }} as solar_kwh,
        {{ exact_sum('load_kwh') }} as load_kwh
    from seasons
    group by season, season_order, local_hour
),

final as (
    select
        *,
        load_kwh / home_hours_count as load_kwh_per_home,
        (load_kwh - solar_kwh) / home_hours_count as net_load_kwh_per_home
    from summed
)

select * from final
