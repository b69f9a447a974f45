with

source as (
    select * from {{ source('crm', 'acquisition_touches') }}
),

renamed as (
    select
        cast(touch_id as string) as touch_id,
        cast(household_id as string) as household_id,
        cast(touched_at as {{ type_timestamp_tz() }}) as touched_at,
        cast(channel as string) as channel,
        cast(campaign_type as string) as campaign_type,
        cast(cost_usd as double) as cost_usd
    from source
)

select * from renamed
