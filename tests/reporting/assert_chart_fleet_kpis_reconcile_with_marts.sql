-- The fleet KPIs the chart draws agree with the published marts, day by day: active homes and batteries, dispatch
-- and outages summed over the states of `portfolio_kpis_daily`; tickets per active home x active homes = the
-- tickets of `service_tickets` opened that day; the mean bill reduction equals the states' `avg_bill_reduction_pct`
-- weighted by their billed homes (`portfolio_kpi_components_daily`); the cumulative grid value is the running total
-- of the published grid value. A row for every day where they differ or that one side lacks.
with

chart as (
    select * from {{ ref('rpt_fleet_kpis_daily') }}
),

kpis as (
    select * from {{ ref('portfolio_kpis_daily') }}
),

components as (
    select * from {{ ref('portfolio_kpi_components_daily') }}
),

service_tickets as (
    select * from {{ ref('service_tickets') }}
),

kpis_by_day as (
    select
        kpis.date,
        sum(kpis.active_households) as active_households,
        sum(kpis.active_batteries) as active_batteries,
        sum(kpis.total_dispatched_kwh) as total_dispatched_kwh,
        sum(kpis.outages_supported_count) as outages_supported_count,
        sum(kpis.estimated_grid_value_usd) as estimated_grid_value_usd,
        sum(kpis.avg_bill_reduction_pct * components.homes_billed_count)
        / nullif(sum(case when kpis.avg_bill_reduction_pct is not null then components.homes_billed_count end), 0)
            as avg_bill_reduction_pct
    from kpis
    inner join components on kpis.date = components.date and kpis.state = components.state
    group by kpis.date
),

running as (
    select
        *,
        sum(estimated_grid_value_usd) over (order by date) as cumulative_grid_value_usd
    from kpis_by_day
),

tickets_by_day as (
    select
        open_date as date,
        count(*) as tickets_opened_count
    from service_tickets
    group by open_date
),

final as (
    select
        coalesce(chart.date, running.date) as date,
        chart.active_households,
        running.active_households as mart_active_households,
        chart.avg_bill_reduction_pct,
        running.avg_bill_reduction_pct as mart_avg_bill_reduction_pct,
        chart.service_ticket_rate * chart.active_households as chart_tickets,
        coalesce(tickets_by_day.tickets_opened_count, 0) as mart_tickets,
        chart.cumulative_grid_value_usd,
        running.cumulative_grid_value_usd as mart_cumulative_grid_value_usd
    from chart
    full outer join running on chart.date = running.date
    left join tickets_by_day on running.date = tickets_by_day.date
    where
        chart.date is null
        or running.date is null
        or chart.active_households != running.active_households
        or chart.active_batteries != running.active_batteries
        or chart.outages_supported_count != running.outages_supported_count
        or abs(chart.total_dispatched_kwh - running.total_dispatched_kwh) > 1e-6
        or abs(chart.avg_bill_reduction_pct - running.avg_bill_reduction_pct) > 1e-6
        or abs(chart.service_ticket_rate * chart.active_households - coalesce(tickets_by_day.tickets_opened_count, 0))
        > 1e-9
        or abs(chart.cumulative_grid_value_usd - running.cumulative_grid_value_usd) > 1e-6
)

select * from final
