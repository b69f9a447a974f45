-- Retransmitted readings: for every home and hour delivered more than once, the copies after the first to
-- arrive. Small (duplicates are rare), so every telemetry view can join it cheaply. Built month by month
-- (UTC month of the hour; a copy may arrive in a later raw partition, so the whole feed is read with the
-- month's hours selected).
{{ config(materialized='monthly_parquet', partition_clock='utc') }}

with

source as (
    select
        cast(household_id as string) as household_id,
        cast(interval_start_at as {{ type_timestamp_tz() }}) as interval_start_at,
        cast(received_at as {{ type_timestamp_tz() }}) as received_at,
        {{ int_div(epoch_seconds('cast(interval_start_at as ' ~ type_timestamp_tz() ~ ')'), 3600) }} as epoch_hour
    from {{ source('fleet', 'telemetry_hourly') }}
    where {{ in_month_partition('interval_start_at') }}
),

repeating_days as (
    -- Home-days (UTC) on which some hour arrived more than once. Each hour of the day sets its own bit, so the
    -- bits' sum exceeds their OR exactly when an hour is counted twice. Grouping home-days, not home-hours,
    -- keeps the hash table 24 times smaller: the difference between minutes and seconds on a large pack.
    select
        household_id,
        {{ int_div('epoch_hour', 24) }} as epoch_day
    from source
    group by household_id, {{ int_div('epoch_hour', 24) }}
    having sum(cast(1 as bigint) << (epoch_hour % 24)) != bit_or(cast(1 as bigint) << (epoch_hour % 24))
),

copies as (
    select
        source.household_id,
        source.interval_start_at,
        source.received_at,
        row_number() over (
            partition by source.household_id, source.interval_start_at order by source.received_at
        ) as copy_number
    from source
    inner join repeating_days
        on
            source.household_id = repeating_days.household_id
            and {{ int_div('source.epoch_hour', 24) }} = repeating_days.epoch_day
)

select
    household_id,
    interval_start_at,
    received_at,
    copy_number
from copies
where copy_number > 1
