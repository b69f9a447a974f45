-- Weather realism per territory: temperature continuity across local midnight (a day's weather must not be
-- stitched to the next one's with a step), the pack's temperature extremes against the station's records, and
-- the correlation of daily irradiation between neighbouring territories (clouds are not drawn independently).
with

weather as (
    select * from {{ ref('stg_grid__weather_hourly') }}
),

territories as (
    select * from {{ ref('territories') }}
),

local_weather as (
    select
        weather.utility_territory,
        weather.observed_at,
        weather.temp_air_c,
        weather.ghi_w_m2,
        hour({{ to_local_timestamp('weather.observed_at', 'territories.timezone') }}) as local_hour,
        cast({{ to_local_timestamp('weather.observed_at', 'territories.timezone') }} as date) as local_date
    from weather
    inner join territories on weather.utility_territory = territories.utility_territory
),

hourly_changes as (
    select
        utility_territory,
        local_hour,
        temp_air_c,
        abs(temp_air_c - lag(temp_air_c) over (partition by utility_territory order by observed_at)) as change_c
    from local_weather
),

continuity as (
    select
        'weather_midnight_to_other_hours_change_ratio' as metric_id,
        utility_territory as scope,
        avg(case when local_hour = 0 then change_c end)
        / avg(case when local_hour != 0 then change_c end) as measured_value,
        count(change_c) as sample_size
    from hourly_changes
    group by utility_territory
),

extremes as (
    select
        'weather_max_temp_minus_record_high_c' as metric_id,
        utility_territory as scope,
        max(temp_air_c) as measured_value,
        count(*) as sample_size
    from local_weather
    group by utility_territory
    union all
    select
        'weather_min_temp_minus_record_low_c' as metric_id,
        utility_territory as scope,
        min(temp_air_c) as measured_value,
        count(*) as sample_size
    from local_weather
    group by utility_territory
),

records as (
    select
        extremes.metric_id,
        extremes.scope,
        extremes.measured_value
        - case
            when extremes.metric_id = 'weather_max_temp_minus_record_high_c' then territories.record_high_c
            else territories.record_low_c
        end as measured_value,
        extremes.sample_size
    from extremes
    inner join territories on extremes.scope = territories.utility_territory
),

daily_irradiation as (
    select
        utility_territory,
        local_date,
        sum(ghi_w_m2) as ghi_wh_m2,
        count(*) as hours
    from local_weather
    group by utility_territory, local_date
    having count(*) >= 23
),

daily_anomalies as (
    -- each day relative to its territory's mean day of the 15 days around it, so the seasons (shared by every
    -- territory) do not pass for shared weather
    select
        utility_territory,
        local_date,
        ghi_wh_m2 / avg(ghi_wh_m2) over (
            partition by utility_territory order by local_date
            rows between 7 preceding and 7 following
        ) as relative_irradiation
    from daily_irradiation
),

neighbour_pairs as (
    select
        first_territory.utility_territory as first_territory,
        second_territory.utility_territory as second_territory,
        2 * 6371 * asin(sqrt(
            power(sin(radians(second_territory.latitude - first_territory.latitude) / 2), 2)
            + cos(radians(first_territory.latitude)) * cos(radians(second_territory.latitude))
            * power(sin(radians(second_territory.longitude - first_territory.longitude) / 2), 2)
        )) as distance_km
    from territories as first_territory
    inner join territories as second_territory
        on first_territory.utility_territory < second_territory.utility_territory
),

neighbours as (
    select
        'weather_neighbour_daily_irradiation_correlation' as metric_id,
        neighbour_pairs.first_territory || ' / ' || neighbour_pairs.second_territory as scope,
        corr(first_day.relative_irradiation, second_day.relative_irradiation) as measured_value,
        count(*) as sample_size
    from neighbour_pairs
    inner join daily_anomalies as first_day
        on neighbour_pairs.first_territory = first_day.utility_territory
    inner join daily_anomalies as second_day
        on
            neighbour_pairs.second_territory = second_day.utility_territory
            and first_day.local_date = second_day.local_date
    where neighbour_pairs.distance_km < 350
    group by neighbour_pairs.first_territory, neighbour_pairs.second_territory
),

final as (
    select * from continuity
    union all
    select * from records
    union all
    select * from neighbours
)

select * from final
