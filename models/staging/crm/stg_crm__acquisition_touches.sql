with

source as (
    select * from {{ source('crm', 'acquisition_touches') }}
),

renamed as (
    select
        cast(touch_id as varchar) as touch_id,
        cast(household_id as varchar) as household_id,
        cast(touched_at as timestamp with time zone) as touched_at,
        cast(channel as varchar) as channel,
        cast(campaign_type as varchar) as campaign_type,
        cast(cost_usd as double) as cost_usd
    from source
)

select * from renamed
