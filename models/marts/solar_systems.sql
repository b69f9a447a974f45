with

systems as (
    select * from {{ ref('stg_installs__solar_systems') }}
),

final as (
    select
        system_id,
        household_id,
        kw_dc,
        module_count,
        inverter_type,
        azimuth_band,
        shading_band,
        expected_annual_kwh,
        commission_date
    from systems
)

select * from final
