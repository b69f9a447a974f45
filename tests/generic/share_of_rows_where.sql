{#- Fails when the share of rows satisfying `expression` is below `min_share` (statistical invariants
    that hold "for most rows"). Returns one row with the measured share when it fails. -#}
{% test share_of_rows_where(model, expression, min_share) %}
with measured as (
    select avg(case when {{ expression }} then 1.0 else 0.0 end) as share_true
    from {{ model }}
)

select share_true
from measured
where share_true < {{ min_share }}
{% endtest %}
