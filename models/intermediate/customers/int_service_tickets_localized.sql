-- One row per support ticket, on the home's calendar:
--   open date       = the local date (the home's time zone) the ticket was opened, not its UTC date;
--   resolution days = whole days from opening to closing, rounded up, on the elapsed time (a ticket closed
--                     24 h 30 min after it opened took 2 days, one closed 24 h after, 1 day; opened and closed
--                     at the same instant, 0); null while it is open. Elapsed seconds, not hour boundaries
--                     crossed, and not local dates, so a daylight-saving change neither adds nor drops a day.
with

tickets as (
    select * from {{ ref('stg_support__service_tickets') }}
),

households as (
    select
        household_id,
        time_zone
    from {{ ref('stg_crm__households') }}
),

localized as (
    select
        tickets.*,
        households.time_zone,
        cast({{ to_local_timestamp('tickets.opened_at', 'households.time_zone') }} as date) as open_date,
        {{ epoch_seconds('tickets.closed_at') }} - {{ epoch_seconds('tickets.opened_at') }} as resolution_seconds
    from tickets
    inner join households on tickets.household_id = households.household_id
),

final as (
    select
        *,
        cast(ceil(resolution_seconds / 86400) as integer) as resolution_days
    from localized
)

select * from final
