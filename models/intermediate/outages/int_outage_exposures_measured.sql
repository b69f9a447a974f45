-- One row per grid interruption and home in service on the interrupted feeder: the hours judged in
-- int_outage_hours_judged summed over the interruption, and whether backup avoided the outage for the customer
-- (a battery in service carried the critical load, leaving at most var('outage_avoided_max_unserved_share') of
-- it unserved). Homes without a battery never avoid an outage (anti-islanding). A short interruption that shows
-- in no grid-down hour of telemetry (it spans no hour's middle) is not judged, so not counted avoided.
{{ config(materialized='table') }}

with

hours as (
    select * from {{ ref('int_outage_hours_judged') }}
),

outages as (
    select * from {{ ref('stg_grid__outages') }}
),

households as (
    select
        household_id,
        time_zone
    from {{ ref('stg_crm__households') }}
),

per_exposure as (
    select
        outage_id,
        household_id,
        max(case when battery_in_service_flag then 1 else 0 end) = 1 as has_battery,
        sum(case when islanded_flag then 1 else 0 end) as islanded_hours,
        sum(case when islanded_flag then outage_minutes_in_hour else 0 end) as islanded_minutes,
        sum(case when backup_limit is not null then 1 else 0 end) as backup_limited_hours,
        {{ exact_sum('critical_load_served_kwh') }} as critical_load_served_kwh,
        {{ exact_sum('critical_load_needed_kwh') }} as critical_load_needed_kwh,
        {{ exact_sum('unserved_load_kwh') }} as unserved_load_kwh,
        {{ exact_sum('backup_minutes') }} / 60 as backup_duration_hours,
        min(case when islanded_flag and battery_in_service_flag then state_of_charge_pct end)
            as lowest_state_of_charge_pct
    from hours
    group by outage_id, household_id
),

final as (
    select
        outages.outage_id || '-' || per_exposure.household_id as outage_event_id,
        outages.outage_id,
        per_exposure.household_id,
        cast({{ to_local_timestamp('outages.started_at', 'households.time_zone') }} as date) as outage_local_date,
        outages.started_at,
        outages.outage_duration_minutes,
        outages.major_event_flag,
        per_exposure.has_battery,
        per_exposure.islanded_hours > 0 as grid_down_flag,
        per_exposure.islanded_minutes,
        per_exposure.backup_limited_hours,
        per_exposure.critical_load_served_kwh,
        per_exposure.critical_load_needed_kwh,
        per_exposure.unserved_load_kwh,
        per_exposure.backup_duration_hours,
        per_exposure.lowest_state_of_charge_pct,
        per_exposure.has_battery
        and per_exposure.islanded_hours > 0
        and per_exposure.critical_load_served_kwh > 0
        and per_exposure.unserved_load_kwh
        <= {{ var('outage_avoided_max_unserved_share') }} * per_exposure.critical_load_needed_kwh
            as customer_outage_avoided_flag
    from per_exposure
    inner join outages on per_exposure.outage_id = outages.outage_id
    inner join households on per_exposure.household_id = households.household_id
)

select * from final
