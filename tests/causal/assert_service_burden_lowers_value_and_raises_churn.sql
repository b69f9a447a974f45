-- Causal realism target: more service burden -> lower net customer value and higher churn likelihood
-- Hypothesis: homes with service tickets beyond questions keep less net value and end their contracts more often
-- Effect size: the fall of a home's net value in its trouble months below its own average, beyond untroubled
--    homes' in the same state and month (at least 0.5 USD per month), and troubled over untroubled churn rate
--    (at least 1.3) (thresholds in seed validation_targets, measured in val_causal_effects).
-- Fails when the effect is measured on enough homes and falls short; packs too small for a verdict
-- (the dev pack) report insufficient_data in validation_results instead.
select
    metric_id,
    measured_value,
    reference_low as threshold,
    sample_size
from {{ ref('validation_results') }}
where metric_id in ('causal_service_burden_lowers_net_value', 'causal_service_burden_raises_churn')
    and status = 'fail'
