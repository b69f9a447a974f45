with

source as (
    select * from {{ source('support', 'service_tickets') }}
),

renamed as (
    select
        cast(ticket_id as string) as ticket_id,
        cast(household_id as string) as household_id,
        cast(opened_at as {{ type_timestamp_tz() }}) as opened_at,
        cast(closed_at as {{ type_timestamp_tz() }}) as closed_at,
        cast(issue_category as string) as issue_category,
        cast(severity as string) as severity_band,
        cast(truck_roll_flag as boolean) as truck_roll_required_flag,
        cast(equipment_replaced_flag as boolean) as equipment_replaced_flag
    from source
)

select * from renamed
