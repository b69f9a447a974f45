-- Each home's typical critical-circuit consumption by local hour of day, measured while the grid is up.
-- It is the baseline for energy a home would have needed during an outage.
{{ config(materialized='table') }}

with

hours as (
    select * from {{ ref('int_telemetry_hours_metered') }}
),

profiles as (
    select
        household_id,
        local_hour,
        {{ exact_avg('critical_load_kwh') }} as typical_critical_load_kwh,
        count(*) as hours_observed
    from hours
    where grid_up_flag and not filled_flag
    group by household_id, local_hour
)

select * from profiles
