with

source as (
    select * from {{ source('crm', 'households') }}
),

renamed as (
    select
        cast(household_id as string) as household_id,
        cast(created_at as {{ type_timestamp_tz() }}) as created_at,
        cast(state as string) as state,
        cast(utility_territory as string) as utility_territory,
        cast(feeder_id as string) as feeder_id,
        cast(tariff_id as string) as tariff_id,
        cast(latitude as double) as latitude,
        cast(longitude as double) as longitude,
        cast(timezone as string) as time_zone,
        cast(home_type as string) as home_type,
        cast(floor_area_sqft as integer) as floor_area_sqft,
        cast(occupants as integer) as occupants,
        cast(year_built as integer) as year_built,
        cast(income_band as string) as income_band,
        cast(ev_owner_flag as boolean) as ev_owner_flag,
        cast(electrification_profile as string) as electrification_profile,
        cast(roof_profile as string) as roof_profile,
        cast(central_ac_flag as boolean) as central_ac_flag
    from source
)

select * from renamed
