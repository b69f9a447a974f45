-- Hourly telemetry in each home's local time, limited to the pack's local calendar window.
-- Local days come from the home's IANA time zone, so DST days have 23 or 25 hours.
with

telemetry as (
    select * from {{ ref('stg_fleet__telemetry_hourly') }}
),

households as (
    select
        household_id,
        time_zone,
        tariff_id
    from {{ ref('stg_crm__households') }}
),

pack as (
    select
        pack_start_date,
        pack_end_date
    from {{ ref('stg_pack__manifests') }}
),

localized as (
    select
        telemetry.*,
        households.tariff_id,
        {{ to_local_timestamp('telemetry.interval_start_at', 'households.time_zone') }} as interval_start_local
    from telemetry
    inner join households on telemetry.household_id = households.household_id
),

final as (
    select
        localized.*,
        cast(localized.interval_start_local as date) as local_date,
        cast(extract(hour from localized.interval_start_local) as integer) as local_hour,
        cast(extract(month from localized.interval_start_local) as integer) as local_month,
        cast(extract(isodow from localized.interval_start_local) as integer) as local_iso_weekday
    from localized
    cross join pack
    where
        cast(localized.interval_start_local as date) >= pack.pack_start_date
        and cast(localized.interval_start_local as date) < pack.pack_end_date
)

select * from final
