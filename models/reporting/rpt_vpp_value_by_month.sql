-- The VPP's value per calendar month of the event's date, all programmes together: the grid value of the
-- incremental energy delivered and the incentives paid to customers (sums of `dispatch_events`).
with

dispatch_events as (
    select
        date,
        customer_incentive_usd,
        grid_value_usd
    from {{ ref('dispatch_events') }}
),

final as (
    select
        cast({{ dbt.date_trunc('month', 'date') }} as date) as month_start_date,
        count(*) as home_events_count,
        {{ exact_sum('grid_value_usd') }} as grid_value_usd,
        {{ exact_sum('customer_incentive_usd') }} as customer_incentive_usd
    from dispatch_events
    group by cast({{ dbt.date_trunc('month', 'date') }} as date)
)

select * from final
