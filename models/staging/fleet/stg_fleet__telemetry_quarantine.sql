-- Raw readings that cannot be used, each with the reason (see base_fleet__telemetry_classified).
-- Every raw reading is either here or in stg_fleet__telemetry_hourly.
with

classified as (
    select * from {{ ref('base_fleet__telemetry_classified') }}
),

quarantined as (
    select *
    from classified
    where quarantine_reason is not null
)

select * from quarantined
