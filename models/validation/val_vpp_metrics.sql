-- VPP realism: events per season (average and most) and event length per programme, how many of the hot-day
-- programmes' calls missed the season's hottest days (calls are decided the day before, on forecasts), the
-- spread of what homes are asked for, power delivered per home, participation and opt-outs across every device
-- response. Seasons and call days are counted on the programme territory's local calendar.
with

calls as (
    select * from {{ ref('stg_vpp__dispatch_calls') }}
),

programs as (
    select * from {{ ref('vpp_programs') }}
),

territories as (
    select
        utility_territory,
        timezone
    from {{ ref('territories') }}
),

weather as (
    select * from {{ ref('stg_grid__weather_hourly') }}
),

device_responses as (
    select * from {{ ref('stg_vpp__device_responses') }}
),

pack as (
    select * from {{ ref('stg_pack__manifests') }}
),

responses as (
    select * from {{ ref('int_dispatch_responses_measured') }}
),

season_years as (
    -- every calendar year the pack touches (packs are at most ten years long)
    select distinct year(pack.pack_start_date) + year_offsets.year_offset as season_year
    from pack
    cross join (  -- noqa: ST05
        select series.generated_number - 1 as year_offset from ({{ dbt.generate_series(11) }}) as series
    ) as year_offsets
),

-- seasons (local months) that lie wholly inside the pack
seasons as (
    select
        programs.program_id,
        season_years.season_year,
        make_date(season_years.season_year, programs.season_start_month, 1) as season_start,
        make_date(season_years.season_year, programs.season_end_month, 1) + interval 1 month as season_end
    from programs
    cross join season_years
),

complete_seasons as (
    select seasons.*
    from seasons
    cross join pack
    where seasons.season_start >= pack.pack_start_date and seasons.season_end <= pack.pack_end_date
),

local_calls as (
    -- each call on its programme territory's wall clock
    select
        calls.call_id,
        calls.program_id,
        cast({{ to_local_timestamp('calls.event_start_at', 'territories.timezone') }} as date) as local_date
    from calls
    inner join programs on calls.program_id = programs.program_id
    inner join territories on programs.utility_territory = territories.utility_territory
),

events_per_season as (
    select
        complete_seasons.program_id,
        complete_seasons.season_year,
        count(local_calls.call_id) as events
    from complete_seasons
    left join local_calls
        on complete_seasons.program_id = local_calls.program_id
            and complete_seasons.season_start <= local_calls.local_date
            and complete_seasons.season_end > local_calls.local_date
    group by complete_seasons.program_id, complete_seasons.season_year
),

daily_max_temperature as (
    -- each territory's local days and their maximum temperature, as the weather feed recorded it
    select
        weather.utility_territory,
        cast({{ to_local_timestamp('weather.observed_at', 'territories.timezone') }} as date) as local_date,
        max(weather.temp_air_c) as max_temp_c
    from weather
    inner join territories on weather.utility_territory = territories.utility_territory
    group by
        weather.utility_territory,
        cast({{ to_local_timestamp('weather.observed_at', 'territories.timezone') }} as date)
),

hot_day_season_days as (
    -- the days a hot-day programme may call: weekdays of its season's months inside the pack
    select
        programs.program_id,
        daily_max_temperature.local_date,
        daily_max_temperature.max_temp_c,
        year(daily_max_temperature.local_date) as season_year
    from programs
    inner join daily_max_temperature on programs.utility_territory = daily_max_temperature.utility_territory
    cross join pack
    where
        programs.trigger = 'hot_day'
        and month(daily_max_temperature.local_date) between programs.season_start_month and programs.season_end_month
        and {{ iso_weekday('daily_max_temperature.local_date') }} <= 5
        and daily_max_temperature.local_date >= pack.pack_start_date
        and daily_max_temperature.local_date < pack.pack_end_date
),

called_dates as (
    select distinct
        program_id,
        local_date
    from local_calls
),

ranked_season_days as (
    -- each eligible day's heat rank in its programme-season, and how many days that season called
    select
        hot_day_season_days.program_id,
        hot_day_season_days.local_date,
        called_dates.local_date is not null as is_called,
        row_number() over (
            partition by hot_day_season_days.program_id, hot_day_season_days.season_year
            order by hot_day_season_days.max_temp_c desc, hot_day_season_days.local_date asc
        ) as heat_rank,
        count(called_dates.local_date) over (
            partition by hot_day_season_days.program_id, hot_day_season_days.season_year
        ) as called_days
    from hot_day_season_days
    left join called_dates
        on
            hot_day_season_days.program_id = called_dates.program_id
            and hot_day_season_days.local_date = called_dates.local_date
),

per_program as (
    select
        'vpp_events_per_season' as metric_id,
        program_id as scope,
        avg(events) as measured_value,
        count(*) as sample_size
    from events_per_season
    group by program_id
    union all
    select
        'vpp_events_max_per_season' as metric_id,
        program_id as scope,
        max(events) as measured_value,
        count(*) as sample_size
    from events_per_season
    group by program_id
    union all
    select
        'vpp_event_hours' as metric_id,
        program_id as scope,
        avg(duration_minutes / 60) as measured_value,
        count(*) as sample_size
    from calls
    group by program_id
    union all
    select
        'vpp_requested_kw_distinct' as metric_id,
        calls.program_id as scope,
        count(distinct device_responses.requested_kw) as measured_value,
        count(distinct device_responses.household_id) as sample_size
    from device_responses
    inner join calls on device_responses.call_id = calls.call_id
    group by calls.program_id
),

fleet_wide as (
    select
        'vpp_calls_off_hottest_days' as metric_id,
        'all' as scope,
        avg(case when heat_rank > called_days then 1.0 else 0.0 end) as measured_value,
        count(*) as sample_size
    from ranked_season_days
    where is_called
    union all
    select
        'vpp_kw_per_participating_home' as metric_id,
        'all' as scope,
        avg(settled_kwh / (duration_minutes / 60)) filter (where participated_flag) as measured_value,
        count(*) filter (where participated_flag) as sample_size
    from responses
    union all
    select
        'vpp_participation_rate' as metric_id,
        'all' as scope,
        avg(case when participated_flag then 1.0 else 0.0 end) as measured_value,
        count(*) as sample_size
    from responses
    union all
    select
        'vpp_opt_out_share' as metric_id,
        'all' as scope,
        avg(case when response_status = 'opted_out' then 1.0 else 0.0 end) as measured_value,
        count(*) as sample_size
    from responses
)

select * from per_program
union all
select * from fleet_wide
