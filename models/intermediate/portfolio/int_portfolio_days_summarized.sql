-- Fleet KPIs per local day and state, with the numerator and denominator of every ratio beside it, so that a
-- week, a month or the whole country is computed exactly by summing the parts (never by averaging ratios).
-- A home is active on a day its system reported that day (in service: after permission to operate and before
-- any churn); every other count is attributed to the state of the home and the local date of the event.
with

days as (
    select * from {{ ref('int_household_days_billed') }}
),

households as (
    select
        household_id,
        state,
        time_zone
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
    select * from {{ ref('stg_support__service_tickets') }}
),

home_days as (
    select
        days.local_date,
        households.state,
        days.customer_savings_usd,
        days.bill_without_system_usd,
        case when batteries.install_date <= days.local_date then 1 else 0 end as battery_active,
        -- the part of the home's counterfactual bill the system avoided that day: at most the whole bill
        -- (export credit beyond it is not a further reduction) and never below 0 (a day the system cost money)
        greatest(least(days.customer_savings_usd, days.bill_without_system_usd), 0) as bill_avoided_usd,
        -- the home's own bill reduction, percent of its counterfactual bill; null when it had no bill to reduce
        case
            when days.bill_without_system_usd > 0
                then 100 * greatest(least(days.customer_savings_usd, days.bill_without_system_usd), 0)
                    / days.bill_without_system_usd
        end as bill_reduction_pct
    from days
    inner join households on days.household_id = households.household_id
    left join batteries on days.household_id = batteries.household_id
),

fleet_daily as (
    select
        local_date,
        state,
        count(*) as active_households,
        sum(battery_active) as active_batteries,
        {{ exact_sum('customer_savings_usd') }} as customer_savings_usd,
        count(bill_reduction_pct) as homes_billed_count,
        {{ exact_sum('bill_reduction_pct') }} as bill_reduction_pct_sum,
        {{ exact_sum('bill_avoided_usd') }} as bill_avoided_usd,
        {{ exact_sum('bill_without_system_usd') }} as bill_without_system_usd
    from home_days
    group by local_date, state
),

dispatch_daily as (
    select
        dispatch.event_local_date as local_date,
        households.state,
        count(*) as dispatch_events_count,
        sum(case when dispatch.participated_flag then 1 else 0 end) as dispatch_participations_count,
        {{ exact_sum('dispatch.settled_kwh') }} as total_dispatched_kwh,
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
        cast({{ to_local_timestamp('tickets.opened_at', 'households.time_zone') }} as date) as local_date,
        households.state,
        count(*) as tickets_opened_count
    from tickets
    inner join households on tickets.household_id = households.household_id
    group by all
),

counted as (
    select
        fleet_daily.local_date,
        fleet_daily.state,
        fleet_daily.active_households,
        fleet_daily.active_batteries,
        fleet_daily.customer_savings_usd,
        fleet_daily.homes_billed_count,
        fleet_daily.bill_reduction_pct_sum,
        fleet_daily.bill_avoided_usd,
        fleet_daily.bill_without_system_usd,
        coalesce(dispatch_daily.dispatch_events_count, 0) as dispatch_events_count,
        coalesce(dispatch_daily.dispatch_participations_count, 0) as dispatch_participations_count,
        coalesce(dispatch_daily.total_dispatched_kwh, 0) as total_dispatched_kwh,
        coalesce(dispatch_daily.estimated_grid_value_usd, 0) as estimated_grid_value_usd,
        coalesce(outages_daily.outages_supported_count, 0) as outages_supported_count,
        coalesce(tickets_daily.tickets_opened_count, 0) as tickets_opened_count
    from fleet_daily
    left join dispatch_daily
        on fleet_daily.local_date = dispatch_daily.local_date
            and fleet_daily.state = dispatch_daily.state
    left join outages_daily
        on fleet_daily.local_date = outages_daily.local_date
            and fleet_daily.state = outages_daily.state
    left join tickets_daily
        on fleet_daily.local_date = tickets_daily.local_date
            and fleet_daily.state = tickets_daily.state
),

final as (
    select
        *,
        -- each ratio is its numerator over its denominator, null when the denominator is 0 (nothing to rate)
        dispatch_participations_count / nullif(cast(dispatch_events_count as double), 0) as participation_rate,
        customer_savings_usd / nullif(cast(active_households as double), 0) as avg_customer_savings_usd,
        bill_reduction_pct_sum / nullif(cast(homes_billed_count as double), 0) as avg_bill_reduction_pct,
        tickets_opened_count / nullif(cast(active_households as double), 0) as service_ticket_rate
    from counted
)

select * from final
