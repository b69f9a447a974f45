-- Usable readings per home and local day, against the hours that day has on the home's clock.
{{ config(materialized='table') }}

with

telemetry as (
    select
        household_id,
        interval_start_at
    from {{ ref('stg_fleet__telemetry_hourly') }}
),

households as (
    select
        household_id,
        time_zone
    from {{ ref('stg_crm__households') }}
),

clock as (
    select * from {{ ref('int_local_clock_hours') }}
),

counted as (
    select
        telemetry.household_id,
        clock.local_date,
        count(*) as hours_with_reading
    from telemetry
    inner join households on telemetry.household_id = households.household_id
    inner join clock
        on
            households.time_zone = clock.time_zone
            and telemetry.interval_start_at = clock.interval_start_at
    group by telemetry.household_id, clock.local_date
)

select * from counted
