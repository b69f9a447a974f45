-- Every rate plan prices every calendar month with exactly one season, and each season has a peak and an off-peak
-- period, so any hour of the release can be priced from `tariff_rate_periods` alone.
with

periods as (
    select * from {{ ref('tariff_rate_periods') }}
),

tariffs as (
    select * from {{ ref('utility_tariffs') }}
),

calendar_months as (
    select series.generated_number as calendar_month
    from ({{ dbt.generate_series(12) }}) as series
),

covered as (
    select
        tariffs.tariff_id,
        calendar_months.calendar_month,
        count(distinct periods.season) as seasons,
        count(periods.period) as periods
    from tariffs
    cross join calendar_months
    left join periods
        on
            tariffs.tariff_id = periods.tariff_id
            and case
                when periods.season_start_month <= periods.season_end_month
                    then calendar_months.calendar_month between periods.season_start_month and periods.season_end_month
                else
                    calendar_months.calendar_month >= periods.season_start_month
                    or calendar_months.calendar_month <= periods.season_end_month
            end
    group by tariffs.tariff_id, calendar_months.calendar_month
),

final as (
    select * from covered
    where seasons != 1 or periods != 2
)

select * from final
