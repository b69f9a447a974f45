-- Battery controller: does the battery follow the tariff the bill uses?
-- 1. Where off-peak discharge earns nothing (time-of-use plans under net metering, exports netted kWh for kWh),
--    the share of the battery's routine discharge (grid up, outside accepted programme calls) that falls in the
--    hours billing prices at the peak rate - the plan's window, on weekdays only where the plan says so.
--    A controller that ignores the weekday rule discharges on weekends at the off-peak rate.
-- 2. Under demand charges, what the battery does to the billed demand (the month's highest on-peak import hour):
--    billed demand with the system over billed demand of the load alone, for battery homes against homes of the
--    same plans without a battery (the effect of the battery beyond the PV's).
with

hours as (
    select * from {{ ref('int_telemetry_hours_priced') }}
),

tariffs as (
    select * from {{ ref('utility_tariff_plans') }}
),

batteries as (
    select * from {{ ref('battery_systems') }}
),

event_hours as (
    select * from {{ ref('int_dispatch_hours_requested') }}
),

months as (
    select * from {{ ref('int_household_months_billed') }}
),

accepted_event_hours as (
    select distinct
        household_id,
        hour_start_at
    from event_hours
    where response_status = 'accepted'
),

routine_discharge as (
    select
        hours.household_id,
        hours.battery_discharge_kwh,
        hours.peak_flag as is_peak
    from hours
    inner join tariffs on hours.tariff_id = tariffs.tariff_id
    left join accepted_event_hours
        on
            hours.household_id = accepted_event_hours.household_id
            and hours.interval_start_at = accepted_event_hours.hour_start_at
    where
        hours.grid_up_flag
        and accepted_event_hours.household_id is null
        and tariffs.export_regime = 'net_metering'
        and tariffs.summer_peak_rate > tariffs.offpeak_rate
        and hours.battery_discharge_kwh > 0
),

demand_months as (
    select
        months.household_id,
        batteries.household_id is not null as has_battery,
        months.billed_demand_with_system_kw / months.billed_demand_without_system_kw as billed_demand_ratio
    from months
    inner join tariffs on months.tariff_id = tariffs.tariff_id
    left join batteries on months.household_id = batteries.household_id
    where
        tariffs.demand_charge_summer_usd_per_kw > 0
        and months.billed_demand_without_system_kw > 0
),

final as (
    select
        'battery_discharge_in_billed_peak_share' as metric_id,
        'net_metering_time_of_use' as scope,
        sum(case when is_peak then battery_discharge_kwh else 0 end)
        / nullif(sum(battery_discharge_kwh), 0) as measured_value,
        count(distinct household_id) as sample_size
    from routine_discharge
    union all
    select
        'battery_billed_demand_ratio_demand_plans' as metric_id,
        'all' as scope,
        avg(case when has_battery then billed_demand_ratio end)
        / nullif(avg(case when not has_battery then billed_demand_ratio end), 0) as measured_value,
        least(
            count(distinct case when has_battery then household_id end),
            count(distinct case when not has_battery then household_id end)
        ) as sample_size
    from demand_months
)

select * from final
