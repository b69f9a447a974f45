-- Homes with their territory's climate and market region, and an outage-risk band derived from the
-- territory's reliability record (routine SAIFI x CAIDI plus major event days).
with

households as (
    select * from {{ ref('stg_crm__households') }}
),

territories as (
    select * from {{ ref('territories') }}
),

reliability as (
    select
        utility_territory,
        climate_zone,
        market_region,
        saifi_per_year * caidi_minutes
        + major_event_days_per_year * {{ var('major_event_day_minutes') }} as expected_outage_minutes_per_year
    from territories
),

final as (
    select
        households.*,
        reliability.climate_zone,
        reliability.market_region,
        reliability.expected_outage_minutes_per_year,
        case
            when reliability.expected_outage_minutes_per_year >= {{ var('outage_risk_high_minutes') }} then 'high'
            when
                reliability.expected_outage_minutes_per_year >= {{ var('outage_risk_moderate_minutes') }}
                then 'moderate'
            else 'low'
        end as outage_risk_band
    from households
    inner join reliability on households.utility_territory = reliability.utility_territory
)

select * from final
