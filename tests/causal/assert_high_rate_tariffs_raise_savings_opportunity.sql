-- Causal realism target: high-rate tariffs -> higher apparent savings opportunity
-- Hypothesis: the higher a home's tariff rates, the more each kWh of its solar saves on the bill
-- Effect size: Spearman rank correlation across homes of the tariff's mean rate and savings per solar kWh; at
--    least 0.3 (threshold in seed validation_targets, measured in val_causal_effects).
-- Fails when the effect is measured on enough homes and falls short; packs too small for a verdict
-- (the dev pack) report insufficient_data in validation_results instead.
select
    metric_id,
    measured_value,
    reference_low as threshold,
    sample_size
from {{ ref('validation_results') }}
where metric_id in ('causal_high_rate_tariffs_raise_savings_per_kwh')
    and status = 'fail'
