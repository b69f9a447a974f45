-- One row per home and local calendar month: the utility bill as the utility issues it, with and without the
-- system, from the hourly-valued days (int_household_days_billed) and the plan's billing rules (seed
-- utility_tariff_plans, each rule cited in `billing_rules_source`):
--   energy      net_metering: the month's exported kWh (plus the kWh bank) net out imported kWh; netted kWh are
--                             worth the month's average import rate less the non-bypassable charge;
--               net_billing:  exports earn the export rate as a dollar credit (plus the dollar bank) against
--                             the energy charge less the non-bypassable charge;
--               non-bypassable charge x imported kWh is always paid; credit beyond the month's energy charge
--               goes to the bank (it never offsets fixed, demand or minimum charges);
--   bank        carried month to month: bank = max(0, bank before + credit - charge), computed as the running
--               sum of (credit - charge) minus its running minimum (floored at 0) within a bank year;
--   true-up     at the plan's true-up month (or the 12th month of the home's billing year) the bank is paid at
--               the avoided-cost rate (annual_payout), cleared (annual_forfeit), or kept (carry_forward);
--   demand      USD/kW (summer or winter) x the month's highest on-peak hourly import (with the system) or
--               load (without it), at least the ratchet share of the previous 11 months' highest;
--   minimum     the month's charges are at least the minimum bill (fixed charge and minimum prorated by days
--               in service);
--   bill with   max(fixed + energy billed + demand, minimum) - true-up payment: below zero only in a payout
--               month whose payment is larger than the month's charges.
{{ config(materialized='table') }}

with

days as (
    select * from {{ ref('int_household_days_billed') }}
),

tariffs as (
    select * from {{ ref('utility_tariff_plans') }}
),

months as (
    select
        household_id,
        tariff_id,
        {{ dbt.date_trunc('month', 'local_date') }} as billing_month_start,
        count(*) as days_in_service,
        {{ exact_sum('solar_generation_kwh') }} as solar_generation_kwh,
        {{ exact_sum('grid_import_kwh') }} as grid_import_kwh,
        {{ exact_sum('grid_export_kwh') }} as grid_export_kwh,
        {{ exact_sum('energy_charge_without_system_usd') }} as energy_charge_without_system_usd,
        {{ exact_sum('energy_charge_with_system_usd') }} as import_charge_usd,
        {{ exact_sum('export_credit_usd') }} as export_credit_usd,
        {{ exact_sum('fixed_charge_usd') }} as fixed_charge_usd,
        max(peak_max_import_kw) as peak_max_import_kw,
        max(peak_max_load_kw) as peak_max_load_kw
    from days
    group by household_id, tariff_id, {{ dbt.date_trunc('month', 'local_date') }}
),

calendar as (
    select
        months.*,
        tariffs.export_regime,
        tariffs.credit_true_up,
        tariffs.true_up_month,
        tariffs.true_up_rate_usd_per_kwh,
        tariffs.non_bypassable_charge_usd_per_kwh,
        tariffs.minimum_monthly_bill_usd,
        tariffs.demand_ratchet_pct,
        case
            when tariffs.summer_start_month <= tariffs.summer_end_month
                then month(months.billing_month_start) between tariffs.summer_start_month and tariffs.summer_end_month
            else
                month(months.billing_month_start) >= tariffs.summer_start_month
                or month(months.billing_month_start) <= tariffs.summer_end_month
        end as is_summer,
        tariffs.demand_charge_summer_usd_per_kw,
        tariffs.demand_charge_winter_usd_per_kw,
        year(months.billing_month_start) * 12 + month(months.billing_month_start) - 1 as month_index,
        {{ dbt.datediff('months.billing_month_start', dbt.dateadd('month', 1, 'months.billing_month_start'), 'day') }}
            as days_in_month
    from months
    inner join tariffs on months.tariff_id = tariffs.tariff_id
),

demand as (
    select
        *,
        case
            when is_summer then demand_charge_summer_usd_per_kw else demand_charge_winter_usd_per_kw
        end as demand_rate_usd_per_kw,
        -- ratchet: the highest demand of the previous 11 months, in any season
        max(peak_max_import_kw) over previous_year as previous_peak_max_import_kw,
        max(peak_max_load_kw) over previous_year as previous_peak_max_load_kw
    from calendar
    window previous_year as (
        partition by household_id order by month_index range between 11 preceding and 1 preceding
    )
),

billed_demand as (
    select
        *,
        greatest(
            coalesce(peak_max_import_kw, 0),
            demand_ratchet_pct / 100 * coalesce(previous_peak_max_import_kw, 0)
        ) as billed_demand_with_system_kw,
        greatest(
            coalesce(peak_max_load_kw, 0),
            demand_ratchet_pct / 100 * coalesce(previous_peak_max_load_kw, 0)
        ) as billed_demand_without_system_kw
    from demand
),

bank_years as (
    select
        *,
        non_bypassable_charge_usd_per_kwh * grid_import_kwh as non_bypassable_charge_usd,
        -- what credits may offset, and the month's credit against it, in the regime's unit (kWh or USD)
        case
            when export_regime = 'net_metering' then grid_import_kwh
            else import_charge_usd - non_bypassable_charge_usd_per_kwh * grid_import_kwh
        end as offsettable_amount,
        case
            when export_regime = 'net_metering' then grid_export_kwh
            else export_credit_usd
        end as credit_amount,
        -- the true-up month as a month of the year (0-11): the plan's, or the month before the home's first
        -- billed month (the 12th month of its billing year)
        coalesce(
            true_up_month - 1,
            (min(month_index) over (partition by household_id) + 11) % 12
        ) as true_up_month_of_year
    from billed_demand
),

bank_changes as (
    select
        *,
        credit_amount - offsettable_amount as bank_change,
        credit_true_up != 'carry_forward' and (month_index - true_up_month_of_year) % 12 = 0 as is_true_up_month,
        case
            when credit_true_up = 'carry_forward' then 0
            else cast(floor((month_index - true_up_month_of_year - 1) / 12) as integer)
        end as bank_year
    from bank_years
),

running as (
    select
        *,
        sum(bank_change) over bank_to_date as cumulative_bank_change
    from bank_changes
    window bank_to_date as (
        partition by household_id, bank_year order by month_index
        rows between unbounded preceding and current row
    )
),

banked as (
    select
        *,
        cumulative_bank_change - least(0, min(cumulative_bank_change) over bank_to_date) as bank_before_true_up
    from running
    window bank_to_date as (
        partition by household_id, bank_year order by month_index
        rows between unbounded preceding and current row
    )
),

netted as (
    select
        *,
        coalesce(lag(bank_before_true_up) over (partition by household_id, bank_year order by month_index), 0)
            as bank_start
    from banked
),

energy as (
    select
        *,
        -- the part of the month's offsettable amount that credits did not cover (kWh or USD)
        greatest(bank_before_true_up - bank_start - bank_change, 0) as uncovered_amount
    from netted
),

energy_billed as (
    select
        *,
        non_bypassable_charge_usd
        + case
            when export_regime = 'net_metering' and grid_import_kwh > 0
                then (import_charge_usd - non_bypassable_charge_usd) * uncovered_amount / grid_import_kwh
            when export_regime = 'net_metering' then 0
            else uncovered_amount
        end as energy_charge_with_system_usd,
        case
            when is_true_up_month and credit_true_up = 'annual_payout' and export_regime = 'net_metering'
                then bank_before_true_up * true_up_rate_usd_per_kwh
            else 0
        end as true_up_payment_usd,
        case when is_true_up_month then bank_before_true_up else 0 end as credit_settled_at_true_up,
        case when is_true_up_month then 0 else bank_before_true_up end as bank_end,
        demand_rate_usd_per_kw * billed_demand_with_system_kw as demand_charge_with_system_usd,
        demand_rate_usd_per_kw * billed_demand_without_system_kw as demand_charge_without_system_usd,
        minimum_monthly_bill_usd * days_in_service / days_in_month as minimum_bill_usd
    from energy
),

final as (
    select
        household_id,
        tariff_id,
        billing_month_start,
        days_in_service,
        export_regime,
        credit_true_up,
        is_true_up_month,
        solar_generation_kwh,
        grid_import_kwh,
        grid_export_kwh,
        fixed_charge_usd,
        minimum_bill_usd,
        energy_charge_without_system_usd,
        import_charge_usd,
        export_credit_usd,
        non_bypassable_charge_usd,
        energy_charge_with_system_usd,
        case when export_regime = 'net_metering' then bank_start else 0 end as credit_bank_start_kwh,
        case when export_regime = 'net_metering' then bank_end else 0 end as credit_bank_end_kwh,
        case when export_regime = 'net_billing' then bank_start else 0 end as credit_bank_start_usd,
        case when export_regime = 'net_billing' then bank_end else 0 end as credit_bank_end_usd,
        true_up_payment_usd,
        case
            when credit_true_up = 'annual_forfeit' and export_regime = 'net_metering' then credit_settled_at_true_up
            else 0
        end as credit_forfeited_kwh,
        case
            when export_regime = 'net_billing' then credit_settled_at_true_up else 0
        end as credit_forfeited_usd,
        demand_rate_usd_per_kw,
        billed_demand_without_system_kw,
        billed_demand_with_system_kw,
        demand_charge_without_system_usd,
        demand_charge_with_system_usd,
        greatest(
            fixed_charge_usd + energy_charge_without_system_usd + demand_charge_without_system_usd,
            minimum_bill_usd
        ) as utility_bill_without_system_usd,
        greatest(
            fixed_charge_usd + energy_charge_with_system_usd + demand_charge_with_system_usd,
            minimum_bill_usd
        ) - true_up_payment_usd as utility_bill_with_system_usd
    from energy_billed
)

select * from final
