"""Unit tests of the customer acquisition process (python_generators/solstice/customers.py): small hand-made inputs,
expectations worked out by hand."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from solstice import customers

PARAMS = customers.AdoptionParameters(
    bass_p=0.002, bass_q=0.3, payback_reference_years=10.0, payback_elasticity=1.0, speed_min=0.25, speed_max=4.0,
    market_start_day=13149, installed_cost_usd_per_w=3.0, federal_credit_share=0.3, self_consumed_share=0.5,
)


def channels(**overrides):
    table = pd.DataFrame({
        "channel": ["digital", "referral", "field_sales"],
        "campaign_type": ["paid_search", "referral_program", "door_to_door"],
        "touches_mean": [3.0, 2.0, 2.0],
        "same_origin_share": [0.5, 0.5, 0.5],
        "first_touch_weight": [0.5, 0.5, 0.0],
        "cost_per_touch_usd": [100.0, 50.0, 200.0],
        "conversion_fee_usd": [0.0, 750.0, 0.0],
        "commission_usd_per_w": [0.3, 0.2, 0.6],
        "cost_sigma": [0.0, 0.0, 0.0],
    })
    for column, value in overrides.items():
        table[column] = value
    return table


def draws(n, width, seed=1):
    rng = np.random.default_rng(seed)
    out = {name: rng.uniform(0.001, 0.999, n) for name in ("count", "origin", "origin_pick", "gap")}
    out.update({name: rng.uniform(0.001, 0.999, (n, width)) for name in ("mid", "mid_pick", "hour")})
    return out


# ------------------------------------------------------------------------------------------------ adoption
def test_bass_curve_matches_the_closed_form_and_inverts():
    # p = 0.03, q = 0.38, t = 1 year: e = exp(-0.41) = 0.663650; F = (1 - e) / (1 + 12.6667 e) = 0.035759
    assert customers.bass_cdf(1.0, 0.03, 0.38) == pytest.approx(0.035759, abs=1e-6)
    assert customers.bass_cdf(0.0, 0.03, 0.38) == 0.0
    t = np.array([0.5, 3.0, 12.0])
    assert customers.bass_inverse(customers.bass_cdf(t, 0.002, 0.3), 0.002, 0.3) == pytest.approx(t)


def test_payback_follows_savings_and_incentives():
    # One flat plan at 0.20 USD/kWh, net metering: a PV kWh is worth 0.20; 1,000 kWh/kW -> 200 USD/kW-year.
    # Net cost 3.0 x 0.7 = 2.1 USD/W = 2,100 USD/kW; with a 0.1 USD/W incentive 2,000 -> payback 10 years (speed 1).
    # B: same, no incentive, net billing at 0.05 for exports: 0.5 x 0.20 + 0.5 x 0.05 = 0.125 -> 125 USD/kW-year,
    # payback 2,100 / 125 = 16.8 years, speed 10 / 16.8.
    territories = pd.DataFrame({"utility_territory": ["A", "B"], "state": ["AA", "BB"],
                                "pvwatts_kwh_per_kw": [1000.0, 1000.0]})
    tariffs = pd.DataFrame({
        "utility_territory": ["A", "B"], "summer_peak_rate": [0.2, 0.2], "winter_peak_rate": [0.2, 0.2],
        "offpeak_rate": [0.2, 0.2], "plan_share": [1.0, 1.0], "export_regime": ["net_metering", "net_billing"],
        "net_billing_export_rate": [0.0, 0.05],
    })
    incentives = pd.DataFrame({"state": ["AA"], "incentive_usd_per_w": [0.1]})
    out = customers.territory_adoption(territories, tariffs, incentives, PARAMS)
    assert out["payback_years"].tolist() == pytest.approx([10.0, 16.8])
    assert out["bass_p"].tolist() == pytest.approx([0.002, 0.002 * 10 / 16.8])
    assert out["bass_q"].tolist() == pytest.approx([0.3, 0.3 * 10 / 16.8])


def test_faster_adoption_signs_earlier_within_the_window():
    u = (np.arange(2000) + 0.5) / 2000
    first, last = 18000, 20100  # 2019-04 .. 2025-01
    slow = customers.adoption_days(np.full(2000, 0.001), np.full(2000, 0.15), u, first, last, 13149)
    fast = customers.adoption_days(np.full(2000, 0.004), np.full(2000, 0.6), u, first, last, 13149)
    for days in (slow, fast):
        assert days.min() >= first and days.max() < last
        assert np.all(np.diff(days) >= 0)  # inverse CDF: monotone in u
    # The slow territory's adoption is still accelerating (more signatures late); the fast one is past its peak.
    assert np.median(fast) < (first + last) / 2 < np.median(slow)


# ------------------------------------------------------------------------------------------------ journeys
def test_conversion_days_are_at_least_one_and_spread_around_the_median():
    z = np.array([-10.0, -1.0, 0.0, 1.0, 10.0])
    days = customers.conversion_days(np.full(5, 20.0), np.full(5, 0.7), z)
    assert days.tolist() == [1, 10, 20, 40, 365]  # 20 e^{-0.7} = 9.93, 20 e^{0.7} = 40.3, capped at a year


def test_geometric_count_has_the_asked_mean():
    u = (np.arange(100000) + 0.5) / 100000
    assert customers.geometric(u, 2.0).mean() == pytest.approx(2.0, rel=0.02)
    assert customers.geometric(u, 0.0).max() == 0


def test_journeys_start_elsewhere_when_the_origin_is_another_channel():
    n, width = 400, 10
    ch = channels(same_origin_share=0.0)
    converting = np.repeat([0, 1, 2], [134, 133, 133])
    signed = np.full(n, 20000)
    conversion = np.full(n, 30)
    j = customers.plan_journeys(ch, converting, signed, conversion, draws(n, width), width, 2.0)
    names = ch["channel"].to_numpy()
    assert np.all(names[j.first_campaign] != names[converting])
    assert np.all(j.count >= 2)
    # field_sales has no weight as an origin: leads converting elsewhere never start at the door
    assert not np.any(j.first_campaign == 2)
    rows = np.arange(n)
    assert np.all(j.campaign[rows, j.count - 1] == converting)
    assert np.all(j.day[:, 0] == signed - conversion)
    assert np.all(np.diff(j.day, axis=1) >= 0) and np.all(np.diff(j.hour, axis=1) > 0)
    assert np.all(j.day[rows, j.count - 1] <= signed)


def test_single_touch_journeys_open_and_convert_with_the_same_touch():
    n, width = 50, 10
    ch = channels(same_origin_share=1.0, touches_mean=1.0)
    converting = np.full(n, 1)
    signed = np.full(n, 20000)
    conversion = np.arange(1, n + 1)
    j = customers.plan_journeys(ch, converting, signed, conversion, draws(n, width), width, 2.0)
    assert np.all(j.count == 1)
    assert np.all(j.campaign[:, 0] == 1)
    assert np.all(j.day[:, 0] == signed - conversion)  # the lead-to-sign time is measured from it


def test_costs_add_commission_per_watt_on_the_converting_touch():
    ch = channels()
    journeys = customers.Journeys(
        count=np.array([2, 1]),
        campaign=np.array([[0, 2, 2], [1, 1, 1]]),
        day=np.zeros((2, 3), dtype=np.int64),
        hour=np.tile([9.0, 10.0, 11.0], (2, 1)),
    )
    cost = customers.touch_costs(ch, journeys, np.array([8.0, 5.0]), np.zeros((2, 3)), np.zeros(2))
    # home 1: a paid-search touch (100) then a door-to-door close: 200 + 0.6 USD/W x 8,000 W = 5,000
    assert cost[0, :2].tolist() == [100.0, 5000.0]
    # home 2: one referral touch: 50 + 750 bonus + 0.2 x 5,000 W = 1,800
    assert cost[1, 0] == 1800.0


def test_touches_happen_in_local_business_hours():
    day = (dt.date(2025, 7, 1) - dt.date(1970, 1, 1)).days
    journeys = customers.Journeys(count=np.array([1, 1]), campaign=np.zeros((2, 1), dtype=np.int64),
                                  day=np.array([[day], [day]]), hour=np.array([[9.0], [9.0]]))
    at = customers.touch_timestamps(journeys, np.array(["America/Los_Angeles", "Pacific/Honolulu"]))
    assert at[0, 0] == np.datetime64("2025-07-01T16:00")  # 9:00 PDT
    assert at[1, 0] == np.datetime64("2025-07-01T19:00")  # 9:00 HST
