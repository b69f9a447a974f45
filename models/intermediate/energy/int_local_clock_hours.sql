-- The local wall clock of every UTC hour of the pack in every time zone the fleet lives in.
-- Converting ~60k (zone, hour) pairs once and joining is far cheaper than converting every telemetry row.
{{ config(materialized='table') }}

with

pack as (
    select
        pack_start_date,
        pack_end_date
    from {{ ref('stg_pack__manifests') }}
),

time_zones as (
    select distinct time_zone
    from {{ ref('stg_crm__households') }}
),

hour_numbers as (
    -- Enough hours for the longest pack (120 months) plus a day either side; filtered below.
    select generated_number - 1 as hour_number
    from ({{ dbt.generate_series(24 * 31 * 124) }}) as series
),

utc_hours as (
    select {{ dbt.dateadd('hour', 'hour_numbers.hour_number',
                          "cast(" ~ dbt.dateadd('day', -1, 'pack.pack_start_date') ~ " as timestamp)") }} as date_hour
    from hour_numbers
    cross join pack
    where hour_numbers.hour_number < 24 * ({{ dbt.datediff('pack.pack_start_date', 'pack.pack_end_date', 'day') }} + 3) -- noqa: LT05
),

clock as (
    select
        time_zones.time_zone,
        cast(utc_hours.date_hour as {{ type_timestamp_tz() }}) as interval_start_at,
        {{ to_local_timestamp('cast(utc_hours.date_hour as ' ~ type_timestamp_tz() ~ ')', 'time_zones.time_zone') }}
            as interval_start_local
    from utc_hours
    cross join time_zones
),

final as (
    select
        clock.time_zone,
        clock.interval_start_at,
        clock.interval_start_local,
        cast(clock.interval_start_local as date) as local_date,
        cast(extract(hour from clock.interval_start_local) as integer) as local_hour,
        cast(extract(month from clock.interval_start_local) as integer) as local_month,
        cast({{ iso_weekday('clock.interval_start_local') }} as integer) as local_iso_weekday,
        -- 24, or 23 / 25 on the days daylight saving time starts / ends
        count(*) over (partition by clock.time_zone, cast(clock.interval_start_local as date)) as hours_in_local_day
    from clock
    cross join pack
    where
        cast(clock.interval_start_local as date) >= pack.pack_start_date
        and cast(clock.interval_start_local as date) < pack.pack_end_date
)

select * from final
