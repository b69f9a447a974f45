-- Retransmitted readings: for every home and hour delivered more than once, the copies after the first to
-- arrive. Small (duplicates are rare), so it is a table that every telemetry view can join cheaply.
{{ config(materialized='table') }}

with

source as (
    select
        cast(household_id as varchar) as household_id,
        cast(interval_start_at as timestamp with time zone) as interval_start_at,
        cast(received_at as timestamp with time zone) as received_at
    from {{ source('fleet', 'telemetry_hourly') }}
),

repeated_hours as (
    select
        household_id,
        interval_start_at
    from source
    group by household_id, interval_start_at
    having count(*) > 1
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
    inner join repeated_hours
        on
            source.household_id = repeated_hours.household_id
            and source.interval_start_at = repeated_hours.interval_start_at
)

select * from copies
where copy_number > 1
