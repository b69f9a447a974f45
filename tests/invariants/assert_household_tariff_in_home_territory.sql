-- Every home is on exactly one rate plan, and it is a plan of the home's own utility territory.
with

households as (
    select * from {{ ref('households') }}
),

household_tariffs as (
    select * from {{ ref('household_tariffs') }}
),

tariffs as (
    select * from {{ ref('utility_tariffs') }}
),

final as (
    select
        households.household_id,
        households.utility_territory,
        household_tariffs.tariff_id,
        tariffs.utility_territory as tariff_territory
    from households
    left join household_tariffs on households.household_id = household_tariffs.household_id
    left join tariffs on household_tariffs.tariff_id = tariffs.tariff_id
    where tariffs.utility_territory is null or tariffs.utility_territory != households.utility_territory
)

select * from final
