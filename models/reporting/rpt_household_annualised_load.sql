-- Each home's consumption annualised: 365 x its mean daily load over the home-days the pack has, beside whether
-- it owns an EV, with the median of its group (EV owners or not).
with

daily_energy as (
    select
        household_id,
        home_load_kwh
    from {{ ref('daily_generation_consumption') }}
),

households as (
    select
        household_id,
        ev_owner_flag
    from {{ ref('households') }}
),

annualised as (
    select
        daily_energy.household_id,
        households.ev_owner_flag,
        count(*) as home_days_count,
        365 * {{ exact_avg('daily_energy.home_load_kwh') }} as annual_load_kwh
    from daily_energy
    inner join households on daily_energy.household_id = households.household_id
    group by daily_energy.household_id, households.ev_owner_flag
),

final as (
    select
        *,
        median(annual_load_kwh) over (partition by ev_owner_flag) as group_median_annual_load_kwh
    from annualised
)

select * from final
