-- The semantic layer's calendar: one row per day of the pack, a day either side (local dates of a home's first
-- and last hours can fall just outside the pack's UTC window). MetricFlow joins to it for cumulative metrics and
-- for grains coarser than a day (week, month, quarter, year).
with

pack as (
    select
        pack_start_date,
        pack_end_date
    from {{ ref('stg_pack__manifests') }}
),

day_numbers as (
    -- Enough days for the longest pack (120 months) plus a margin; filtered below.
    select generated_number - 1 as day_number
    from ({{ dbt.generate_series(31 * 124) }}) as series
),

days as (
    select
        day_numbers.day_number,
        {{ dbt.dateadd('day', -1, 'pack.pack_start_date') }} as first_day,
        {{ dbt.datediff('pack.pack_start_date', 'pack.pack_end_date', 'day') }} + 2 as last_day_number -- noqa: LT05
    from day_numbers
    cross join pack
),

final as (
    select
        cast({{ dbt.dateadd('day', 'day_number', 'first_day') }} as date) as date_day
    from days
    where day_number <= last_day_number
)

select * from final
