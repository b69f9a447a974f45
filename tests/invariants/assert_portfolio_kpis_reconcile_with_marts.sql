-- The KPI parts published in `portfolio_kpi_components_daily` count exactly what the published marts hold: per
-- state and local day, the dispatch calls and participations of `dispatch_events`, the avoided outages of
-- `outage_events`, the tickets of `service_tickets` and the active homes and savings of
-- `daily_generation_consumption`. A row is returned for every state-day where they disagree, or where a mart has
-- rows on a day of the pack but the KPI table has no state-day for them (something would be lost).
with

components as (
    select * from {{ ref('portfolio_kpi_components_daily') }}
),

households as (
    select
        household_id,
        state
    from {{ ref('households') }}
),

dispatch_events as (
    select * from {{ ref('dispatch_events') }}
),

outage_events as (
    select * from {{ ref('outage_events') }}
),

service_tickets as (
    select * from {{ ref('service_tickets') }}
),

daily_energy as (
    select * from {{ ref('daily_generation_consumption') }}
),

pack_days as (
    select
        min(date) as first_date,
        max(date) as last_date
    from daily_energy
),

mart_rows as (
    select
        daily_energy.date,
        households.state,
        1 as active_households,
        daily_energy.customer_savings_usd,
        0 as dispatch_events_count,
        0 as dispatch_participations_count,
        0 as outages_supported_count,
        0 as tickets_opened_count
    from daily_energy
    inner join households on daily_energy.household_id = households.household_id
    union all
    select
        dispatch_events.date,
        households.state,
        0 as active_households,
        0 as customer_savings_usd,
        1 as dispatch_events_count,
        case when dispatch_events.participated_flag then 1 else 0 end as dispatch_participations_count,
        0 as outages_supported_count,
        0 as tickets_opened_count
    from dispatch_events
    inner join households on dispatch_events.household_id = households.household_id
    union all
    select
        outage_events.date,
        households.state,
        0 as active_households,
        0 as customer_savings_usd,
        0 as dispatch_events_count,
        0 as dispatch_participations_count,
        case when outage_events.customer_outage_avoided_flag then 1 else 0 end as outages_supported_count,
        0 as tickets_opened_count
    from outage_events
    inner join households on outage_events.household_id = households.household_id
    union all
    select
        service_tickets.open_date as date,
        households.state,
        0 as active_households,
        0 as customer_savings_usd,
        0 as dispatch_events_count,
        0 as dispatch_participations_count,
        0 as outages_supported_count,
        1 as tickets_opened_count
    from service_tickets
    inner join households on service_tickets.household_id = households.household_id
),

mart_counts as (
    select
        mart_rows.date,
        mart_rows.state,
        sum(mart_rows.active_households) as active_households,
        {{ exact_sum('mart_rows.customer_savings_usd') }} as customer_savings_usd,
        sum(mart_rows.dispatch_events_count) as dispatch_events_count,
        sum(mart_rows.dispatch_participations_count) as dispatch_participations_count,
        sum(mart_rows.outages_supported_count) as outages_supported_count,
        sum(mart_rows.tickets_opened_count) as tickets_opened_count
    from mart_rows
    cross join pack_days
    where mart_rows.date between pack_days.first_date and pack_days.last_date
    group by mart_rows.date, mart_rows.state
),

final as (
    select
        coalesce(components.date, mart_counts.date) as date,
        coalesce(components.state, mart_counts.state) as state,
        components.active_households,
        mart_counts.active_households as mart_active_households,
        components.dispatch_events_count,
        mart_counts.dispatch_events_count as mart_dispatch_events_count,
        components.dispatch_participations_count,
        mart_counts.dispatch_participations_count as mart_dispatch_participations_count,
        components.outages_supported_count,
        mart_counts.outages_supported_count as mart_outages_supported_count,
        components.tickets_opened_count,
        mart_counts.tickets_opened_count as mart_tickets_opened_count
    from components
    full outer join mart_counts
        on components.date = mart_counts.date
            and components.state = mart_counts.state
    where
        components.date is null
        or mart_counts.date is null
        or components.active_households != mart_counts.active_households
        or abs(components.customer_savings_usd - mart_counts.customer_savings_usd) > 1e-6
        or components.dispatch_events_count != mart_counts.dispatch_events_count
        or components.dispatch_participations_count != mart_counts.dispatch_participations_count
        or components.outages_supported_count != mart_counts.outages_supported_count
        or components.tickets_opened_count != mart_counts.tickets_opened_count
)

select * from final
