with

batteries as (
    select * from {{ ref('stg_installs__battery_systems') }}
),

chemistries as (
    select * from {{ ref('battery_chemistries') }}
),

health as (
    select * from {{ ref('int_battery_health_observed') }}
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
        -- the year the unit's reported health reaches end of life at its observed pace; without a usable
        -- fade reading yet (a unit under three months old), the chemistry's expected life from its start
        greatest(
            coalesce(
                health.end_of_life_year,
                cast(
                    extract(year from coalesce(health.replaced_at, batteries.install_date))
                    + chemistries.expected_life_years
                    as integer
                )
            ),
            cast(extract(year from batteries.install_date) + 1 as integer)
        ) as replacement_due_year
    from batteries
    inner join chemistries on batteries.chemistry = chemistries.chemistry
    left join health on batteries.household_id = health.household_id
)

select * from final
