-- Energy balance of every home-day: solar + grid import + battery discharge = load + grid export + battery
-- charge, within rounding of the hourly meter readings (4 decimals each, at most 25 hours).
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
    ) > 0.01
