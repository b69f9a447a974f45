with

source as (
    select * from {{ source('crm', 'subscriber_contracts') }}
),

renamed as (
    select
        cast(contract_id as string) as contract_id,
        cast(household_id as string) as household_id,
        cast(subscription_type as string) as subscription_type,
        cast(term_years as integer) as term_years,
        cast(contract_start_date as date) as contract_start_date,
        cast(monthly_minimum_payment_usd as double) as monthly_minimum_payment_usd,
        cast(flex_rate_usd_per_kwh as double) as flex_rate_usd_per_kwh,
        cast(escalator_pct as double) as escalator_pct,
        cast(battery_included_flag as boolean) as battery_included_flag,
        cast(vpp_eligible_flag as boolean) as vpp_eligible_flag,
        cast(renewed_on as date) as renewed_on,
        cast(churned_on as date) as churned_on
    from source
)

select * from renamed
