-- When EVs charge: the share of home EV charging in the tariff's peak hours, for homes on plans with peak hours
-- (time-of-use and demand-like). Apart from the other end-use checks (val_load_end_use_metrics, tariff-free):
-- this one reads the priced hours, so it is the only end-use check a tariff edit runs again, and it reads the
-- charging hours only.
with

ev_hours as (
    select
        household_id,
        tariff_id,
        load_ev_kwh,
        peak_flag
    from {{ ref('int_telemetry_hours_priced') }}
    where load_ev_kwh > 0
),

tariffs as (
    select * from {{ ref('utility_tariff_plans') }}
),

final as (
    select
        'load_ev_peak_hour_share' as metric_id,
        'all' as scope,
        coalesce(sum(case when ev_hours.peak_flag then ev_hours.load_ev_kwh end), 0)
        / nullif(sum(ev_hours.load_ev_kwh), 0) as measured_value,
        count(*) as sample_size
    from ev_hours
    inner join tariffs on ev_hours.tariff_id = tariffs.tariff_id
    where tariffs.tariff_type in ('tou', 'demand_like')
)

select * from final
