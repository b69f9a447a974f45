with

contracts as (
    select * from {{ ref('stg_crm__subscriber_contracts') }}
),

pack as (
    select pack_end_date from {{ ref('stg_pack__manifests') }}
),

final as (
    select
        contracts.contract_id,
        contracts.household_id,
        contracts.subscription_type,
        contracts.term_years,
        contracts.contract_start_date,
        contracts.monthly_minimum_payment_usd as monthly_minimum_payment,
        contracts.flex_rate_usd_per_kwh as flex_rate_per_kwh,
        contracts.escalator_pct,
        contracts.battery_included_flag,
        contracts.vpp_eligible_flag,
        case
            when contracts.churned_on < pack.pack_end_date then 'churned'
            when contracts.renewed_on < pack.pack_end_date then 'renewed'
            else 'active'
        end as status,
        coalesce(contracts.renewed_on < pack.pack_end_date, false) as renewal_flag,
        coalesce(contracts.churned_on < pack.pack_end_date, false) as churn_flag
    from contracts
    cross join pack
)

select * from final
