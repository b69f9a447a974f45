-- Market realism: CAISO's spring negative prices and duck curve, ERCOT scarcity spikes, Hawaii's oil-fired
-- price level, and the midday dip of grid carbon intensity where solar is large.
with

prices as (
    select * from {{ ref('stg_grid__market_prices') }}
),

regions as (
    select * from {{ ref('market_regions') }}
),

local_prices as (
    select
        prices.market_region,
        prices.lmp_usd_per_mwh,
        prices.carbon_kg_per_mwh,
        {{ to_local_timestamp('prices.interval_start_at', 'regions.timezone') }} as local_at
    from prices
    inner join regions on prices.market_region = regions.market_region
),

spring_caiso as (
    select * from local_prices
    where market_region = 'CAISO' and month(local_at) in (3, 4, 5)
)

select
    'market_caiso_spring_negative_share' as metric_id,
    'CAISO' as scope,
    avg(case when lmp_usd_per_mwh < 0 then 1.0 else 0.0 end) as measured_value,
    count(*) as sample_size
from spring_caiso
union all
select
    'market_caiso_spring_midday_to_evening_ratio' as metric_id,
    'CAISO' as scope,
    avg(case when hour(local_at) between 10 and 14 then lmp_usd_per_mwh end)
    / avg(case when hour(local_at) between 18 and 21 then lmp_usd_per_mwh end) as measured_value,
    count(*) as sample_size
from spring_caiso
union all
select
    'market_ercot_share_above_1000' as metric_id,
    'ERCOT' as scope,
    avg(case when lmp_usd_per_mwh > 1000 then 1.0 else 0.0 end) as measured_value,
    count(*) as sample_size
from local_prices
where market_region = 'ERCOT'
union all
select
    'market_ercot_max_price' as metric_id,
    'ERCOT' as scope,
    max(lmp_usd_per_mwh) as measured_value,
    count(*) as sample_size
from local_prices
where market_region = 'ERCOT'
union all
select
    'market_mean_price' as metric_id,
    market_region as scope,
    avg(lmp_usd_per_mwh) as measured_value,
    count(*) as sample_size
from local_prices
group by market_region
union all
select
    'market_caiso_carbon_midday_to_evening_ratio' as metric_id,
    'CAISO' as scope,
    avg(case when hour(local_at) between 11 and 14 then carbon_kg_per_mwh end)
    / avg(case when hour(local_at) between 19 and 22 then carbon_kg_per_mwh end) as measured_value,
    count(*) as sample_size
from local_prices
where market_region = 'CAISO'
