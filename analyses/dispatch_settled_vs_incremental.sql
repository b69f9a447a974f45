-- How much of what each VPP programme pays for did the grid actually gain? Per programme: the settled energy
-- (dispatch_events.delivered_kwh, the programme's own measure, which the incentive pays for), the incremental
-- energy (discharge beyond what the battery would have done anyway, which grid_value_usd is priced on), their
-- ratio, the share of responses whose incremental energy is below their settled energy, and the responses with
-- event hours that had no comparable day for the baseline.
with

responses as (
    select * from {{ ref('int_dispatch_responses_valued') }}
),

programs as (
    select * from {{ ref('vpp_programs') }}
),

per_program as (
    select
        program_id,
        count(*) as responses,
        sum(settled_kwh) as settled_kwh,
        sum(incremental_kwh) as incremental_kwh,
        sum(customer_incentive_usd) as incentives_usd,
        sum(grid_value_usd) as grid_value_usd,
        avg(case when incremental_kwh < settled_kwh - 1e-9 then 1.0 else 0.0 end) as incremental_below_settled_share,
        sum(case when hours_without_baseline > 0 then 1 else 0 end) as responses_without_full_baseline
    from responses
    group by program_id
),

final as (
    select
        programs.program_id,
        programs.baseline_method,
        per_program.responses,
        round(per_program.settled_kwh, 2) as settled_kwh,
        round(per_program.incremental_kwh, 2) as incremental_kwh,
        round(per_program.incremental_kwh / nullif(per_program.settled_kwh, 0), 3) as incremental_share_of_settled,
        round(per_program.incremental_below_settled_share, 3) as incremental_below_settled_share,
        per_program.responses_without_full_baseline,
        round(per_program.incentives_usd, 2) as incentives_usd,
        round(per_program.grid_value_usd, 2) as grid_value_usd
    from programs
    inner join per_program on programs.program_id = per_program.program_id
)

select * from final
order by program_id
