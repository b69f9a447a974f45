{#- Fails on every home-day that holds some hour more than once: the key (home, hour) of an hourly table, checked
    by grouping home-days instead of home-hours (24 times fewer groups, so it runs on a large pack). A local day
    spans at most 25 consecutive UTC hours, so each hour sets its own bit of (epoch hour mod 32); the bits' sum
    exceeds their OR exactly when an hour is counted twice. -#}
{% test one_reading_per_home_hour(model, household_column, hour_column, day_column) %}
select
    {{ household_column }},
    {{ day_column }},
    count(*) as readings
from {{ model }}
group by {{ household_column }}, {{ day_column }}
having
    sum({{ hour_bit(hour_column) }})
    != bit_or({{ hour_bit(hour_column) }})
{% endtest %}
