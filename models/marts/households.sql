with

households as (
    select * from {{ ref('int_households_profiled') }}
),

final as (
    select
        household_id,
        state,
        utility_territory,
        climate_zone,
        home_type,
        roof_profile,
        income_band,
        ev_owner_flag,
        electrification_profile,
        outage_risk_band
    from households
)

select * from final
