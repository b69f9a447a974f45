with

source as (
    select * from {{ source('vpp', 'dispatch_calls') }}
),

renamed as (
    select
        cast(call_id as varchar) as call_id,
        cast(program_id as varchar) as program_id,
        cast(dispatch_type as varchar) as dispatch_type,
        cast(event_start_at as timestamp with time zone) as event_start_at,
        cast(event_end_at as timestamp with time zone) as event_end_at,
        cast(requested_kw_per_device as double) as requested_kw_per_device,
        cast(date_diff('minute', event_start_at, event_end_at) as integer) as duration_minutes
    from source
)

select * from renamed
