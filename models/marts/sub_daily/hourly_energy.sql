-- The premium pack's sub-daily energy table: one row per home and local hour in service, with the wholesale
-- price and grid carbon of that hour. The hours are stored once, month by month, by
-- int_telemetry_hours_metered (which every hourly model downstream reads); this mart is a view over them, and the
-- release publishes those month files as they are (hard-linked, not copied). No retail rates: they would tie
-- every stored hour to the tariffs (tariff_rate_periods prices an hour; int_telemetry_hours_priced does it).
{{ config(materialized='view') }}

with

hours as (
    select * from {{ ref('int_telemetry_hours_metered') }}
)

select * from hours
