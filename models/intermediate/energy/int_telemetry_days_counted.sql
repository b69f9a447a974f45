-- Usable readings per home and local day, against the hours that day has on the home's clock.
-- Built month by month (local month).
{{ config(materialized='monthly_parquet') }}

with

readings as (
    select * from {{ ref('int_telemetry_readings_localized') }}
    where
        {{ in_month_partition('local_date') }}
        -- the UTC hours around the month, so the raw feed's other months are skipped
        and {{ in_month_partition('interval_start_at', margin_days=1) }}
),

counted as (
    select
        household_id,
        local_date,
        count(*) as hours_with_reading
    from readings
    group by household_id, local_date
)

select * from counted
