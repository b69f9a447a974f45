with

source as (
    select * from {{ source('grid', 'weather_hourly') }}
),

renamed as (
    select
        cast(utility_territory as string) as utility_territory,
        cast(observed_at as {{ type_timestamp_tz() }}) as observed_at,
        cast(ghi_w_m2 as double) as ghi_w_m2,
        cast(dni_w_m2 as double) as dni_w_m2,
        cast(dhi_w_m2 as double) as dhi_w_m2,
        cast(temp_air_c as double) as temp_air_c,
        cast(wind_speed_m_s as double) as wind_speed_m_s
    from source
)

select * from renamed
