"""The battery controller on tiny hand-made homes and days: the tariff calendar billing uses (weekday rule, season),
peak shifting, net-billing self-consumption, demand-charge shaving, programme pre-charging, reserve and backup."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from solstice.controller import run_battery, tariff_calendar

# Hand-made plans with the seed's columns: a weekday-only TOU plan under net metering (like Colorado's), an
# every-day TOU plan under net billing (like Hawaii's), a weekday-only demand plan (like APS Saver Choice Max) and a
# flat plan.
PLANS = pd.DataFrame([
    # tariff_id, peak 16-19 / 17-21, weekdays only, rates, export, regime, demand summer/winter, summer months
    ("WKD", 16, 19, "true", 0.30, 0.20, 0.10, 0.10, "net_metering", 0.0, 0.0, 6, 9),
    ("DAILY", 17, 21, "false", 0.50, 0.50, 0.40, 0.10, "net_billing", 0.0, 0.0, 1, 12),
    ("DEM", 16, 19, "true", 0.09, 0.08, 0.05, 0.065, "net_billing", 17.0, 12.0, 5, 10),
    ("FLAT", 16, 21, "false", 0.20, 0.20, 0.20, 0.05, "net_billing", 0.0, 0.0, 6, 9),
], columns=["tariff_id", "peak_start_hour", "peak_end_hour", "peak_weekdays_only", "summer_peak_rate",
            "winter_peak_rate", "offpeak_rate", "net_billing_export_rate", "export_regime",
            "demand_charge_summer_usd_per_kw", "demand_charge_winter_usd_per_kw", "summer_start_month",
            "summer_end_month"])

SATURDAY, MONDAY = 5, 0


def _day(weekday: int, month: int = 7, homes: int = 1):
    """One local day (24 hours) for `homes` homes: local hour, weekday, month arrays (24, homes)."""
    hour = np.repeat(np.arange(24)[:, None], homes, axis=1)
    return hour, np.full_like(hour, weekday), np.full_like(hour, month)


def _run(plan: str, load: np.ndarray, weekday: int = MONDAY, month: int = 7, pv=None, soc_kwh: float = 5.0,
         cap_kwh: float | None = None, power_kw: float = 5.0, reserve_pct: float = 0.0, vpp_kw=None, vpp_hold=None,
         vpp_precharge=None, storm_prep=None, grid_down=None, critical=None):
    """Runs one home through one day with a lossless battery that starts at soc_kwh (the controller starts at half
    its capacity, so capacity = 2 x soc_kwh unless given)."""
    hours = len(load)
    hour, wday, mon = (a[:hours] for a in _day(weekday, month))
    cal = tariff_calendar(PLANS, np.array([plan]), hour, wday, mon)
    z = lambda: np.zeros((hours, 1))  # noqa: E731
    b = lambda v: np.zeros((hours, 1), bool) if v is None else np.asarray(v, bool).reshape(hours, 1)  # noqa: E731
    load = np.asarray(load, float).reshape(hours, 1)
    return run_battery(
        pv=z() if pv is None else np.asarray(pv, float).reshape(hours, 1), load=load,
        critical=load if critical is None else np.asarray(critical, float).reshape(hours, 1),
        grid_down=b(grid_down), cal=cal, local_hour=hour, local_month=mon,
        vpp_kw=z() if vpp_kw is None else np.asarray(vpp_kw, float).reshape(hours, 1),
        vpp_hold=b(vpp_hold), vpp_precharge=b(vpp_precharge), storm_prep=b(storm_prep), battery_off=b(None),
        has_battery=np.array([True]), capacity_kwh=np.array([2 * soc_kwh if cap_kwh is None else cap_kwh]),
        power_kw=np.array([power_kw]), round_trip_efficiency=np.array([1.0]), reserve_pct=np.array([reserve_pct]),
    )


def test_calendar_follows_the_weekday_rule_and_the_season():
    hour, wday, mon = _day(SATURDAY, month=1, homes=2)
    cal = tariff_calendar(PLANS, np.array(["WKD", "DAILY"]), hour, wday, mon)
    assert not cal.on_peak[:, 0].any()  # Saturday: no billed peak on a weekdays-only plan
    assert cal.on_peak[:, 1].sum() == 4 and cal.on_peak[17:21, 1].all()  # every day 17-21 h
    assert not cal.summer[:, 0].any() and cal.peak_rate[17, 0] == pytest.approx(0.20)  # January: winter rate
    hour, wday, mon = _day(MONDAY, month=7)
    cal = tariff_calendar(PLANS, np.array(["WKD"]), hour, wday, mon)
    assert np.flatnonzero(cal.on_peak[:, 0]).tolist() == [16, 17, 18]
    assert cal.summer.all() and cal.peak_rate[16, 0] == pytest.approx(0.30)


def test_weekday_only_plan_keeps_its_charge_on_weekends():
    load = np.full(24, 1.0)
    saturday = _run("WKD", load, weekday=SATURDAY)
    assert saturday["discharge"].sum() == 0  # no billed peak, and net metering: off-peak discharge has no value
    monday = _run("WKD", load, weekday=MONDAY)
    assert np.flatnonzero(monday["discharge"][:, 0]).tolist() == [16, 17, 18]
    assert monday["discharge"][16:19, 0] == pytest.approx([1.0, 1.0, 1.0])


def test_net_billing_self_consumes_off_peak_but_keeps_the_charge_for_the_peak():
    load = np.full(24, 1.0)
    pv = np.zeros(24)
    pv[9:13] = 3.0  # the midday surplus refills the battery (2 kWh an hour)
    out = _run("DAILY", load, pv=pv, soc_kwh=5.0)
    dis = out["discharge"][:, 0]
    assert dis[:5] == pytest.approx([1.0] * 5) and dis[5:9].sum() == 0  # the night's load, until empty
    assert out["charge"][9:13, 0] == pytest.approx([2.0] * 4)
    assert dis[13:17].sum() == 0  # the last 4 hours before the 17-21 h peak: held
    assert dis[17:21] == pytest.approx([1.0] * 4)  # the billed peak
    assert dis[21:] == pytest.approx([1.0] * 3)  # then the evening


def test_flat_plan_self_consumes_at_any_hour():
    out = _run("FLAT", np.full(24, 0.1))
    assert out["discharge"][:, 0] == pytest.approx(np.full(24, 0.1))
    assert out["grid_import"].sum() == pytest.approx(0.0)


def test_demand_plan_spreads_the_battery_to_cap_the_peak_import():
    load = np.zeros(24)
    load[16:19] = 4.0  # 12 kWh of on-peak load, 6 kWh in the battery
    out = _run("DEM", load, soc_kwh=6.0, cap_kwh=12.0)
    imp = out["grid_import"][16:19, 0]
    assert imp == pytest.approx([2.0, 2.0, 2.0])  # flat: the month's billed demand is 2 kW, not 4
    assert out["discharge"][16:19, 0].sum() == pytest.approx(6.0)


def test_demand_plan_does_not_spend_below_the_months_peak_already_billed():
    load = np.zeros(48)
    load[16:19] = 4.0
    load[24 + 16:24 + 19] = 1.0  # the next day's peak load is below the 2 kW already set this month
    hours = len(load)
    hour = np.tile(np.arange(24), 2)[:, None]
    wday = np.repeat([MONDAY, MONDAY + 1], 24)[:, None]
    mon = np.full((hours, 1), 7)
    cal = tariff_calendar(PLANS, np.array(["DEM"]), hour, wday, mon)
    z, f = np.zeros((hours, 1)), np.zeros((hours, 1), bool)
    out = run_battery(z, load[:, None], load[:, None], f, cal, hour, mon, z, f, f, f, f, np.array([True]),
                      np.array([20.0]), np.array([5.0]), np.array([1.0]), np.array([0.0]))
    assert out["grid_import"][16:19, 0] == pytest.approx([4.0 - 10 / 3] * 3)
    assert out["discharge"][24 + 16:24 + 19, 0].sum() == pytest.approx(0.0)  # 1 kW stays under the billed peak


def test_precharge_never_imports_on_peak():
    load = np.full(24, 1.0)
    event = np.zeros(24)
    event[18:20] = 5.0  # an 18:00 call in the middle of the 17-21 h peak
    pre = np.zeros(24, bool)
    pre[15:18] = True
    hold = np.zeros(24, bool)
    hold[12:18] = True
    out = _run("DAILY", load, soc_kwh=10.0, power_kw=2.0, vpp_kw=event, vpp_hold=hold, vpp_precharge=pre)
    charge, imp = out["charge"][:, 0], out["grid_import"][:, 0]
    assert charge[15] == pytest.approx(2.0) and imp[15] == pytest.approx(3.0)  # off-peak: grid top-up
    assert charge[16] == pytest.approx(2.0) and imp[16] == pytest.approx(3.0)
    assert out["soc"][17, 0] == pytest.approx(20.0)  # room left (the morning used the rest), yet ...
    assert charge[17] == 0 and imp[17] == pytest.approx(1.0)  # ... on-peak: the home's own load only
    assert out["discharge"][18, 0] == pytest.approx(2.0)  # then the call, at the battery's power


def test_precharge_takes_solar_on_peak():
    load = np.full(24, 1.0)
    pv = np.zeros(24)
    pv[17] = 3.0
    pre = np.zeros(24, bool)
    pre[17] = True
    out = _run("DAILY", load, pv=pv, soc_kwh=2.0, cap_kwh=10.0, vpp_precharge=pre, vpp_hold=pre)
    assert out["charge"][17, 0] == pytest.approx(2.0) and out["grid_import"][17, 0] == 0


def test_storm_preparation_tops_up_from_the_grid_at_any_hour():
    storm = np.zeros(24, bool)
    storm[17] = True
    out = _run("DAILY", np.full(24, 1.0), soc_kwh=5.0, storm_prep=storm)
    assert out["charge"][17, 0] == pytest.approx(5.0) and out["grid_import"][17, 0] == pytest.approx(6.0)


def test_reserve_holds_on_grid_and_backup_uses_it_in_an_outage():
    load = np.full(24, 1.0)
    out = _run("FLAT", load, soc_kwh=5.0, reserve_pct=30.0)  # 3 kWh reserve: 2 kWh to use
    assert out["discharge"].sum() == pytest.approx(2.0)
    down = np.zeros(24, bool)
    down[10:] = True
    out = _run("FLAT", load, soc_kwh=5.0, reserve_pct=30.0, grid_down=down, critical=np.full(24, 0.5))
    assert out["discharge"][10:, 0].sum() == pytest.approx(3.0)  # the reserve backs up critical load to empty
    assert out["grid_import"][10:].sum() == 0


def test_capacity_may_change_hour_by_hour():
    hour, wday, mon = _day(MONDAY)
    cal = tariff_calendar(PLANS, np.array(["FLAT"]), hour, wday, mon)
    z, f = np.zeros((24, 1)), np.zeros((24, 1), bool)
    cap = np.full((24, 1), 10.0)
    cap[12:] = 4.0  # e.g. a faded battery: state of charge is capped by what is left
    out = run_battery(z, z, z, f, cal, hour, mon, z, f, f, f, f, np.array([True]), cap, np.array([5.0]),
                      np.array([1.0]), np.array([0.0]))
    assert out["soc"][11, 0] == pytest.approx(50.0) and out["soc"][12, 0] == pytest.approx(100.0)


def test_the_compiled_loop_keeps_numpys_elementwise_rules():
    """The hour loop is compiled (controller._step_hours) and must give the bits numpy's array arithmetic gave:
    np.minimum / np.maximum return the second operand on a tie (0.0 and -0.0 are written differently to Parquet)
    and propagate NaN from either side; np.clip keeps x on its bounds. Python's min/max do neither."""
    from solstice.controller import _clip, _max, _min

    values = [-1.0, -0.0, 0.0, 2.5, np.nan]
    for a in values:
        for b in values:
            for mine, theirs in ((_min(a, b), np.minimum(a, b)), (_max(a, b), np.maximum(a, b))):
                assert np.array_equal(np.array([mine]), np.array([theirs]), equal_nan=True)
                assert np.signbit(mine) == np.signbit(theirs)
        for lo, hi in ((0.0, 5.0), (-0.0, 0.0), (0.0, 2.5)):
            assert np.signbit(_clip(a, lo, hi)) == np.signbit(np.clip(np.array([a]), lo, hi)[0]) or np.isnan(a)
            assert np.array_equal(np.array([_clip(a, lo, hi)]), np.clip(np.array([a]), lo, hi), equal_nan=True)
