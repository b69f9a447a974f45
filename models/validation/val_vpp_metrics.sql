-- VPP realism: events per season and event length per programme, power delivered per home, participation
-- and opt-outs across every device response.
with

calls as (
    select * from {{ ref('stg_vpp__dispatch_calls') }}
),

programs as (
    select * from {{ ref('vpp_programs') }}
),

pack as (
    select * from {{ ref('stg_pack__manifests') }}
),

responses as (
    select * from {{ ref('int_dispatch_responses_measured') }}
),

season_years as (
    -- every calendar year the pack touches (packs are at most ten years long)
    select distinct year(pack.pack_start_date) + year_offsets.year_offset as season_year
    from pack
    cross join (select unnest(range(0, 11)) as year_offset) as year_offsets  -- noqa: ST05
),

-- seasons (local months) that lie wholly inside the pack
seasons as (
    select
        programs.program_id,
        season_years.season_year,
        make_date(season_years.season_year, programs.season_start_month, 1) as season_start,
        make_date(season_years.season_year, programs.season_end_month, 1) + interval 1 month as season_end
    from programs
    cross join season_years
),

complete_seasons as (
    select seasons.*
    from seasons
    cross join pack
    where seasons.season_start >= pack.pack_start_date and seasons.season_end <= pack.pack_end_date
),

events_per_season as (
    select
        complete_seasons.program_id,
        complete_seasons.season_year,
        count(calls.call_id) as events
    from complete_seasons
    left join calls
        on complete_seasons.program_id = calls.program_id
            and cast(calls.event_start_at as date) >= complete_seasons.season_start
            and cast(calls.event_start_at as date) < complete_seasons.season_end
    group by complete_seasons.program_id, complete_seasons.season_year
),

per_program as (
    select
        'vpp_events_per_season' as metric_id,
        program_id as scope,
        avg(events) as measured_value,
        count(*) as sample_size
    from events_per_season
    group by program_id
    union all
    select
        'vpp_event_hours' as metric_id,
        program_id as scope,
        avg(duration_minutes / 60.0) as measured_value,
        count(*) as sample_size
    from calls
    group by program_id
),

fleet_wide as (
    select
        'vpp_kw_per_participating_home' as metric_id,
        'all' as scope,
        avg(settled_kwh / (duration_minutes / 60.0)) filter (where participated_flag) as measured_value,
        count(*) filter (where participated_flag) as sample_size
    from responses
    union all
    select
        'vpp_participation_rate' as metric_id,
        'all' as scope,
        avg(case when participated_flag then 1.0 else 0.0 end) as measured_value,
        count(*) as sample_size
    from responses
    union all
    select
        'vpp_opt_out_share' as metric_id,
        'all' as scope,
        avg(case when response_status = 'opted_out' then 1.0 else 0.0 end) as measured_value,
        count(*) as sample_size
    from responses
)

select * from per_program
union all
select * from fleet_wide
