"""Realism beyond the dev pack: the weather process against the real TMY files pvlib ships, and the schema's
causal realism targets (plus every other realism metric with enough data) on test-scale packs of three seeds
other than the default one."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from conftest import solstice
from solstice.tmy_validation import (CELL_CORRELATION_RANGE, CLEARNESS_LAG1_TOLERANCE, CLEARNESS_SD_TOLERANCE,
                                     GHI_TOLERANCE, JSD_LIMIT, MIDNIGHT_RATIO_RANGE, NEIGHBOUR_CORRELATION_RANGE,
                                     NEIGHBOUR_KM, PEARSON_LIMIT, TEMPERATURE_LAG1_TOLERANCE, compare, jensen_shannon,
                                     spatial)

CAUSAL_TARGETS = {
    "causal_cooling_and_ev_raise_evening_battery_value",
    "causal_high_rate_tariffs_raise_savings_per_kwh",
    "causal_batteries_raise_outage_avoidance",
    "causal_batteries_raise_dispatch_eligibility",
    "causal_participation_score_raises_response",
    "causal_service_burden_lowers_net_value",
    "causal_service_burden_raises_churn",
    "causal_outage_prone_markets_raise_resilience_value",
}


def test_jensen_shannon_is_zero_for_equal_and_one_for_disjoint_samples():
    same = np.array([1.0, 2.0, 3.0])
    assert jensen_shannon(same, same) == pytest.approx(0.0)
    assert jensen_shannon(np.array([0.5, 0.6]), np.array([5.5, 5.6])) == pytest.approx(1.0)


@pytest.mark.parametrize("seed", [42, 7, 2024])
def test_weather_matches_real_tmy_weather(seed):
    # Reference 004's method against the TMY3 (Greensboro) and TMY2 (Miami) files pvlib ships.
    for city in compare(seed):
        assert city.worst_month_deviation <= GHI_TOLERANCE, (city.city, city.monthly_ghi_synthetic / city.monthly_ghi_tmy)
        assert city.jensen_shannon < JSD_LIMIT, city.city
        assert city.pearson > PEARSON_LIMIT, city.city
        # Clouds persist from hour to hour and temperature runs on smoothly through midnight, as in the TMY file.
        real, synthetic = city.seams_tmy, city.seams_synthetic
        assert abs(synthetic.clearness_lag1 - real.clearness_lag1) <= CLEARNESS_LAG1_TOLERANCE, (city.city, synthetic)
        assert abs(synthetic.temperature_lag1 - real.temperature_lag1) <= TEMPERATURE_LAG1_TOLERANCE, (city.city, synthetic)
        assert MIDNIGHT_RATIO_RANGE[0] <= synthetic.midnight_ratio <= MIDNIGHT_RATIO_RANGE[1], (city.city, synthetic)
        # Clouds vary within the day as much as in the TMY file.
        assert abs(synthetic.clearness_within_day_sd - real.clearness_within_day_sd) <= CLEARNESS_SD_TOLERANCE, (
            city.city, synthetic)


@pytest.mark.parametrize("seed", [42, 7, 2024])
def test_clouds_are_correlated_in_space(seed):
    # Neighbouring territories share part of their cloudy days; the cells of a territory are alike, not identical.
    check = spatial(seed)
    close = check.neighbours[check.neighbours.distance_km < NEIGHBOUR_KM]
    assert len(close) >= 2, check.neighbours
    assert close.daily_clearness_correlation.between(*NEIGHBOUR_CORRELATION_RANGE).all(), close
    assert (check.cells.min_cell_correlation >= CELL_CORRELATION_RANGE[0]).all(), check.cells
    assert (check.cells.max_cell_correlation <= CELL_CORRELATION_RANGE[1]).all(), check.cells
    assert check.passed


@pytest.mark.parametrize("seed", [7, 2024, 31337])
def test_causal_targets_hold_on_other_seeds(seed, tmp_path, root):
    """A 1,200-home, 12-month pack per seed, built with the `realism` selector (selectors.yml): every model, the
    realism metrics, causal targets and singular invariants must pass, and each causal target must have been
    measured on enough homes to count (not merely 'insufficient data'). The structural tests the selector leaves
    out (keys, relationships, ranges, unit tests) run on the dev pack here and on every full `solstice build`."""
    raw = tmp_path / "data" / "raw" / "scale"
    generated = solstice(["generate", "--pack", "mvp", "--households", "1200", "--seed", str(seed),
                          "--out", str(raw), "--jobs", "2"], tmp_path, root)
    assert generated.returncode == 0, generated.stderr[-3000:]
    built = solstice(["build", "--pack", "mvp", "--raw", str(raw), "--selector", "realism"], tmp_path, root)
    assert built.returncode == 0, built.stdout[-5000:]
    assert not (tmp_path / "data" / "solstice_mvp.build-passed.json").exists()  # only a complete build is released
    with duckdb.connect(str(tmp_path / "data" / "solstice_mvp.duckdb"), read_only=True) as con:
        verdicts = dict(con.execute(
            "select metric_id, status from validation.validation_results where area = 'Causal'").fetchall())
    assert set(verdicts) == CAUSAL_TARGETS
    assert all(status == "pass" for status in verdicts.values()), verdicts
