-- Hourly telemetry in each home's local time, limited to the pack's local calendar window.
-- Local days come from the home's IANA time zone, so DST days have 23 or 25 hours.
with

telemetry as (
    select * from {{ ref('stg_fleet__telemetry_hourly') }}
),

households as (
    select
        household_id,
        time_zone,
        tariff_id
    from {{ ref('stg_crm__households') }}
),

clock as (
    select * from {{ ref('int_local_clock_hours') }}
),

localized as (
    select
        telemetry.*,
        households.tariff_id,
        clock.interval_start_local,
        clock.local_date,
        clock.local_hour,
        clock.local_month,
        clock.local_iso_weekday
    from telemetry
    inner join households on telemetry.household_id = households.household_id
    inner join clock
        on households.time_zone = clock.time_zone
            and telemetry.interval_start_at = clock.interval_start_at
)

select * from localized
