with

source as (
    select * from {{ source('grid', 'outages') }}
),

renamed as (
    select
        cast(outage_id as varchar) as outage_id,
        cast(utility_territory as varchar) as utility_territory,
        cast(feeder_id as varchar) as feeder_id,
        cast(started_at as timestamp with time zone) as started_at,
        cast(restored_at as timestamp with time zone) as restored_at,
        cast(cause as varchar) as cause,
        cast(major_event_flag as boolean) as major_event_flag,
        cast(date_diff('minute', started_at, restored_at) as integer) as outage_duration_minutes
    from source
)

select * from renamed
