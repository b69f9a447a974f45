-- Raw readings that cannot be used, each with the reason (see base_fleet__telemetry_classified).
-- Every raw reading is either here or in stg_fleet__telemetry_hourly. Few rows, built month by month (UTC month
-- of the hour) and kept as Parquet, so the tests and analyses that read them do not classify the feed again.
{{ config(materialized='monthly_parquet', partition_clock='utc') }}

with

classified as (
    select * from {{ ref('base_fleet__telemetry_classified') }}
),

quarantined as (
    select *
    from classified
    where
        quarantine_reason is not null
        and {{ in_month_partition('interval_start_at') }}
)

select * from quarantined
