with

source as (
    select * from {{ source('installs', 'installation_projects') }}
),

renamed as (
    select
        cast(project_id as string) as project_id,
        cast(household_id as string) as household_id,
        cast(lead_source as string) as lead_source,
        cast(signed_date as date) as signed_date,
        cast(permit_ready_date as date) as permit_ready_date,
        cast(install_date as date) as install_date,
        cast(pto_date as date) as pto_date,
        cast(battery_attachment_flag as boolean) as battery_attachment_flag,
        cast(cancelled_date as date) as cancelled_date,
        cast(cancellation_reason as string) as cancellation_reason
    from source
)

select * from renamed
