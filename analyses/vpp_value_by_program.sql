-- What does each VPP programme deliver and what is it worth? Per programme: events, enrolled homes,
-- participation, energy requested and delivered, customer incentives paid and the grid value created.
with

events as (
    select * from {{ ref('dispatch_events') }}
),

enrollments as (
    select * from {{ ref('vpp_program_enrollment') }}
),

programs as (
    select * from {{ ref('vpp_programs') }}
),

enrolled as (
    select
        program_name,
        count(*) as enrolled_homes,
        avg(case when opt_out_flag then 1.0 else 0.0 end) as opted_out_share
    from enrollments
    group by program_name
),

delivered as (
    select
        events.program_id,
        count(distinct events.date) as event_days,
        count(*) as home_events,
        avg(case when events.participated_flag then 1.0 else 0.0 end) as participation_rate,
        sum(events.requested_kwh) as requested_kwh,
        sum(events.delivered_kwh) as delivered_kwh,
        sum(events.customer_incentive_usd) as incentives_usd,
        sum(events.grid_value_usd) as grid_value_usd
    from events
    group by events.program_id
)

select
    programs.program_id,
    programs.program_name,
    programs.market_type,
    enrolled.enrolled_homes,
    round(enrolled.opted_out_share, 3) as opted_out_share,
    delivered.event_days,
    delivered.home_events,
    round(delivered.participation_rate, 3) as participation_rate,
    round(delivered.delivered_kwh / nullif(delivered.requested_kwh, 0), 3) as delivered_share_of_request,
    round(delivered.delivered_kwh / nullif(delivered.home_events, 0), 2) as kwh_per_home_event,
    round(delivered.incentives_usd, 2) as incentives_usd,
    round(delivered.grid_value_usd, 2) as grid_value_usd,
    round(delivered.grid_value_usd - delivered.incentives_usd, 2) as margin_usd
from programs
left join delivered on programs.program_id = delivered.program_id
left join enrolled on programs.program_name = enrolled.program_name
order by grid_value_usd desc nulls last
