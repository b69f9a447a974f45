-- One row per contract, placed in its home's contract history, with the dates it is in force and its status
-- at the pack's end. The schema allows several contracts per home (a renewal may be written as a new
-- contract), so every join from a home's days or months to a contract goes through the period here:
--   contract sequence = order of the home's contracts by start date (1 = the first);
--   active from       = the contract's start date;
--   active until      = the first day it is no longer in force (exclusive): the customer's churn date, or the
--                       start of the home's next contract, whichever comes first; null while it runs on.
--                       Periods of one home therefore never overlap, and a day has at most one contract;
--   status            = `churned` if the customer left before the pack's end, else `renewed` if the contract
--                       renewed at a term end (in place, or followed by a new contract) before it, else `active`.
with

contracts as (
    select * from {{ ref('stg_crm__subscriber_contracts') }}
),

pack as (
    select pack_end_date from {{ ref('stg_pack__manifests') }}
),

sequenced as (
    select
        *,
        row_number() over (
            partition by household_id order by contract_start_date, contract_id
        ) as contract_sequence,
        lead(contract_start_date) over (
            partition by household_id order by contract_start_date, contract_id
        ) as next_contract_start_date
    from contracts
),

dated as (
    select
        *,
        contract_start_date as active_from_date,
        case
            when churned_on is not null and (next_contract_start_date is null or churned_on < next_contract_start_date)
                then churned_on
            else next_contract_start_date
        end as active_until_date,
        next_contract_start_date is null as latest_contract_flag
    from sequenced
),

final as (
    select
        dated.*,
        case
            when dated.churned_on < pack.pack_end_date then 'churned'
            when
                dated.renewed_on < pack.pack_end_date
                or dated.next_contract_start_date < pack.pack_end_date
                then 'renewed'
            else 'active'
        end as status,
        coalesce(dated.renewed_on < pack.pack_end_date, false)
        or coalesce(dated.next_contract_start_date < pack.pack_end_date, false) as renewal_flag,
        coalesce(dated.churned_on < pack.pack_end_date, false) as churn_flag
    from dated
    cross join pack
)

select * from final
