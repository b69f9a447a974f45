{#- A battery reading (state of charge) that exists exactly where the home has a battery: fails on every row
    of a home without a battery whose column is not null, and every row of a home with one whose column is
    null. `batteries` is the battery register (one row per battery, with household_id). -#}
{% test null_exactly_without_battery(model, column_name, batteries) %}
with

batteries as (
    select distinct household_id from {{ batteries }}
),

readings as (
    select
        checked.household_id,
        checked.{{ column_name }} as reading,
        batteries.household_id is not null as has_battery
    from {{ model }} as checked
    left join batteries on checked.household_id = batteries.household_id
)

select *
from readings
where has_battery = (reading is null)
{% endtest %}
