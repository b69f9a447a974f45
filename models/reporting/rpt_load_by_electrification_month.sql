-- Mean daily load per home by electrification profile and calendar month (all home-days of that month).
with

daily_energy as (
    select
        household_id,
        date,
        home_load_kwh
    from {{ ref('daily_generation_consumption') }}
),

households as (
    select
        household_id,
        electrification_profile
    from {{ ref('households') }}
),

final as (
    select
        households.electrification_profile,
        cast(month(daily_energy.date) as integer) as calendar_month,
        count(*) as home_days_count,
        {{ exact_avg('daily_energy.home_load_kwh') }} as load_kwh_per_home_day
    from daily_energy
    inner join households on daily_energy.household_id = households.household_id
    group by households.electrification_profile, cast(month(daily_energy.date) as integer)
)

select * from final
