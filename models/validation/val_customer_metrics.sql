-- Customer realism: install cycle time and cancellations, acquisition (journeys, time to convert, cost by
-- channel), adoption timing against the territory's expected savings, service tickets, churn, and what share of
-- its utility savings a customer keeps after paying for the system.
with

pipeline as (
    select * from {{ ref('installation_pipeline') }}
),

acquisition as (
    select * from {{ ref('channel_attribution') }}
),

tickets as (
    select * from {{ ref('service_tickets') }}
),

contracts as (
    select * from {{ ref('subscriber_contracts') }}
),

months as (
    select * from {{ ref('billing_and_savings') }}
),

days as (
    select * from {{ ref('daily_generation_consumption') }}
),

homes as (
    select * from {{ ref('households') }}
),

territories as (
    select * from {{ ref('territories') }}
),

plans as (
    select * from {{ ref('utility_tariff_plans') }}
),

incentives as (
    select * from {{ ref('adoption_incentives') }}
),

parameters as (
    select * from {{ ref('simulation_parameters') }}
),

home_years as (
    select count(*) / 365 as home_years from days
),

-- the lead source of each home's first signed project beside the channel its signature is attributed to
first_projects as (
    select
        household_id,
        lead_source
    from (
        select
            household_id,
            lead_source,
            row_number() over (partition by household_id order by signed_date, project_id) as signature_rank
        from pipeline
        where signed_date is not null
    ) as ranked
    where signature_rank = 1
),

journeys as (
    select
        acquisition.household_id,
        acquisition.channel,
        acquisition.conversion_days,
        first_projects.lead_source
    from acquisition
    inner join first_projects on acquisition.household_id = first_projects.household_id
),

touch_counts as (
    select
        household_id,
        count(*) as touches
    from {{ ref('stg_crm__acquisition_touches') }}
    group by household_id
),

-- what a prospective adopter expects from solar in each territory, as the generator's adoption process reads the
-- seeds: a PV kWh is worth the plan-weighted retail rate when used at home (a quarter of it at peak), the export
-- rate when exported (retail under net metering); payback = installed price less the federal credit and the state
-- incentive, over the first-year savings.
adoption_inputs as (
    select
        max(case when parameter = 'adoption_installed_cost_usd_per_w' then value end) as installed_cost_usd_per_w,
        max(case when parameter = 'adoption_federal_credit_share' then value end) as federal_credit_share,
        max(case when parameter = 'adoption_self_consumed_share' then value end) as self_consumed_share
    from parameters
),

plan_values as (
    select
        plans.utility_territory,
        plans.plan_share,
        0.25 * (plans.summer_peak_rate + plans.winter_peak_rate) / 2 + 0.75 * plans.offpeak_rate as retail_rate,
        case
            when plans.export_regime = 'net_metering'
                then 0.25 * (plans.summer_peak_rate + plans.winter_peak_rate) / 2 + 0.75 * plans.offpeak_rate
            else plans.net_billing_export_rate
        end as export_rate
    from plans
),

territory_value as (
    select
        plan_values.utility_territory,
        sum(
            plan_values.plan_share
            * (
                adoption_inputs.self_consumed_share * plan_values.retail_rate
                + (1 - adoption_inputs.self_consumed_share) * plan_values.export_rate
            )
        ) / sum(plan_values.plan_share) as value_usd_per_kwh
    from plan_values
    cross join adoption_inputs
    group by plan_values.utility_territory
),

territory_savings as (
    select
        territories.utility_territory,
        territories.pvwatts_kwh_per_kw * territory_value.value_usd_per_kwh
        / (
            1000 * (
                adoption_inputs.installed_cost_usd_per_w * (1 - adoption_inputs.federal_credit_share)
                - coalesce(incentives.incentive_usd_per_w, 0)
            )
        ) as savings_per_dollar
    from territories
    inner join territory_value on territories.utility_territory = territory_value.utility_territory
    left join incentives on territories.state = incentives.state
    cross join adoption_inputs
),

signings as (
    select
        first_signatures.household_id,
        territory_savings.savings_per_dollar,
        -- days before the latest signature of the pack: how long ago the home adopted
        {{ dbt.datediff('first_signatures.signed_date', 'max(first_signatures.signed_date) over ()', 'day') }}
            as days_since_signature
    from (
        select
            household_id,
            min(signed_date) as signed_date
        from pipeline
        where signed_date is not null
        group by household_id
    ) as first_signatures
    inner join homes on first_signatures.household_id = homes.household_id
    inner join territory_savings on homes.utility_territory = territory_savings.utility_territory
)

select
    'customer_signed_to_pto_median_days' as metric_id,
    'all' as scope,
    median(project_cycle_days) as measured_value,
    count(project_cycle_days) as sample_size
from pipeline
union all
select
    'customer_cancellation_rate' as metric_id,
    'all' as scope,
    avg(case when cancellation_flag then 1.0 else 0.0 end) as measured_value,
    count(*) as sample_size
from pipeline
union all
select
    'customer_acquisition_cost_usd' as metric_id,
    'all' as scope,
    avg(cac_usd) as measured_value,
    count(*) as sample_size
from acquisition
union all
select
    'customer_first_touch_differs_share' as metric_id,
    'all' as scope,
    avg(case when lead_source != channel then 1.0 else 0.0 end) as measured_value,
    count(*) as sample_size
from journeys
union all
select
    'customer_conversion_within_one_day_share' as metric_id,
    'all' as scope,
    avg(case when conversion_days <= 1 then 1.0 else 0.0 end) as measured_value,
    count(*) as sample_size
from journeys
union all
select
    'customer_conversion_median_days' as metric_id,
    channel as scope,
    median(conversion_days) as measured_value,
    count(*) as sample_size
from journeys
group by channel
union all
select
    'customer_touches_per_conversion' as metric_id,
    'all' as scope,
    avg(touches) as measured_value,
    count(*) as sample_size
from touch_counts
union all
select
    'customer_acquisition_cost_usd' as metric_id,
    channel as scope,
    avg(cac_usd) as measured_value,
    count(*) as sample_size
from acquisition
group by channel
union all
select
    'customer_acquisition_cost_p99_usd' as metric_id,
    channel as scope,
    percentile_cont(0.99) within group (order by cac_usd) as measured_value,
    count(*) as sample_size
from acquisition
group by channel
union all
select
    'customer_adoption_age_vs_savings_corr' as metric_id,
    'all' as scope,
    corr(savings_per_dollar, days_since_signature) as measured_value,
    count(*) as sample_size
from signings
union all
select
    'customer_tickets_per_home_year' as metric_id,
    'all' as scope,
    count(*) / max(home_years.home_years) as measured_value,
    cast(round(max(home_years.home_years)) as bigint) as sample_size
from tickets
cross join home_years
union all
select
    'customer_ticket_resolution_median_days' as metric_id,
    'all' as scope,
    median(resolution_days) as measured_value,
    count(*) as sample_size
from tickets
union all
select
    'customer_churn_per_home_year' as metric_id,
    'all' as scope,
    count(*) filter (where contracts.churn_flag) / max(home_years.home_years) as measured_value,
    cast(round(max(home_years.home_years)) as bigint) as sample_size
from contracts
cross join home_years
union all
select
    'customer_net_value_share_of_savings' as metric_id,
    'all' as scope,
    sum(net_customer_value_usd) / sum(utility_bill_without_system_usd - utility_bill_with_system_usd) as measured_value,
    count(*) as sample_size
from months
