{#- Whole years from `start_date` to `end_date` on the calendar: the count of anniversaries of `start_date`
    on or before `end_date` (a contract started on 2024-03-22 is in year 0 until 2025-03-21 and in year 1 from
    2025-03-22). A 29 February start has its anniversary on 1 March in other years. -#}
{% macro whole_years_between(start_date, end_date) -%}
    (
        extract(year from {{ end_date }}) - extract(year from {{ start_date }})
        - case
            when
                extract(month from {{ end_date }}) * 100 + extract(day from {{ end_date }})
                < extract(month from {{ start_date }}) * 100 + extract(day from {{ start_date }})
                then 1
            else 0
        end
    )
{%- endmacro %}
