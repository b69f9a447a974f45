with

tickets as (
    select * from {{ ref('int_service_tickets_localized') }}
),

final as (
    select
        ticket_id,
        household_id,
        open_date,
        issue_category,
        severity_band,
        truck_roll_required_flag,
        resolution_days,
        equipment_replaced_flag
    from tickets
)

select * from final
