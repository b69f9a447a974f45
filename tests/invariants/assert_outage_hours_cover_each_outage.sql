-- Invariant: the hours int_outage_hours_prorated lists for an interruption hold all of its minutes, so backup
-- prorated over them can never exceed the interruption and no hour of a long interruption is lost.
-- Fails on every interruption whose minutes by hour do not add up to its duration.
with

outages as (
    select * from {{ ref('stg_grid__outages') }}
),

outage_hours as (
    select * from {{ ref('int_outage_hours_prorated') }}
),

minutes_by_outage as (
    select
        outage_id,
        sum(outage_minutes_in_hour) as minutes_in_hours
    from outage_hours
    group by outage_id
),

final as (
    select
        outages.outage_id,
        outages.outage_duration_minutes,
        minutes_by_outage.minutes_in_hours
    from outages
    left join minutes_by_outage on outages.outage_id = minutes_by_outage.outage_id
    where minutes_by_outage.minutes_in_hours is distinct from outages.outage_duration_minutes
)

select * from final
