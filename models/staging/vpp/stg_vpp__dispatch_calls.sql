with

source as (
    select * from {{ source('vpp', 'dispatch_calls') }}
),

renamed as (
    select
        cast(call_id as string) as call_id,
        cast(program_id as string) as program_id,
        cast(dispatch_type as string) as dispatch_type,
        cast(event_start_at as {{ type_timestamp_tz() }}) as event_start_at,
        cast(event_end_at as {{ type_timestamp_tz() }}) as event_end_at,
        cast(requested_kw_per_device as double) as requested_kw_per_device,
        cast({{ dbt.datediff('event_start_at', 'event_end_at', 'minute') }} as integer) as duration_minutes  -- noqa: LT05
    from source
)

select * from renamed
