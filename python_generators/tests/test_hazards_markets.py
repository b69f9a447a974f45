"""Unit tests of the hazard weather / outage process (hazards.py) and the market price process (markets.py)."""

import numpy as np
import pandas as pd
import pytest

from solstice import hazards, markets

PARAMS = hazards.HazardParameters(
    extreme_temp_z=1.5, heat_min_daily_mean_c=24.0, cold_max_daily_mean_c=5.0,
    temperature_share_of_major_events=0.3, storm_temperature_link=1.0, storm_continuation=0.3,
    major_restoration_median_hours=5.0, major_restoration_sigma=0.9, major_reach_min=0.15, major_reach_max=0.6,
)
MARKET = markets.MarketParameters(noise_persistence=0.97, heat_reference_c=24.0, cold_reference_c=5.0,
                                  scarcity_shape=2.0, reserve_noise_low=0.7)


def test_temperature_extremes_need_both_anomaly_and_absolute_level():
    mean = np.array([30.0, 30.0, 20.0, 0.0, 8.0])
    normal = np.array([25.0, 29.0, 14.0, 8.0, 14.0])
    sd = np.array([2.0, 2.0, 2.0, 4.0, 2.0])
    z, heat, cold = hazards.temperature_extremes(mean, normal, sd, PARAMS)
    assert z.tolist() == [2.5, 0.5, 3.0, -2.0, -3.0]
    # hot and anomalous; hot but normal; anomalous but only 20 C; cold and anomalous; anomalous but 8 C
    assert heat.tolist() == [True, False, False, False, False]
    assert cold.tolist() == [False, False, False, True, False]


def test_expected_extreme_days_follow_the_normal_tails():
    # a climate whose every month sits at 30 C (hot enough) with 2 C spread: heat days are the 1.5-sd tail
    # (6.68 % of 365.25 days = 24.4), cold days need 5 C, 12.5 sd below: none
    days = hazards.expected_extreme_days_per_year(np.full(12, 30.0), np.full(12, 2.0), PARAMS)
    assert days == pytest.approx(365.25 * 0.0668, rel=0.01)
    # a mild climate (15 C, 2 C spread) has neither heat waves nor cold snaps
    assert hazards.expected_extreme_days_per_year(np.full(12, 15.0), np.full(12, 2.0), PARAMS) < 0.01


def _storms(shares, link=np.zeros(12), temp_z=None, per_year=10.0, years=40, seed=1):
    day = np.arange(20089, 20089 + int(365.25 * years))  # from 2025-01-01
    month = pd.to_datetime(day, unit="D").month.to_numpy()
    temp_z = np.zeros(len(day)) if temp_z is None else temp_z(month, day)
    return month, hazards.storm_days(seed, 7, day, month, temp_z, per_year, np.asarray(shares, float), link, PARAMS)


def test_storm_days_follow_the_monthly_climatology_and_the_annual_count():
    shares = np.zeros(12)
    shares[[7, 8, 9]] = [0.25, 0.5, 0.25]  # Aug-Oct only
    month, storm = _storms(shares)
    assert set(month[storm]) <= {8, 9, 10}
    assert storm.sum() / 40 == pytest.approx(10, rel=0.15)
    assert (month[storm] == 9).mean() == pytest.approx(0.5, abs=0.1)


def test_storms_come_in_spells():
    month, storm = _storms(np.full(12, 1 / 12), per_year=20)
    follow = storm[1:][storm[:-1]].mean()  # chance a storm day is followed by another
    base = storm.mean()
    assert follow == pytest.approx(PARAMS.storm_continuation + base, abs=0.08)
    assert follow > 3 * base


def test_winter_storms_lean_to_cold_days_and_keep_their_count():
    link = np.full(12, -1.0)
    rng = np.random.default_rng(0)
    z = rng.standard_normal(int(365.25 * 40))
    month, storm = _storms(np.full(12, 1 / 12), link=link, temp_z=lambda m, d: z, per_year=10)
    assert z[storm].mean() < -0.5  # storm days are colder than usual
    assert storm.sum() / 40 == pytest.approx(10, rel=0.2)
    month, neutral = _storms(np.full(12, 1 / 12), temp_z=lambda m, d: z, per_year=10)
    assert abs(z[neutral].mean()) < 0.3


def test_storm_days_do_not_depend_on_the_pack_window():
    day = np.arange(20089, 20089 + 400)
    month = pd.to_datetime(day, unit="D").month.to_numpy()
    z = np.zeros(len(day))
    whole = hazards.storm_days(3, 9, day, month, z, 30.0, np.full(12, 1 / 12), np.zeros(12),
                               dataclasses_replace(PARAMS, storm_continuation=0.0))
    part = hazards.storm_days(3, 9, day[100:], month[100:], z[100:], 30.0, np.full(12, 1 / 12), np.zeros(12),
                              dataclasses_replace(PARAMS, storm_continuation=0.0))
    assert (whole[100:] == part).all()


def dataclasses_replace(params, **changes):
    import dataclasses
    return dataclasses.replace(params, **changes)


def _territory(med=4.0):
    return pd.Series({"utility_territory": "Test Power", "state": "FL", "feeder_count": 10, "saifi_per_year": 1.0,
                      "caidi_minutes": 100.0, "major_event_days_per_year": med})


def _hourly(days=730, start="2025-01-01"):
    local = pd.date_range(start, periods=24 * days, freq="1h")
    local_day = np.asarray((local.normalize() - pd.Timestamp("1970-01-01")).days)
    return local, local_day, local.month.to_numpy(), local.hour.to_numpy()


def _hazard_days(local_day, month, storm_days=(), heat_days=(), cold_days=()):
    days = np.unique(local_day)
    months = pd.to_datetime(days, unit="D").month.to_numpy()
    flag = lambda chosen: np.isin(days, days[list(chosen)])  # noqa: E731
    return hazards.HazardDays(day=days, month=months, temp_z=np.zeros(len(days)), storm=flag(storm_days),
                              heat=flag(heat_days), cold=flag(cold_days),
                              temperature_event=flag(heat_days) | flag(cold_days))


def test_major_event_outages_fall_on_the_hazard_days_and_peaks():
    local, local_day, month, hour = _hourly(60)
    hz = _hazard_days(local_day, month, storm_days=[10], heat_days=[20], cold_days=[30])
    events = hazards.outage_events(5, _territory(), hz, local_day, hour, np.ones(len(local_day), bool), PARAMS)
    major = events[events["major"]]
    assert len(major) > 0
    start_day = local_day[major["start_hour"].to_numpy()]
    # each event's feeders go down within 4 hours of its start, on the hazard day or just after midnight
    assert set(np.unique(start_day)) <= {hz.day[10], hz.day[10] + 1, hz.day[20], hz.day[30]}
    heat = major[start_day == hz.day[20]]
    cold = major[start_day == hz.day[30]]
    assert len(heat) and hour[heat["start_hour"]].min() >= 14 and hour[heat["start_hour"]].max() < 19 + 4
    assert len(cold) and hour[cold["start_hour"]].min() >= 5 and hour[cold["start_hour"]].max() < 10 + 4
    assert (events.loc[~events["major"], "cause"] == "equipment").all()


def test_routine_outages_keep_the_territory_saifi_without_hazards():
    local, local_day, month, hour = _hourly(3650)
    hz = _hazard_days(local_day, month)
    territory = _territory()
    territory["feeder_count"] = 40
    events = hazards.outage_events(5, territory, hz, local_day, hour, np.ones(len(local_day), bool), PARAMS)
    assert not events["major"].any()
    assert len(events) / 40 / 10 == pytest.approx(1.0, rel=0.1)  # SAIFI 1 per feeder-year
    assert events["minutes"].mean() == pytest.approx(100, rel=0.15)  # CAIDI


def test_daily_hazards_place_the_territory_major_event_days_in_its_season():
    local, local_day, month, hour = _hourly(3653)
    # a climate too steady for heat waves or cold snaps (20 C +- 0.5 C): storms carry all the major events
    normals = pd.DataFrame({"month": range(1, 13), "mean_temp_c": 20.0, "daily_temp_sd_c": 0.5})
    shares = np.zeros(12)
    shares[[7, 8, 9]] = 1 / 3
    climatology = pd.DataFrame({"month": range(1, 13), "storm_share": shares, "temperature_link": 0.0})
    hz = hazards.daily_hazards(11, _territory(med=6.0), normals, climatology, local_day, month,
                               np.full(len(local_day), 20.0), PARAMS)
    # no extreme temperatures in this climate, so every major-event day is a storm day, all of them Aug-Oct
    assert not hz.extreme.any()
    assert set(hz.month[hz.major_event]) <= {8, 9, 10}
    assert hz.major_event.sum() / 10 == pytest.approx(6.0, rel=0.25)


def _region(**changes):
    row = {"market_region": "TEST", "timezone": "UTC", "base_lmp_usd_per_mwh": 40.0, "solar_depression_pct": 0.0,
           "evening_ramp_pct": 0.0, "heat_price_pct_per_c": 4.0, "cold_price_pct_per_c": 5.0,
           "scarcity_heat_probability": 1.0, "scarcity_cold_probability": 1.0, "scarcity_hours_mean": 4.0,
           "spike_max_usd_per_mwh": 5000.0, "price_volatility": 0.0, "carbon_base_kg_per_mwh": 400.0,
           "carbon_solar_dip_pct": 0.0, "spin_share_of_lmp": 0.1, "nonspin_share_of_lmp": 0.05,
           "spin_floor_usd_per_mwh": 3.0, "nonspin_floor_usd_per_mwh": 1.0}
    row.update(changes)
    return pd.Series(row)


def _market(region, temp, heat_days=(), cold_days=(), days=10):
    hours = pd.date_range("2025-01-01", periods=24 * days, freq="1h", tz="UTC")
    day = np.arange(20089, 20089 + days)
    heat, cold = np.isin(np.arange(days), heat_days), np.isin(np.arange(days), cold_days)
    return markets.market_prices(1, hours, region, np.full(len(hours), float(temp)), np.zeros(len(hours)),
                                 day, heat, cold, MARKET)


def test_scarcity_comes_in_hour_long_episodes_on_extreme_days_only():
    calm = _market(_region(scarcity_heat_probability=0.0, scarcity_cold_probability=0.0), 15.0,
                   heat_days=[2], cold_days=[6])["lmp_usd_per_mwh"].to_numpy()
    prices = _market(_region(), 15.0, heat_days=[2], cold_days=[6])
    lifted = prices["lmp_usd_per_mwh"].to_numpy() > calm + 0.01
    local_day = prices["interval_start_at"].dt.day.to_numpy() - 1
    hour = prices["interval_start_at"].dt.hour.to_numpy()
    assert set(np.unique(local_day[lifted])) == {2, 6}
    for d in (2, 6):
        run = np.flatnonzero(lifted & (local_day == d))
        assert 4 <= len(run) <= 6 * 4  # 1-6 hours of 15-minute intervals (4 h mean x 0.5-1.5)
        assert (np.diff(run) == 1).all()  # one unbroken episode
    assert 14 <= hour[lifted & (local_day == 2)].min() < 17  # heat: starts in the afternoon peak
    cold_start = hour[lifted & (local_day == 6)].min()
    assert 6 <= cold_start < 8 or 17 <= cold_start < 19  # cold: morning or evening peak
    assert prices["lmp_usd_per_mwh"].max() <= 5000.0


def test_no_scarcity_where_the_region_has_none():
    prices = _market(_region(scarcity_heat_probability=0.0, scarcity_cold_probability=0.0), 15.0,
                     heat_days=[2], cold_days=[6])
    assert prices["lmp_usd_per_mwh"].max() == pytest.approx(40.0 * 1.25, abs=0.1)  # base x (1 + morning bump)


def test_cold_lifts_prices_where_generation_burns_gas():
    warm = _market(_region(), 5.0)["lmp_usd_per_mwh"].mean()
    cold = _market(_region(), -5.0)["lmp_usd_per_mwh"].mean()
    assert cold / warm == pytest.approx(1.5, rel=0.05)  # 10 C below the reference x 5 % per C


def test_reserve_prices_stay_positive_when_energy_is_free_or_negative():
    prices = _market(_region(base_lmp_usd_per_mwh=-20.0, scarcity_heat_probability=0.0,
                             scarcity_cold_probability=0.0), 15.0)
    assert (prices["lmp_usd_per_mwh"] < 0).all()
    assert prices["spin_reserve_usd_per_mwh"].between(3.0 * 0.7 - 0.01, 3.0 * 1.3 + 0.01).all()
    assert prices["nonspin_reserve_usd_per_mwh"].between(0.7 - 0.01, 1.3 + 0.01).all()
