-- The utility rate plan each home is on: the link from `households` to `utility_tariffs`, which the schema's
-- `households` table does not carry. A companion of the 14 schema tables, so they stay exactly as published.
with

households as (
    select * from {{ ref('int_households_profiled') }}
),

final as (
    select
        household_id,
        tariff_id
    from households
)

select * from final
