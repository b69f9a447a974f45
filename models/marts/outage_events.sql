with

exposures as (
    select * from {{ ref('int_outage_exposures_measured') }}
),

final as (
    select
        outage_event_id,
        outage_local_date as date,
        household_id,
        outage_duration_minutes,
        critical_load_served_kwh,
        backup_duration_hours,
        grid_down_flag,
        customer_outage_avoided_flag,
        unserved_load_kwh
    from exposures
)

select * from final
