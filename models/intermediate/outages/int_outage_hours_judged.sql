-- The backup rule, hour by hour: for every hour of an interruption at a home, did the backup carry the home's
-- critical load, and if not, how much went unserved. Read from what the home's telemetry shows, not from an
-- average:
--   * grid up in the hour: the home's meter saw the grid for the hour (hourly telemetry flags an hour grid-down
--     when the interruption spans its middle, so part of an interruption may fall in grid-up hours); nothing
--     is judged.
--   * grid down, no battery in service: nothing is served. Grid-tied solar inverters must stop energising
--     within 2 seconds of losing the grid (anti-islanding, IEEE 1547-2018 clause 8.1, certified to UL 1741),
--     so solar alone never carries a home through an outage.
--   * grid down, battery in service: the gateway islands the home and the battery (with the roof's solar)
--     carries the critical circuits. It covers them unless it ran out (state of charge at the bottom of its
--     usable range at the end of the hour: in an outage the battery may use its whole charge, the customer's
--     backup reserve included - Tesla Powerwall "Backup Reserve"), reached its power rating, or did not
--     deliver (neither charged nor discharged while not full: faulted or offline).
-- In an hour the backup covered, the critical load metered is the critical load needed: nothing is unserved.
-- In an hour it could not cover, the part not served was never metered; it is estimated as the home's typical
-- critical load for that local hour with the grid up (int_critical_load_profiles) beyond what was served.
-- Energies and backup minutes are prorated by the minutes of the interruption inside the hour.

with

hours as (
    select * from {{ ref('int_outage_hours_observed') }}
),

limits as (
    select
        *,
        case
            when grid_up_flag then null
            when not battery_in_service_flag then 'no_battery'
            when state_of_charge_pct <= {{ var('outage_battery_empty_soc_pct') }} then 'battery_empty'
            -- discharge in one hour at the rated power, kW x 1 h
            when battery_discharge_kwh >= {{ var('outage_battery_at_power_share') }} * battery_power_kw
                then 'battery_at_power_rating'
            when
                coalesce(battery_charge_kwh, 0) = 0
                and coalesce(battery_discharge_kwh, 0) = 0
                and coalesce(state_of_charge_pct, 0) < 100
                then 'battery_not_delivering'
        end as backup_limit
    from hours
),

hourly_energy as (
    -- whole-hour energies, before proration
    select
        *,
        not grid_up_flag as islanded_flag,
        not grid_up_flag and backup_limit is null as backup_covered_flag,
        case
            when not grid_up_flag and battery_in_service_flag then coalesce(critical_load_kwh, 0) else 0
        end as hour_served_kwh
    from limits
),

hourly_need as (
    select
        *,
        case
            when not islanded_flag then 0
            when backup_covered_flag then hour_served_kwh
            else greatest(coalesce(typical_critical_load_kwh, 0), hour_served_kwh)
        end as hour_needed_kwh
    from hourly_energy
),

final as (
    select
        outage_id,
        household_id,
        hour_start_at,
        local_date,
        local_hour,
        outage_minutes_in_hour,
        islanded_flag,
        battery_in_service_flag,
        state_of_charge_pct,
        backup_limit,
        backup_covered_flag,
        hour_served_kwh * outage_minutes_in_hour / 60 as critical_load_served_kwh,
        hour_needed_kwh * outage_minutes_in_hour / 60 as critical_load_needed_kwh,
        (hour_needed_kwh - hour_served_kwh) * outage_minutes_in_hour / 60 as unserved_load_kwh,
        case
            when not islanded_flag or not battery_in_service_flag then 0.0
            when backup_covered_flag then cast(outage_minutes_in_hour as double)
            -- the battery gave out during the hour: on backup for the served share of the hour's need
            when hour_needed_kwh > 0 then outage_minutes_in_hour * (hour_served_kwh / hour_needed_kwh)
            else 0.0
        end as backup_minutes
    from hourly_need
)

select * from final
