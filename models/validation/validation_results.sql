-- Every realism metric of the pack beside its published reference, tolerance and citation, with a verdict:
-- pass, fail, or insufficient_data (too few homes, or a pack too short for the metric - e.g. the dev pack).
-- References live in seed validation_targets; per-state PV and load references and per-programme VPP design
-- values come from the seeds that cite them (territories, solar_design_factors, vpp_programs).
with

targets as (
    select * from {{ ref('validation_targets') }}
),

territories as (
    select * from {{ ref('territories') }}
),

programs as (
    select * from {{ ref('vpp_programs') }}
),

light_shading as (
    -- solar access of a lightly shaded roof, as the design tool applies it
    select annual_factor
    from {{ ref('solar_design_factors') }}
    where factor_type = 'shading' and band = 'low'
),

metrics as (
    select * from {{ ref('val_pv_metrics') }}
    union all
    select * from {{ ref('val_load_metrics') }}
    union all
    select * from {{ ref('val_load_end_use_metrics') }}
    union all
    select * from {{ ref('val_load_ev_timing_metrics') }}
    union all
    select * from {{ ref('val_vpp_metrics') }}
    union all
    select * from {{ ref('val_outage_metrics') }}
    union all
    select * from {{ ref('val_market_metrics') }}
    union all
    select * from {{ ref('val_hazard_metrics') }}
    union all
    select * from {{ ref('val_battery_metrics') }}
    union all
    select * from {{ ref('val_ageing_metrics') }}
    union all
    select * from {{ ref('val_controller_metrics') }}
    union all
    select * from {{ ref('val_customer_metrics') }}
    union all
    select * from {{ ref('val_weather_metrics') }}
    union all
    select * from {{ ref('val_causal_effects') }}
),

state_references as (
    select
        'pv_specific_yield_south' as metric_id,
        territories.state as scope,
        max(light_shading.annual_factor) * avg(territories.pvwatts_kwh_per_kw) * 0.9 as reference_low,
        max(light_shading.annual_factor) * avg(territories.pvwatts_kwh_per_kw) * 1.1 as reference_high
    from territories
    cross join light_shading
    group by territories.state
    union all
    select
        'load_baseline_annual_kwh' as metric_id,
        state as scope,
        avg(eia_annual_kwh_per_customer) * 0.75 as reference_low,
        avg(eia_annual_kwh_per_customer) * 1.25 as reference_high
    from territories
    group by state
    union all
    select
        'vpp_events_per_season' as metric_id,
        program_id as scope,
        case
            when trigger = 'daily'
                then least(events_per_season, (season_end_month - season_start_month + 1) * 30.4) * 0.95
            else events_per_season * 0.7
        end as reference_low,
        events_per_season as reference_high
    from programs
    union all
    select
        'vpp_events_max_per_season' as metric_id,
        program_id as scope,
        null as reference_low,
        events_per_season as reference_high
    from programs
    union all
    select
        'vpp_event_hours' as metric_id,
        program_id as scope,
        duration_hours - 0.25 as reference_low,
        duration_hours + 0.25 as reference_high
    from programs
),

-- per-state and per-programme metrics are listed for every state and programme, measured or not
scoped as (
    select
        coalesce(metrics.metric_id, state_references.metric_id) as metric_id,
        coalesce(metrics.scope, state_references.scope) as scope,
        metrics.measured_value,
        metrics.sample_size,
        state_references.reference_low,
        state_references.reference_high
    from metrics
    full outer join state_references
        on metrics.metric_id = state_references.metric_id and metrics.scope = state_references.scope
),

referenced as (
    select
        scoped.metric_id,
        scoped.scope,
        scoped.measured_value,
        scoped.sample_size,
        coalesce(exact.area, fallback.area) as area,
        coalesce(exact.metric, fallback.metric) as metric,
        coalesce(exact.unit, fallback.unit) as unit,
        coalesce(exact.min_sample, fallback.min_sample) as min_sample,
        coalesce(exact.reference, fallback.reference) as reference,
        coalesce(exact.reference_low, scoped.reference_low, fallback.reference_low) as reference_low,
        coalesce(exact.reference_high, scoped.reference_high, fallback.reference_high) as reference_high
    from scoped
    left join targets as exact
        on scoped.metric_id = exact.metric_id and scoped.scope = exact.scope
    left join targets as fallback
        on scoped.metric_id = fallback.metric_id and fallback.scope = '*'
),

final as (
    select
        metric_id,
        area,
        metric,
        scope,
        unit,
        measured_value,
        reference_low,
        reference_high,
        sample_size,
        min_sample,
        case
            when measured_value is null or sample_size < min_sample then 'insufficient_data'
            when
                (reference_low is null or measured_value >= reference_low)
                and (reference_high is null or measured_value <= reference_high)
                then 'pass'
            else 'fail'
        end as status,
        reference
    from referenced
)

select * from final
