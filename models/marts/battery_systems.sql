with

batteries as (
    select * from {{ ref('stg_installs__battery_systems') }}
),

chemistries as (
    select * from {{ ref('battery_chemistries') }}
),

final as (
    select
        batteries.battery_id,
        batteries.household_id,
        batteries.usable_kwh,
        batteries.power_kw,
        batteries.chemistry,
        batteries.reserve_setting_pct,
        batteries.vpp_enabled_flag,
        batteries.install_date,
        cast(extract(year from batteries.install_date) + chemistries.expected_life_years as integer)
            as replacement_due_year
    from batteries
    inner join chemistries on batteries.chemistry = chemistries.chemistry
)

select * from final
