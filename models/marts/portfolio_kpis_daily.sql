-- Fleet KPIs per local day and state, as the schema names them. Their numerators and denominators are
-- published beside it in `portfolio_kpi_components_daily`; both select from one model, so they always agree.
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
        cast(dispatch_events_count as integer) as dispatch_events_count,
        total_dispatched_kwh,
        participation_rate,
        avg_customer_savings_usd,
        avg_bill_reduction_pct,
        cast(outages_supported_count as integer) as outages_supported_count,
        service_ticket_rate,
        estimated_grid_value_usd
    from portfolio_days
)

select * from final
