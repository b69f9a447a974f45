-- Causal realism target: higher cooling load and EV ownership -> higher evening battery value
-- Hypothesis: battery homes with central AC and an EV discharge more value in the evening (16-21 h, at their
--    import rate) than battery homes with neither, in the same state
-- Effect size: ratio of mean evening battery value per home-day, treated over control, weighted over states; at
--    least 1.2 (threshold in seed validation_targets, measured in val_causal_effects).
-- Fails when the effect is measured on enough homes and falls short; packs too small for a verdict
-- (the dev pack) report insufficient_data in validation_results instead.
select
    metric_id,
    measured_value,
    reference_low as threshold,
    sample_size
from {{ ref('validation_results') }}
where metric_id in ('causal_cooling_and_ev_raise_evening_battery_value')
    and status = 'fail'
