-- One row per home: last-touch channel attribution of its signature.
--   channel, campaign = the last touch before (or on) the signature date;
--   CAC               = all touch costs before the signature;
--   conversion days   = first touch to signature.
with

touches as (
    select * from {{ ref('stg_crm__acquisition_touches') }}
),

projects as (
    select
        household_id,
        signed_date
    from {{ ref('stg_installs__installation_projects') }}
),

channels as (
    select * from {{ ref('acquisition_channels') }}
),

qualifying as (
    select
        touches.*,
        projects.signed_date,
        row_number() over (partition by touches.household_id order by touches.touched_at desc, touches.touch_id desc)
            as recency_rank
    from touches
    inner join projects on touches.household_id = projects.household_id
    where cast(touches.touched_at as date) <= projects.signed_date
),

summarised as (
    select
        household_id,
        max(case when recency_rank = 1 then channel end) as channel,
        max(case when recency_rank = 1 then campaign_type end) as campaign_type,
        {{ exact_sum('cost_usd') }} as cac_usd,
        {{ dbt.datediff('min(cast(touched_at as date))', 'max(signed_date)', 'day') }} as conversion_days, -- noqa: LT05
        count(*) as touches
    from qualifying
    group by household_id
),

final as (
    select
        summarised.*,
        channels.sales_motion
    from summarised
    left join channels
        on summarised.channel = channels.channel
            and summarised.campaign_type = channels.campaign_type
)

select * from final
