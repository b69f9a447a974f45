-- The fleet's KPIs per local day, all states together: counts and totals summed over the states, each ratio its
-- summed numerator over its summed denominator (`portfolio_kpi_components_daily`), never an average of the
-- states' ratios; and the grid value accumulated since the pack's first day.
with

components as (
    select * from {{ ref('portfolio_kpi_components_daily') }}
),

summed as (
    select
        date,
        sum(active_households) as active_households,
        sum(active_batteries) as active_batteries,
        sum(homes_billed_count) as homes_billed_count,
        {{ exact_sum('bill_reduction_pct_sum') }} as bill_reduction_pct_sum,
        {{ exact_sum('total_dispatched_kwh') }} as total_dispatched_kwh,
        {{ exact_sum('estimated_grid_value_usd') }} as estimated_grid_value_usd,
        sum(outages_supported_count) as outages_supported_count,
        sum(tickets_opened_count) as tickets_opened_count
    from components
    group by date
),

final as (
    select
        *,
        bill_reduction_pct_sum / nullif(cast(homes_billed_count as double), 0) as avg_bill_reduction_pct,
        tickets_opened_count / nullif(cast(active_households as double), 0) as service_ticket_rate,
        sum(estimated_grid_value_usd) over (
            order by date rows between unbounded preceding and current row
        ) as cumulative_grid_value_usd
    from summed
)

select * from final
