-- Each local hour with the import and export rate of the home's tariff.
-- Import: the peak rate (summer or winter) inside the plan's peak window - on weekdays only where the plan
-- says so - else the off-peak rate. Export: the plan's net-billing export credit, every hour.
with

hours as (
    select * from {{ ref('int_telemetry_hours_localized') }}
),

tariffs as (
    select * from {{ ref('utility_tariff_plans') }}
),

windows as (
    select
        hours.*,
        tariffs.net_billing_export_rate as export_rate_usd_per_kwh,
        case
            when tariffs.summer_start_month <= tariffs.summer_end_month
                then hours.local_month between tariffs.summer_start_month and tariffs.summer_end_month
            else hours.local_month >= tariffs.summer_start_month or hours.local_month <= tariffs.summer_end_month
        end as is_summer,
        hours.local_hour >= tariffs.peak_start_hour
        and hours.local_hour < tariffs.peak_end_hour
        and (not tariffs.peak_weekdays_only or hours.local_iso_weekday <= 5) as is_peak,
        tariffs.summer_peak_rate,
        tariffs.winter_peak_rate,
        tariffs.offpeak_rate
    from hours
    inner join tariffs on hours.tariff_id = tariffs.tariff_id
),

priced as (
    select
        *,
        case
            when is_peak and is_summer then summer_peak_rate
            when is_peak then winter_peak_rate
            else offpeak_rate
        end as import_rate_usd_per_kwh
    from windows
)

select * from priced
