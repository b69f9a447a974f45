with

source as (
    select * from {{ source('vpp', 'device_responses') }}
),

renamed as (
    select
        cast(response_id as varchar) as response_id,
        cast(call_id as varchar) as call_id,
        cast(household_id as varchar) as household_id,
        cast(battery_id as varchar) as battery_id,
        cast(response_status as varchar) as response_status,
        cast(responded_at as timestamp with time zone) as responded_at,
        cast(requested_kw as double) as requested_kw
    from source
)

select * from renamed
