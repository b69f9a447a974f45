with

source as (
    select * from {{ source('grid', 'outages') }}
),

renamed as (
    select
        cast(outage_id as string) as outage_id,
        cast(utility_territory as string) as utility_territory,
        cast(feeder_id as string) as feeder_id,
        cast(started_at as {{ type_timestamp_tz() }}) as started_at,
        cast(restored_at as {{ type_timestamp_tz() }}) as restored_at,
        cast(cause as string) as cause,
        cast(major_event_flag as boolean) as major_event_flag,
        cast({{ dbt.datediff('started_at', 'restored_at', 'minute') }} as integer) as outage_duration_minutes  -- noqa: LT05
    from source
)

select * from renamed
