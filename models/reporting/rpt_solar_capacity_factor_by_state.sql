-- Solar capacity factor per state over the whole pack: AC energy delivered over what the DC nameplate would give
-- running flat out every hour of the home-days reported, sum(kWh) / sum(kW DC x 24 h). A day counts 24 hours
-- (the two daylight-saving days a year of 23 and 25 hours cancel out over a year).
with

yields as (
    select * from {{ ref('rpt_solar_daily_yield') }}
),

households as (
    select
        household_id,
        state
    from {{ ref('households') }}
),

summed as (
    select
        households.state,
        count(*) as home_days_count,
        {{ exact_sum('yields.solar_generation_kwh') }} as solar_generation_kwh,
        {{ exact_sum('yields.kw_dc * 24') }} as kw_dc_hours
    from yields
    inner join households on yields.household_id = households.household_id
    group by households.state
),

final as (
    select
        *,
        solar_generation_kwh / kw_dc_hours as capacity_factor
    from summed
)

select * from final
