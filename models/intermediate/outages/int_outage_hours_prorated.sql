-- One row per grid interruption and UTC clock hour it touches, with the minutes of the interruption inside
-- that hour. Hourly telemetry reports whole hours; these minutes are what an hour of it is prorated by when
-- the interruption covered only part of the hour (a 9-minute interruption is 9 minutes, not an hour).
-- The minutes of an interruption's hours add up to its duration (tested).

with

outages as (
    select
        outage_id,
        started_at,
        restored_at
    from {{ ref('stg_grid__outages') }}
),

hour_offsets as (
    -- the longest interruption the generator draws lasts 96 hours (major events); one running past 120 hours
    -- would lose its last hours, which assert_outage_hours_cover_each_outage reports
    select generated_number - 1 as hour_offset
    from ({{ dbt.generate_series(120) }}) as series
),

outage_hours as (
    select
        outages.outage_id,
        outages.started_at,
        outages.restored_at,
        {{ dbt.dateadd('hour', 'hour_offsets.hour_offset', dbt.date_trunc('hour', 'outages.started_at')) }}
            as hour_start_at
    from outages
    inner join hour_offsets
        on {{ dbt.dateadd('hour', 'hour_offsets.hour_offset', dbt.date_trunc('hour', 'outages.started_at')) }}
            < outages.restored_at
),

final as (
    select
        outage_id,
        hour_start_at,
        cast({{ dbt.datediff(
            'greatest(started_at, hour_start_at)',
            'least(restored_at, ' ~ dbt.dateadd('hour', 1, 'hour_start_at') ~ ')',
            'minute',
        ) }} as integer) as outage_minutes_in_hour
    from outage_hours
)

select * from final
