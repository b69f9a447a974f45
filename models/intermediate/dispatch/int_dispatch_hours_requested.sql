-- Every device response to a dispatch call, hour by hour of the event: the hour on the UTC clock and on the
-- home's wall clock (local date and hour, from its IANA time zone, so daylight saving is respected), the energy
-- asked of the device in the hour, and how the programme settles (seed vpp_programs.baseline_method).
{{ config(materialized='table') }}

with

responses as (
    select * from {{ ref('stg_vpp__device_responses') }}
),

calls as (
    select * from {{ ref('stg_vpp__dispatch_calls') }}
),

programs as (
    select * from {{ ref('vpp_programs') }}
),

households as (
    select
        household_id,
        time_zone
    from {{ ref('stg_crm__households') }}
),

hour_offsets as (
    select generated_number - 1 as hour_offset
    from ({{ dbt.generate_series(24) }}) as series
),

event_hours as (
    select
        responses.response_id,
        responses.household_id,
        responses.response_status,
        calls.program_id,
        programs.baseline_method,
        households.time_zone,
        -- calls last whole hours (the telemetry's interval)
        responses.requested_kw as requested_kwh,
        {{ dbt.dateadd('hour', 'hour_offsets.hour_offset', 'calls.event_start_at') }} as hour_start_at,
        {{ to_local_timestamp('calls.event_start_at', 'households.time_zone') }} as event_start_local
    from responses
    inner join calls on responses.call_id = calls.call_id
    inner join programs on calls.program_id = programs.program_id
    inner join households on responses.household_id = households.household_id
    inner join hour_offsets on hour_offsets.hour_offset * 60 < calls.duration_minutes
),

localized as (
    select
        *,
        {{ to_local_timestamp('hour_start_at', 'time_zone') }} as hour_start_local
    from event_hours
),

final as (
    select
        response_id,
        household_id,
        response_status,
        program_id,
        baseline_method,
        hour_start_at,
        cast(event_start_local as date) as event_local_date,
        cast(hour_start_local as date) as local_date,
        cast(extract(hour from hour_start_local) as integer) as local_hour,
        requested_kwh
    from localized
)

select * from final
