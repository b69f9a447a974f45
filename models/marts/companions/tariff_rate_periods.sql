-- Every price a rate plan charges or credits, one row per plan, season and time-of-use period: with
-- `tariff_billing_rules` and the hourly energy a home's bill can be recomputed from the release alone. A companion
-- of the 14 schema tables (`utility_tariffs` keeps the schema's columns only).
with

tariffs as (
    select * from {{ ref('utility_tariff_plans') }}
),

seasons as (
    select
        tariff_id,
        'summer' as season,
        summer_start_month as season_start_month,
        summer_end_month as season_end_month,
        summer_peak_rate as peak_rate_usd_per_kwh,
        demand_charge_summer_usd_per_kw as demand_charge_usd_per_kw
    from tariffs
    union all
    -- the months outside summer; none when summer is the whole year
    select
        tariff_id,
        'winter' as season,
        summer_end_month % 12 + 1 as season_start_month,
        (summer_start_month + 10) % 12 + 1 as season_end_month,
        winter_peak_rate as peak_rate_usd_per_kwh,
        demand_charge_winter_usd_per_kw as demand_charge_usd_per_kw
    from tariffs
    where (summer_end_month - summer_start_month + 12) % 12 + 1 < 12
),

periods as (
    select
        seasons.tariff_id,
        seasons.season,
        seasons.season_start_month,
        seasons.season_end_month,
        'peak' as period,
        seasons.peak_rate_usd_per_kwh as import_rate_usd_per_kwh,
        seasons.demand_charge_usd_per_kw
    from seasons
    union all
    select
        seasons.tariff_id,
        seasons.season,
        seasons.season_start_month,
        seasons.season_end_month,
        'off_peak' as period,
        tariffs.offpeak_rate as import_rate_usd_per_kwh,
        0.0 as demand_charge_usd_per_kw
    from seasons
    inner join tariffs on seasons.tariff_id = tariffs.tariff_id
),

final as (
    select
        periods.tariff_id,
        periods.season,
        cast(periods.season_start_month as integer) as season_start_month,
        cast(periods.season_end_month as integer) as season_end_month,
        periods.period,
        cast(tariffs.peak_start_hour as integer) as peak_start_hour,
        cast(tariffs.peak_end_hour as integer) as peak_end_hour,
        tariffs.peak_weekdays_only,
        cast(periods.import_rate_usd_per_kwh as double) as import_rate_usd_per_kwh,
        cast(tariffs.net_billing_export_rate as double) as export_rate_usd_per_kwh,
        cast(periods.demand_charge_usd_per_kw as double) as demand_charge_usd_per_kw
    from periods
    inner join tariffs on periods.tariff_id = tariffs.tariff_id
)

select * from final
