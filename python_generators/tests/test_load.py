"""Unit tests of the end-use load model (solstice/load.py) on small, hand-built homes and weather."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from solstice import load
from solstice.reference import load_reference

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ref():
    return load_reference(ROOT)


def _homes(n, **over):
    base = dict(
        keys=np.arange(1, n + 1), state=np.array(["AZ"] * n), home_type=np.array(["single_family"] * n),
        floor_area=np.full(n, 2000.0), year_built=np.full(n, 1990), occupants=np.full(n, 3),
        has_ac=np.ones(n, bool), heat_pump=np.zeros(n, bool), full_electric=np.zeros(n, bool),
        ev_owner=np.zeros(n, bool), design_cool_c=np.full(n, 44.0), design_heat_c=np.full(n, 0.0),
        peak_start=np.full(n, 16), peak_end=np.full(n, 21), time_based=np.ones(n, bool),
        price_cents_per_kwh=np.full(n, 16.0))
    base.update(over)
    return load.Homes(**base)


def _weather(n, days, temp_c, ghi=0.0):
    hours = days * 24
    hour = np.tile(np.arange(24), days)[:, None].repeat(n, axis=1)
    day = (20000 + np.arange(hours) // 24)[:, None].repeat(n, axis=1)
    temp = np.broadcast_to(np.asarray(temp_c, float), (hours, n)).copy()
    g = np.broadcast_to(np.asarray(ghi, float), (hours, n)).copy()
    return load.Weather(temp_c=temp, ghi_w_m2=g, ghi_lagged_w_m2=g, local_hour=hour,
                        weekday=((day + 3) % 7) < 5, local_day=day, local_month=np.full((hours, n), 7))


def _run(ref, homes, weather, seed=7):
    return load.simulate(homes, weather, ref.end_use_shares.set_index("state"), ref.parameter, seed)


def test_end_uses_are_non_negative_and_critical_within_other(ref):
    n = 40
    out = _run(ref, _homes(n, ev_owner=np.ones(n, bool)), _weather(n, 14, 30.0, 300.0))
    for name in load.END_USES:
        assert out[name].shape == (14 * 24, n)
        assert (out[name] >= 0).all(), name
    assert (out["critical"] <= out["other"] + 1e-12).all()


def test_no_cooling_without_ac(ref):
    n = 20
    without = _run(ref, _homes(n, has_ac=np.zeros(n, bool)), _weather(n, 3, 40.0))
    with_ac = _run(ref, _homes(n), _weather(n, 3, 40.0))
    assert without["hvac"].sum() == 0
    assert (with_ac["hvac"].sum(axis=0) > 0).all()


def test_cooling_is_capped_by_equipment_capacity(ref):
    # At 85 C every home's demand exceeds its equipment: the draw stops growing with temperature.
    n = 20
    very_hot = _run(ref, _homes(n), _weather(n, 2, 85.0))["hvac"]
    hotter = _run(ref, _homes(n), _weather(n, 2, 95.0))["hvac"]
    p = ref.parameter
    # capacity fixed, efficiency clipped at its floor: identical draw at 60 and 70 C
    assert np.allclose(very_hot, hotter)
    # ... and well below the uncapped demand (UA x dT / COP) for a 2,000 sq ft home
    ua = (p("load_ua_w_per_k_sqft_1950") + 40 * p("load_ua_w_per_k_sqft_per_year")) * 2000 / 1000
    assert very_hot.mean() < ua * (85 - 24.5) / 2.0


def test_older_and_larger_homes_use_more_for_cooling(ref):
    n = 60
    weather = _weather(n, 7, 36.0, 400.0)
    old = _run(ref, _homes(n, year_built=np.full(n, 1955)), weather)["hvac"].sum()
    new = _run(ref, _homes(n, year_built=np.full(n, 2020)), weather)["hvac"].sum()
    big = _run(ref, _homes(n, floor_area=np.full(n, 3500.0)), weather)["hvac"].sum()
    small = _run(ref, _homes(n, floor_area=np.full(n, 1200.0)), weather)["hvac"].sum()
    assert old > 1.3 * new
    assert big > 1.8 * small


def test_heating_fuel_sets_winter_electricity(ref):
    # Colorado: few homes heat with electricity; programme heat pumps use far more electricity than gas
    # furnaces' blowers but less than the heat they deliver.
    n = 200
    weather = _weather(n, 7, -5.0)
    gas_state = _homes(n, state=np.array(["CO"] * n))
    hp = _homes(n, state=np.array(["CO"] * n), heat_pump=np.ones(n, bool))
    base_kw = _run(ref, gas_state, weather)["hvac"].mean()
    hp_kw = _run(ref, hp, weather)["hvac"].mean()
    assert hp_kw > 1.5 * base_kw
    p = ref.parameter
    ua = (p("load_ua_w_per_k_sqft_1950") + 40 * p("load_ua_w_per_k_sqft_per_year")) * 2000 / 1000
    assert hp_kw < ua * (p("load_heating_setpoint_c") + 5)  # COP above 1 on average


def test_dearer_electricity_lowers_only_plug_loads_and_lighting(ref):
    # other = fixed uses + f x (plug + lighting), f = (price / reference) ** elasticity. Doubling the price
    # twice multiplies f by 2 ** elasticity each time, so the two drops in other differ by that factor;
    # heating, cooling and hot water do not answer the price.
    n = 30
    weather = _weather(n, 7, 30.0, 300.0)
    runs = [_run(ref, _homes(n, price_cents_per_kwh=np.full(n, price)), weather) for price in (16.0, 32.0, 64.0)]
    other = [run["other"].sum() for run in runs]
    assert other[0] > other[1] > other[2]
    assert (other[0] - other[1]) / (other[1] - other[2]) == pytest.approx(2 ** -ref.parameter("load_price_elasticity"))
    for name in ("hvac", "water_heating", "ev"):
        assert np.array_equal(runs[0][name], runs[2][name]), name

def test_appliance_events_reach_realistic_peaks(ref):
    # Homes without AC or EV still peak at several kW over a month: dryers, ovens, water heaters.
    n = 50
    homes = _homes(n, has_ac=np.zeros(n, bool), state=np.array(["FL"] * n))
    out = _run(ref, homes, _weather(n, 30, 22.0, 200.0))
    total = sum(out[k] for k in load.END_USES)
    assert np.median(total.max(axis=0)) >= 4.0
    assert out["water_heating"].max() >= ref.parameter("load_resistance_wh_kw") * ref.parameter("load_wh_burst_hours")


def test_ev_energy_follows_miles_and_scheduled_charging_avoids_the_peak(ref):
    n = 400
    days = 60
    p = ref.parameter
    homes = _homes(n, ev_owner=np.ones(n, bool))
    ev = load.ev_charging(homes, _weather(n, days, 20.0), p, 11)
    annual = ev.sum() / n / days * 365
    expected = p("ev_daily_miles_median") * np.exp(p("ev_daily_miles_sd") ** 2 / 2) * 365 * 0.94 \
        * p("ev_kwh_per_mile") * p("ev_home_charging_share")
    assert 0.7 * expected < annual < 1.15 * expected
    hour = np.tile(np.arange(24), days)
    in_peak = (hour >= 16) & (hour < 21)
    share_in_peak = ev[in_peak].sum() / ev.sum()
    assert share_in_peak < 0.4
    # everyone charging on arrival would put most of it in the 16-21 h peak
    arrival_only = dict(p=p)
    fake = {**{k: v for k, v in ref.parameters.set_index("parameter")["value"].items()},
            "ev_share_arrival": 1.0, "ev_share_scheduled": 0.0, "ev_share_solar": 0.0}
    ev_arrival = load.ev_charging(homes, _weather(n, days, 20.0), lambda k: float(fake[k]), 11)
    assert ev_arrival[in_peak].sum() / ev_arrival.sum() > 0.5
    assert arrival_only  # (parameters swapped through the explicit `p` input)


def test_deterministic_per_home_whatever_the_batch(ref):
    n = 30
    homes = _homes(n, ev_owner=np.ones(n, bool))
    weather = _weather(n, 5, 33.0, 500.0)
    whole = _run(ref, homes, weather)
    sub = np.arange(10, 20)
    part_homes = load.Homes(**{f: getattr(homes, f)[sub] for f in homes.__dataclass_fields__})
    part_weather = load.Weather(**{f: getattr(weather, f)[:, sub] for f in weather.__dataclass_fields__})
    part = _run(ref, part_homes, part_weather)
    for name in (*load.END_USES, "critical"):
        np.testing.assert_array_equal(whole[name][:, sub], part[name])


def test_recs_seed_covers_every_state(ref):
    shares = ref.end_use_shares
    assert set(ref.territories["state"]) <= set(shares["state"])
    cols = [c for c in shares.columns if c.endswith("_share") or c.endswith("_single_family")]
    assert ((shares[cols] >= 0) & (shares[cols] <= 1)).all().all()
    assert isinstance(shares, pd.DataFrame)
