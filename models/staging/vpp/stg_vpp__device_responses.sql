with

source as (
    select * from {{ source('vpp', 'device_responses') }}
),

renamed as (
    select
        cast(response_id as string) as response_id,
        cast(call_id as string) as call_id,
        cast(household_id as string) as household_id,
        cast(battery_id as string) as battery_id,
        cast(response_status as string) as response_status,
        cast(responded_at as {{ type_timestamp_tz() }}) as responded_at,
        cast(requested_kw as double) as requested_kw
    from source
)

select * from renamed
