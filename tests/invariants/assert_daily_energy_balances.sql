-- Energy balance of every home-day: solar + grid import + battery discharge = load + grid export + battery
-- charge. Every hourly reading balances to the Wh (the meters' resolution), so a day balances to float precision.
select
    household_id,
    date,
    solar_generation_kwh + grid_import_kwh + battery_discharge_kwh
    - home_load_kwh - grid_export_kwh - battery_charge_kwh as imbalance_kwh
from {{ ref('daily_generation_consumption') }}
where
    abs(
        solar_generation_kwh + grid_import_kwh + battery_discharge_kwh
        - home_load_kwh - grid_export_kwh - battery_charge_kwh
    ) > 1e-6
