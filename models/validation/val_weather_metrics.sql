-- Weather realism per territory: temperature continuity across local midnight (a day's weather must not be
-- stitched to the next one's with a step) and the pack's temperature extremes against the station's records.
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
        hour({{ to_local_timestamp('weather.observed_at', 'territories.timezone') }}) as local_hour
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

final as (
    select * from continuity
    union all
    select * from records
)

select * from final
