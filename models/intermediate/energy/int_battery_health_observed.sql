-- Each battery's state of health as its telemetry reports it: the first and last readings of the pack, the
-- replacement unit commissioned during the pack (a battery ticket with equipment replaced), the fade per year
-- of the unit now installed (since its start, and over the pack), and the year its health reaches the end-of-life
-- threshold at the recent pace.
with

hours as (
    select * from {{ ref('int_telemetry_hours_metered') }}
),

batteries as (
    select * from {{ ref('stg_installs__battery_systems') }}
),

tickets as (
    select * from {{ ref('stg_support__service_tickets') }}
),

readings as (
    select
        household_id,
        min(interval_start_at) as first_reading_at,
        min_by(battery_state_of_health_pct, interval_start_at) as first_state_of_health_pct,
        max(interval_start_at) as last_reading_at,
        max_by(battery_state_of_health_pct, interval_start_at) as last_state_of_health_pct
    from hours
    where battery_state_of_health_pct is not null
    group by household_id
),

replacements as (
    select
        household_id,
        max(closed_at) as replaced_at
    from tickets
    where issue_category = 'battery_alert' and equipment_replaced_flag and closed_at is not null
    group by household_id
),

unit_ages as (
    select
        batteries.household_id,
        batteries.battery_id,
        batteries.chemistry,
        batteries.install_date,
        readings.first_reading_at,
        readings.first_state_of_health_pct,
        readings.last_reading_at,
        readings.last_state_of_health_pct,
        replacements.replaced_at,
        -- years the unit now installed has been in service at its last reading
        (
            {{ epoch_seconds('readings.last_reading_at') }}
            - coalesce(
                {{ epoch_seconds('replacements.replaced_at') }},
                {{ epoch_seconds('cast(batteries.install_date as ' ~ type_timestamp_tz() ~ ')') }}
            )
        ) / (365.25 * 86400) as unit_age_years
    from batteries
    inner join readings on batteries.household_id = readings.household_id
    left join replacements on batteries.household_id = replacements.household_id
),

fade as (
    select
        *,
        case
            when unit_age_years >= 0.25 then (100 - last_state_of_health_pct) / unit_age_years
        end as fade_pct_per_year,
        -- the pace over the pack's readings (at least 30 days, same unit): calendar fade slows with the square
        -- root of time, so the recent pace projects end of life better than the average since install
        case
            when
                replaced_at is null
                and {{ epoch_seconds('last_reading_at') }} - {{ epoch_seconds('first_reading_at') }} >= 30 * 86400
                then (first_state_of_health_pct - last_state_of_health_pct) * 365.25 * 86400
                    / ({{ epoch_seconds('last_reading_at') }} - {{ epoch_seconds('first_reading_at') }})
        end as recent_fade_pct_per_year
    from unit_ages
),

final as (
    select
        household_id,
        battery_id,
        chemistry,
        install_date,
        first_reading_at,
        first_state_of_health_pct,
        last_reading_at,
        last_state_of_health_pct,
        replaced_at,
        unit_age_years,
        fade_pct_per_year,
        recent_fade_pct_per_year,
        case
            when coalesce(recent_fade_pct_per_year, fade_pct_per_year) > 0
                then cast(
                        extract(year from last_reading_at)
                        + floor(
                            greatest(last_state_of_health_pct - {{ var('battery_end_of_life_soh_pct') }}, 0)
                            / coalesce(recent_fade_pct_per_year, fade_pct_per_year)
                        )
                        as integer
                    )
        end as end_of_life_year
    from fade
)

select * from final
