-- One row per home: last-touch channel attribution of its signature.
--   signature       = the home's first signed install project (a home re-signing after a cancellation was
--                     acquired by the first signature; one row per home whatever its number of projects);
--   touch date      = the local date (the home's time zone) of the touch, so it compares with the signing
--                     date, which the install tool records on the customer's calendar - a touch at 20:00 in
--                     California on the signing day is 03:00 UTC the next day, and still counts;
--   channel, campaign = the last touch on or before the signing date;
--   CAC               = all touch costs on or before it;
--   conversion days   = first touch's local date to signature.
with

touches as (
    select * from {{ ref('stg_crm__acquisition_touches') }}
),

projects as (
    select
        household_id,
        project_id,
        signed_date
    from {{ ref('stg_installs__installation_projects') }}
),

households as (
    select
        household_id,
        time_zone
    from {{ ref('stg_crm__households') }}
),

channels as (
    select * from {{ ref('acquisition_channels') }}
),

signatures as (
    select
        household_id,
        signed_date
    from (
        select
            household_id,
            signed_date,
            row_number() over (partition by household_id order by signed_date, project_id) as signature_rank
        from projects
        where signed_date is not null
    ) as ranked
    where signature_rank = 1
),

local_touches as (
    select
        touches.*,
        cast({{ to_local_timestamp('touches.touched_at', 'households.time_zone') }} as date) as touched_local_date
    from touches
    inner join households on touches.household_id = households.household_id
),

qualifying as (
    select
        local_touches.*,
        signatures.signed_date,
        row_number() over (
            partition by local_touches.household_id
            order by local_touches.touched_at desc, local_touches.touch_id desc
        ) as recency_rank
    from local_touches
    inner join signatures on local_touches.household_id = signatures.household_id
    where local_touches.touched_local_date <= signatures.signed_date
),

summarised as (
    select
        household_id,
        max(case when recency_rank = 1 then channel end) as channel,
        max(case when recency_rank = 1 then campaign_type end) as campaign_type,
        {{ exact_sum('cost_usd') }} as cac_usd,
        {{ dbt.datediff('min(touched_local_date)', 'max(signed_date)', 'day') }} as conversion_days, -- noqa: LT05
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
        on
            summarised.channel = channels.channel
            and summarised.campaign_type = channels.campaign_type
)

select * from final
