-- The numerators and denominators of `portfolio_kpis_daily`, per local day and state: every KPI of that table
-- for any set of days and states is a sum of these columns over a sum of these columns (the semantic layer's
-- ratio metrics do exactly that). A companion of the 14 schema tables, so they stay exactly as published.
with

portfolio_days as (
    select * from {{ ref('int_portfolio_days_summarized') }}
),

final as (
    select
        local_date as date,
        state,
        cast(active_households as integer) as active_households,
        cast(active_batteries as integer) as active_batteries,
        customer_savings_usd,
        cast(homes_billed_count as integer) as homes_billed_count,
        bill_reduction_pct_sum,
        bill_avoided_usd,
        bill_without_system_usd,
        cast(dispatch_events_count as integer) as dispatch_events_count,
        cast(dispatch_participations_count as integer) as dispatch_participations_count,
        total_dispatched_kwh,
        estimated_grid_value_usd,
        cast(outages_supported_count as integer) as outages_supported_count,
        cast(tickets_opened_count as integer) as tickets_opened_count
    from portfolio_days
)

select * from final
