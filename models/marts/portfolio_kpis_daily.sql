-- Fleet KPIs per local day and state. A home is active on a day when its system reported that day
-- (in service: after permission to operate and before any churn).
with

days as (
    select * from {{ ref('int_household_days_billed') }}
),

households as (
    select
        household_id,
        state
    from {{ ref('stg_crm__households') }}
),

batteries as (
    select
        household_id,
        install_date
    from {{ ref('stg_installs__battery_systems') }}
),

dispatch as (
    select * from {{ ref('int_dispatch_responses_valued') }}
),

outages as (
    select * from {{ ref('int_outage_exposures_measured') }}
),

tickets as (
    select * from {{ ref('service_tickets') }}
),

fleet as (
    select
        days.local_date,
        households.state,
        count(*) as active_households,
        sum(case when batteries.install_date <= days.local_date then 1 else 0 end) as active_batteries,
        {{ exact_avg('days.customer_savings_usd') }} as avg_customer_savings_usd,
        -- share of the counterfactual bill avoided; a home-day avoids at most its whole bill and never less than 0
        100 * {{ exact_sum('greatest(least(days.customer_savings_usd, days.bill_without_system_usd), 0)') }}
        / nullif({{ exact_sum('days.bill_without_system_usd') }}, 0) as avg_bill_reduction_pct
    from days
    inner join households on days.household_id = households.household_id
    left join batteries on days.household_id = batteries.household_id
    group by days.local_date, households.state
),

dispatch_daily as (
    select
        dispatch.event_local_date as local_date,
        households.state,
        count(*) as dispatch_events_count,
        {{ exact_sum('dispatch.settled_kwh') }} as total_dispatched_kwh,
        avg(case when dispatch.participated_flag then 1.0 else 0.0 end) as participation_rate,
        {{ exact_sum('dispatch.grid_value_usd') }} as estimated_grid_value_usd
    from dispatch
    inner join households on dispatch.household_id = households.household_id
    group by dispatch.event_local_date, households.state
),

outages_daily as (
    select
        outages.outage_local_date as local_date,
        households.state,
        sum(case when outages.customer_outage_avoided_flag then 1 else 0 end) as outages_supported_count
    from outages
    inner join households on outages.household_id = households.household_id
    group by outages.outage_local_date, households.state
),

tickets_daily as (
    select
        tickets.open_date as local_date,
        households.state,
        count(*) as tickets_opened
    from tickets
    inner join households on tickets.household_id = households.household_id
    group by tickets.open_date, households.state
),

final as (
    select
        fleet.local_date as date,
        fleet.state,
        cast(fleet.active_households as integer) as active_households,
        cast(fleet.active_batteries as integer) as active_batteries,
        cast(coalesce(dispatch_daily.dispatch_events_count, 0) as integer) as dispatch_events_count,
        coalesce(dispatch_daily.total_dispatched_kwh, 0) as total_dispatched_kwh,
        dispatch_daily.participation_rate,
        fleet.avg_customer_savings_usd,
        fleet.avg_bill_reduction_pct,
        cast(coalesce(outages_daily.outages_supported_count, 0) as integer) as outages_supported_count,
        coalesce(tickets_daily.tickets_opened, 0) / cast(fleet.active_households as double) as service_ticket_rate,
        coalesce(dispatch_daily.estimated_grid_value_usd, 0) as estimated_grid_value_usd
    from fleet
    left join dispatch_daily
        on fleet.local_date = dispatch_daily.local_date
            and fleet.state = dispatch_daily.state
    left join outages_daily
        on fleet.local_date = outages_daily.local_date
            and fleet.state = outages_daily.state
    left join tickets_daily
        on fleet.local_date = tickets_daily.local_date
            and fleet.state = tickets_daily.state
)

select * from final
