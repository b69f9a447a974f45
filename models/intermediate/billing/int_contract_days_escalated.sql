-- One row per home and billed local day, with the contract in force that day and that day's escalated prices.
--   contract      = the home's contract whose period (int_contracts_sequenced: from its start date, until the
--                   churn date or the next contract's start) covers the day; null if none does, which the
--                   tests report (a billed day no contract pays for). A day has at most one contract;
--   contract year = whole years from the contract's start date to the day, so prices step up on the
--                   anniversary date itself (a contract started on the 22nd steps on the 22nd);
--   escalation    = (1 + escalator_pct / 100) ^ contract year.
with

days as (
    select * from {{ ref('int_household_days_billed') }}
),

contracts as (
    select * from {{ ref('int_contracts_sequenced') }}
),

assigned as (
    select
        days.household_id,
        days.local_date,
        days.solar_generation_kwh,
        days.bill_without_system_usd,
        days.bill_with_system_usd,
        contracts.contract_id,
        contracts.contract_start_date,
        contracts.escalator_pct,
        {{ whole_years_between('contracts.contract_start_date', 'days.local_date') }} as contract_year
    from days
    left join contracts
        on
            days.household_id = contracts.household_id
            and days.local_date >= contracts.active_from_date
            and (contracts.active_until_date is null or days.local_date < contracts.active_until_date)
),

final as (
    select
        *,
        power(1 + escalator_pct / 100, contract_year) as escalation_factor
    from assigned
)

select * from final
