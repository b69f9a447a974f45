with

source as (
    select * from {{ source('installs', 'solar_systems') }}
),

renamed as (
    select
        cast(system_id as string) as system_id,
        cast(household_id as string) as household_id,
        cast(project_id as string) as project_id,
        cast(module_count as integer) as module_count,
        cast(module_watts as integer) as module_watts,
        cast(kw_dc as double) as kw_dc,
        cast(kw_ac as double) as kw_ac,
        cast(inverter_type as string) as inverter_type,
        cast(azimuth_band as string) as azimuth_band,
        cast(primary_tilt_deg as double) as primary_tilt_deg,
        cast(primary_azimuth_deg as double) as primary_azimuth_deg,
        cast(secondary_tilt_deg as double) as secondary_tilt_deg,
        cast(secondary_azimuth_deg as double) as secondary_azimuth_deg,
        cast(primary_plane_share as double) as primary_plane_share,
        cast(shading_band as string) as shading_band,
        cast(system_losses_pct as double) as system_losses_pct,
        cast(expected_annual_kwh as double) as expected_annual_kwh,
        cast(commission_date as date) as commission_date
    from source
)

select * from renamed
