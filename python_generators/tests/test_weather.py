"""The weather process (solstice/weather.py) on small inputs with hand-checked expectations: the diurnal
temperature curve, the spatial correlation of clouds, the weather cells of homes, and determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from solstice import weather
from solstice.config import resolve_pack
from solstice.world import Clock

# Two days, times in hours on one axis: sunrise 6, sunset 18 on day 0; 6 and 18 + 24 on day 1; a third day closes.
SUNRISE = np.array([6.0, 30.0, 54.0])
SUNSET = np.array([18.0, 42.0, 66.0])
T_MIN = np.array([10.0, 12.0, 8.0])
T_MAX = np.array([20.0, 24.0, 18.0])


def curve(hours, max_lag=1.5, min_lag=0.0, decay=2.2):
    return weather.diurnal_temperature(np.asarray(hours, float), SUNRISE, SUNSET, T_MIN, T_MAX, max_lag, min_lag,
                                       decay)


def test_diurnal_curve_hits_minimum_at_sunrise_and_maximum_after_noon():
    # Day 0: minimum at sunrise (6 h); the sine spans day length 12 + 2 x 1.5 = 15 h, so it peaks 7.5 h later.
    assert curve([6.0])[0] == pytest.approx(10.0)
    assert curve([13.5])[0] == pytest.approx(20.0)
    assert curve([30.0])[0] == pytest.approx(12.0)  # next morning: day 1's minimum
    assert curve([37.5])[0] == pytest.approx(24.0)
    # At sunset (12 h after the minimum): 10 + 10 sin(pi 12 / 15).
    assert curve([18.0])[0] == pytest.approx(10 + 10 * np.sin(np.pi * 12 / 15))


def test_diurnal_curve_is_continuous_and_cools_slowly_at_night():
    hours = np.arange(6.0, 54.0, 0.01)
    temp = curve(hours)
    assert np.abs(np.diff(temp)).max() < 0.05  # no step anywhere, sunset and the next minimum included
    hourly = curve(np.arange(6.5, 54.0, 1.0))
    change = np.abs(np.diff(hourly))
    night = change[(np.arange(7.0, 54.0, 1.0) % 24 >= 20) | (np.arange(7.0, 54.0, 1.0) % 24 < 5)]
    morning = change[(np.arange(7.0, 54.0, 1.0) % 24 >= 7) & (np.arange(7.0, 54.0, 1.0) % 24 < 11)]
    assert night.mean() < 0.5 * morning.mean()  # nights cool slowly, mornings warm fast (a cosine gives 1:1)
    # Night cooling: monotone from sunset to the next minimum.
    assert np.all(np.diff(curve(np.arange(18.0, 30.0, 0.5))) <= 1e-12)


def test_diurnal_curve_refuses_hours_outside_its_days():
    with pytest.raises(ValueError):
        curve([5.0])
    with pytest.raises(ValueError):
        curve([60.0])


def test_sun_times_give_equinox_and_solstice_day_lengths():
    equinox = (pd.Timestamp("2025-03-20") - pd.Timestamp("1970-01-01")).days
    solstice = (pd.Timestamp("2025-06-21") - pd.Timestamp("1970-01-01")).days
    rise, sets = weather.sun_times(np.array([equinox, solstice]), 40.0, -75.0)
    assert sets[0] - rise[0] == pytest.approx(12.0, abs=0.15)
    assert sets[1] - rise[1] == pytest.approx(14.9, abs=0.2)  # geometric day length at 40 N (no refraction)
    # Solar noon at 75 W is 17:00 UTC give or take the equation of time (< 17 minutes).
    noon = (rise + sets) / 2 - np.array([equinox, solstice]) * 24
    assert np.all(np.abs(noon - 17.0) < 17 / 60)


def test_correlated_normals_follow_the_exponential_decay_with_distance():
    distance = np.array([[0.0, 100.0, 1000.0], [100.0, 0.0, 900.0], [1000.0, 900.0, 0.0]])
    draws = weather.correlated_normals(42, [1, 2, 3], "test.field", 40_000, distance, 250.0)
    corr = np.corrcoef(draws)
    assert corr[0, 1] == pytest.approx(np.exp(-100 / 250), abs=0.02)
    assert corr[0, 2] == pytest.approx(np.exp(-1000 / 250), abs=0.02)
    assert draws.std(axis=1) == pytest.approx(np.ones(3), abs=0.02)
    again = weather.correlated_normals(42, [1, 2, 3], "test.field", 40_000, distance, 250.0)
    assert np.array_equal(draws, again)


def test_ar1_keeps_unit_variance_persistence_and_cross_correlation():
    rng = np.random.default_rng(0)
    common = rng.standard_normal(100_000)
    noise = np.stack([common, 0.6 * common + 0.8 * rng.standard_normal(100_000)])  # correlation 0.6
    series = weather._ar1(noise, 0.7)
    assert series.std(axis=1) == pytest.approx([1.0, 1.0], abs=0.02)
    assert np.corrcoef(series[0, :-1], series[0, 1:])[0, 1] == pytest.approx(0.7, abs=0.01)
    assert np.corrcoef(series)[0, 1] == pytest.approx(0.6, abs=0.01)


def test_households_take_the_cell_of_their_quadrant():
    lat = np.array([33.9, 33.9, 34.2, 34.2, 34.05])
    lon = np.array([-118.3, -118.1, -118.3, -118.1, -118.24])
    assert weather.household_cells(lat, lon, 34.05, -118.24, 4).tolist() == [0, 1, 2, 3, 3]
    assert weather.household_cells(lat, lon, 34.05, -118.24, 2).tolist() == [0, 1, 0, 1, 1]
    assert weather.cell_offsets(4).tolist() == [[-0.125, -0.125], [-0.125, 0.125], [0.125, -0.125], [0.125, 0.125]]


def test_distance_between_los_angeles_and_san_diego():
    d = weather.distance_km(np.array([34.05, 32.72]), np.array([-118.24, -117.16]))
    assert d[0, 1] == pytest.approx(179, abs=2)  # great-circle distance of the two city halls
    assert d[0, 0] == 0


@pytest.fixture(scope="module")
def two_months(root, reference):
    config = resolve_pack(root, "dev")
    clock = Clock.for_pack(config, reference.territories.timezone.unique())
    return config, clock


def test_a_territory_has_the_same_weather_alone_or_with_all_others(two_months, reference):
    config, clock = two_months
    everyone = weather.build_territories(config, clock, reference.territories, reference)
    row = reference.territories[reference.territories.utility_territory == "Harbor Bay Electric"].iloc[0]
    alone = weather.build_territory(config, clock, row, reference)
    whole = everyone["Harbor Bay Electric"]
    for attr in ("ghi", "dni", "dhi", "temp_air", "cell_ghi", "cell_dni", "cell_dhi"):
        assert np.array_equal(getattr(alone, attr), getattr(whole, attr)), attr


def test_cells_see_alike_but_not_identical_clouds(two_months, reference):
    config, clock = two_months
    world = weather.build_territories(config, clock, reference.territories, reference)["Sunset Coast Energy"]
    assert world.cell_ghi.shape == (4, len(clock.times))
    day = world.local_day
    daily = np.stack([pd.Series(g).groupby(day).sum().to_numpy() for g in np.vstack([world.ghi, world.cell_ghi])])
    corr = np.corrcoef(daily)[np.triu_indices(5, 1)]
    assert corr.max() < 0.999  # not identical
    assert corr.min() > 0.3  # 12-18 km apart, the same weather systems
    # Each cell keeps the territory's climate: two-month irradiation within 10 % of the station's.
    assert np.all(np.abs(world.cell_ghi.sum(axis=1) / world.ghi.sum() - 1) < 0.10)
    # Temperature is continuous hour to hour (no midnight step) and within the normals' range.
    assert np.abs(np.diff(world.temp_air)).max() < 5.0
