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

final as (
    select
        tickets.ticket_id,
        tickets.household_id,
        cast({{ to_local_timestamp('tickets.opened_at', 'households.time_zone') }} as date) as open_date,
        tickets.issue_category,
        tickets.severity_band,
        tickets.truck_roll_required_flag,
        -- whole days, rounded up, from opening to closing (null while open)
        cast(ceil({{ dbt.datediff('tickets.opened_at', 'tickets.closed_at', 'hour') }} / 24.0) as integer) as resolution_days, -- noqa: LT05
        tickets.equipment_replaced_flag
    from tickets
    inner join households on tickets.household_id = households.household_id
)

select * from final
