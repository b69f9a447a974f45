-- Energy per home-event by VPP programme over the pack: the mean energy requested of a called device and the
-- mean energy it delivered (as the programme settles it), and the share of calls that counted as participation.
with

dispatch_events as (
    select
        program_id,
        requested_kwh,
        delivered_kwh,
        participated_flag
    from {{ ref('dispatch_events') }}
),

final as (
    select
        program_id,
        count(*) as home_events_count,
        {{ exact_avg('requested_kwh') }} as requested_kwh_per_home_event,
        {{ exact_avg('delivered_kwh') }} as delivered_kwh_per_home_event,
        count(*) filter (where participated_flag) / cast(count(*) as double) as participation_share
    from dispatch_events
    group by program_id
)

select * from final
