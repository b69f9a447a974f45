-- Weather-driven hazards: major-event outages in each state's storm season or on extreme-temperature days,
-- scarcity prices in hour-long episodes on extreme days (winter gas-driven ones in ISO-NE and PJM), and reserve
-- prices that stay positive when energy prices are not. Extreme days are read from the weather feed the way the
-- generator's hazard process defines them (seed simulation_parameters, process hazards).
with

weather as (
    select * from {{ ref('stg_grid__weather_hourly') }}
),

outages as (
    select * from {{ ref('stg_grid__outages') }}
),

prices as (
    select * from {{ ref('stg_grid__market_prices') }}
),

territories as (
    select * from {{ ref('territories') }}
),

normals as (
    select * from {{ ref('climate_normals') }}
),

storm_climatology as (
    select * from {{ ref('storm_climatology') }}
),

regions as (
    select * from {{ ref('market_regions') }}
),

parameters as (
    select * from {{ ref('simulation_parameters') }}
),

thresholds as (
    select
        max(case when parameter = 'hazard_extreme_temp_z' then value end) as extreme_z,
        max(case when parameter = 'hazard_heat_min_daily_mean_c' then value end) as heat_min_c,
        max(case when parameter = 'hazard_cold_max_daily_mean_c' then value end) as cold_max_c
    from parameters
),

local_weather as (
    select
        weather.utility_territory,
        territories.state,
        territories.market_region,
        weather.temp_air_c,
        cast({{ to_local_timestamp('weather.observed_at', 'territories.timezone') }} as date) as local_date
    from weather
    inner join territories on weather.utility_territory = territories.utility_territory
),

territory_days as (
    -- whole local days only (the weather feed's first and last UTC days are partial locally)
    select
        utility_territory,
        state,
        market_region,
        local_date,
        avg(temp_air_c) as mean_temp_c
    from local_weather
    group by utility_territory, state, market_region, local_date
    having count(*) = 24
),

classified_days as (
    select
        territory_days.utility_territory,
        territory_days.state,
        territory_days.market_region,
        territory_days.local_date,
        coalesce(storm_climatology.storm_season, false) as in_storm_season,
        (
            (territory_days.mean_temp_c - normals.mean_temp_c) / normals.daily_temp_sd_c >= thresholds.extreme_z
            and territory_days.mean_temp_c >= thresholds.heat_min_c
        ) or (
            (territory_days.mean_temp_c - normals.mean_temp_c) / normals.daily_temp_sd_c <= -thresholds.extreme_z
            and territory_days.mean_temp_c <= thresholds.cold_max_c
        ) as is_extreme
    from territory_days
    inner join normals
        on
            territory_days.utility_territory = normals.utility_territory
            and month(territory_days.local_date) = normals.month
    left join storm_climatology
        on territory_days.state = storm_climatology.state and month(territory_days.local_date) = storm_climatology.month
    cross join thresholds
),

major_event_days as (
    select distinct
        outages.utility_territory,
        cast({{ to_local_timestamp('outages.started_at', 'territories.timezone') }} as date) as local_date
    from outages
    inner join territories on outages.utility_territory = territories.utility_territory
    where outages.major_event_flag
),

days_with_events as (
    select
        classified_days.*,
        major_event_days.local_date is not null as has_major_event,
        case when major_event_days.local_date is not null then 1.0 else 0.0 end as major_event_share
    from classified_days
    left join major_event_days
        on
            classified_days.utility_territory = major_event_days.utility_territory
            and classified_days.local_date = major_event_days.local_date
),

region_days as (
    select
        market_region,
        local_date,
        bool_or(is_extreme) as is_extreme
    from classified_days
    group by market_region, local_date
),

local_prices as (
    select
        prices.market_region,
        prices.interval_start_at,
        prices.lmp_usd_per_mwh,
        prices.spin_reserve_usd_per_mwh,
        prices.nonspin_reserve_usd_per_mwh,
        prices.lmp_usd_per_mwh > 3 * regions.base_lmp_usd_per_mwh as is_spike,
        cast({{ to_local_timestamp('prices.interval_start_at', 'regions.timezone') }} as date) as local_date
    from prices
    inner join regions on prices.market_region = regions.market_region
),

spike_runs as (
    -- consecutive spike intervals form an episode (gaps-and-islands)
    select
        *,
        row_number() over (partition by market_region order by interval_start_at)
        - row_number() over (partition by market_region, is_spike order by interval_start_at) as run_id
    from local_prices
),

spike_episodes as (
    select
        *,
        count(*) over (partition by market_region, is_spike, run_id) as run_intervals
    from spike_runs
),

priced_days as (
    select
        local_prices.*,
        region_days.is_extreme,
        case when local_prices.is_spike then 1.0 else 0.0 end as spike_share
    from local_prices
    inner join region_days
        on local_prices.market_region = region_days.market_region and local_prices.local_date = region_days.local_date
),

major_event_rates as (
    select
        avg(case when is_extreme then major_event_share end) as extreme_day_rate,
        avg(case when not is_extreme then major_event_share end) as other_day_rate,
        sum(major_event_share) as major_event_days
    from days_with_events
),

spike_rates as (
    select
        avg(case when is_extreme then spike_share end) as extreme_day_rate,
        avg(case when not is_extreme then spike_share end) as other_day_rate,
        sum(spike_share) as spike_intervals
    from priced_days
),

outage_metrics as (
    select
        'hazard_major_event_days_in_storm_season_share' as metric_id,
        'all' as scope,
        avg(case when in_storm_season then 1.0 else 0.0 end) as measured_value,
        count(*) as sample_size
    from days_with_events
    where has_major_event
    union all
    select
        'hazard_major_event_days_weather_explained_share' as metric_id,
        'all' as scope,
        avg(case when in_storm_season or is_extreme then 1.0 else 0.0 end) as measured_value,
        count(*) as sample_size
    from days_with_events
    where has_major_event
    union all
    select
        'hazard_major_event_extreme_to_other_day_ratio' as metric_id,
        'all' as scope,
        extreme_day_rate / nullif(other_day_rate, 0) as measured_value,
        cast(major_event_days as bigint) as sample_size
    from major_event_rates
),

market_metrics as (
    select
        'market_scarcity_extreme_to_other_day_ratio' as metric_id,
        'all' as scope,
        extreme_day_rate / nullif(other_day_rate, 0) as measured_value,
        cast(spike_intervals as bigint) as sample_size
    from spike_rates
    union all
    select
        'market_spike_intervals_in_hour_long_episodes_share' as metric_id,
        'all' as scope,
        avg(case when run_intervals >= 4 then 1.0 else 0.0 end) as measured_value,
        count(*) as sample_size
    from spike_episodes
    where is_spike
    union all
    -- ISO-NE and PJM pooled (per region-winter): a mild winter in one of them may have no cold snap at all
    select
        'market_winter_scarcity_hours_per_year' as metric_id,
        'ISONE+PJM' as scope,
        sum(case when is_spike then 0.25 else 0.0 end) / (count(*) / (4.0 * 24 * 151)) as measured_value,
        count(*) as sample_size
    from local_prices
    where market_region in ('ISONE', 'PJM') and month(local_date) in (11, 12, 1, 2, 3)
    union all
    select
        'market_reserve_positive_when_lmp_nonpositive_share' as metric_id,
        'all' as scope,
        avg(case when least(spin_reserve_usd_per_mwh, nonspin_reserve_usd_per_mwh) > 0 then 1.0 else 0.0 end)
            as measured_value,
        count(*) as sample_size
    from local_prices
    where lmp_usd_per_mwh <= 0
),

final as (
    select * from outage_metrics
    union all
    select * from market_metrics
)

select * from final
