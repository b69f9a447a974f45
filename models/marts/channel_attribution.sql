with

attributed as (
    select * from {{ ref('int_acquisitions_attributed') }}
),

final as (
    select
        household_id,
        channel,
        campaign_type,
        cac_usd,
        cast(conversion_days as integer) as conversion_days,
        sales_motion
    from attributed
)

select * from final
