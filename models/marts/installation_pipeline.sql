with

projects as (
    select * from {{ ref('stg_installs__installation_projects') }}
),

final as (
    select
        project_id,
        household_id,
        lead_source,
        signed_date,
        permit_ready_date,
        install_date,
        pto_date,
        battery_attachment_flag,
        cast({{ dbt.datediff('signed_date', 'pto_date', 'day') }} as integer) as project_cycle_days, -- noqa: LT05
        cancelled_date is not null as cancellation_flag,
        cancellation_reason
    from projects
)

select * from final
