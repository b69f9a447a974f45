with

source as (
    select * from {{ source('support', 'service_tickets') }}
),

renamed as (
    select
        cast(ticket_id as varchar) as ticket_id,
        cast(household_id as varchar) as household_id,
        cast(opened_at as timestamp with time zone) as opened_at,
        cast(closed_at as timestamp with time zone) as closed_at,
        cast(issue_category as varchar) as issue_category,
        cast(severity as varchar) as severity_band,
        cast(truck_roll_flag as boolean) as truck_roll_required_flag,
        cast(equipment_replaced_flag as boolean) as equipment_replaced_flag
    from source
)

select * from renamed
