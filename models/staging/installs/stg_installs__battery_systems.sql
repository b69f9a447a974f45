with

source as (
    select * from {{ source('installs', 'battery_systems') }}
),

renamed as (
    select
        cast(battery_id as string) as battery_id,
        cast(household_id as string) as household_id,
        cast(project_id as string) as project_id,
        cast(battery_model as string) as battery_model,
        cast(chemistry as string) as chemistry,
        cast(usable_kwh as double) as usable_kwh,
        cast(power_kw as double) as power_kw,
        cast(round_trip_efficiency as double) as round_trip_efficiency,
        cast(reserve_setting_pct as double) as reserve_setting_pct,
        cast(vpp_enabled_flag as boolean) as vpp_enabled_flag,
        cast(install_date as date) as install_date
    from source
)

select * from renamed
