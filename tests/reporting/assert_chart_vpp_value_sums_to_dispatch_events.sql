-- The monthly VPP value the chart draws adds up to the published dispatch events, month by month: home-events,
-- grid value and customer incentives of `dispatch_events` grouped by the month of their date. A row for every
-- month where they differ or that one side lacks. Both sides sum in exact decimals: a double sum over thousands
-- of home-events differs from the exact one in the last digits.
with

chart as (
    select * from {{ ref('rpt_vpp_value_by_month') }}
),

dispatch_events as (
    select * from {{ ref('dispatch_events') }}
),

events_by_month as (
    select
        cast(date_trunc('month', date) as date) as month_start_date,
        count(*) as home_events_count,
        {{ exact_sum('grid_value_usd') }} as grid_value_usd,
        {{ exact_sum('customer_incentive_usd') }} as customer_incentive_usd
    from dispatch_events
    group by cast(date_trunc('month', date) as date)
),

final as (
    select
        coalesce(chart.month_start_date, events_by_month.month_start_date) as month_start_date,
        chart.home_events_count,
        events_by_month.home_events_count as mart_home_events_count,
        chart.grid_value_usd,
        events_by_month.grid_value_usd as mart_grid_value_usd,
        chart.customer_incentive_usd,
        events_by_month.customer_incentive_usd as mart_customer_incentive_usd
    from chart
    full outer join events_by_month on chart.month_start_date = events_by_month.month_start_date
    where
        chart.month_start_date is null
        or events_by_month.month_start_date is null
        or chart.home_events_count != events_by_month.home_events_count
        or abs(chart.grid_value_usd - events_by_month.grid_value_usd) > 1e-6
        or abs(chart.customer_incentive_usd - events_by_month.customer_incentive_usd) > 1e-6
)

select * from final
