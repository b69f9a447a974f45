"""The battery controller: what each home's battery does, hour by hour, given the tariff its bill uses.

Two pieces with explicit inputs and outputs:

* `tariff_calendar` reads the tariff seed (`utility_tariff_plans`) once and says, for every home-hour, whether the
  hour is billed on-peak (the plan's window, on weekdays only where the plan says so - the rule billing applies in
  `int_telemetry_hours_priced`), which season's rates apply, and what the home's export regime and demand charge are.
* `run_battery` steps the battery through the hours (state of charge carries over) from PV, load, critical load,
  outages, programme calls and that calendar, and returns the hourly flows.

Operating modes (manufacturer time-based control, e.g. Tesla Powerwall "Time-Based Control", Enphase IQ "Savings
mode", and self-consumption "Self-Powered" / "Self-Consumption" modes):

* plans with one import price all day (flat, or export-sensitive at one rate): self-consumption - the battery stores
  solar surplus and covers the home's load whenever the load exceeds PV;
* plans with a dearer on-peak price (TOU, demand, export-sensitive TOU): the battery keeps its charge for the billed
  on-peak hours (no discharge outside them) wherever the on-peak price, after round-trip losses, beats the off-peak
  one (season by season). Under net billing, where a stored solar kWh covering off-peak load is worth more than the
  export credit it forgoes (off-peak rate x round-trip efficiency > export rate), the battery also covers off-peak
  load (self-consumption), except in the last hours before a billed peak, when it keeps its charge for the peak
  (the morning's discharge is refilled by the midday solar surplus);
* demand plans (a USD/kW charge on the month's highest on-peak import hour): in on-peak hours the battery spreads
  its energy over the rest of the window and caps the import at the month's highest on-peak import so far;
* ahead of accepted programme calls it holds its charge and tops up - from solar surplus at any hour, from the grid
  only outside billed on-peak hours (a grid kWh bought on-peak costs the most and sets demand charges); before major
  storms it tops up from solar and grid at any hour (resilience first);
* the customer's reserve floor is kept outside outages; during outages the home islands and the battery backs up
  the critical load, down to empty.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd


@dataclasses.dataclass
class TariffCalendar:
    """The tariff as billing applies it, per home-hour (H, b) or per home (b,)."""

    on_peak: np.ndarray  # (H, b) bool: billed at the peak rate (window, weekday rule)
    summer: np.ndarray  # (H, b) bool: the plan's summer months
    peak_rate: np.ndarray  # (H, b) USD/kWh of this hour's season on-peak
    offpeak_rate: np.ndarray  # (b,) USD/kWh
    export_rate: np.ndarray  # (b,) USD/kWh credited under net billing
    net_billing: np.ndarray  # (b,) bool: exports credited at the export rate (not netted kWh for kWh)
    demand_rate: np.ndarray  # (H, b) USD/kW of the month's highest on-peak import (0 without a demand charge)
    peak_start_hour: np.ndarray  # (b,) local hour the window starts
    peak_end_hour: np.ndarray  # (b,) local hour the window ends


def tariff_calendar(tariffs: pd.DataFrame, tariff_id: np.ndarray, local_hour: np.ndarray,
                    local_weekday: np.ndarray, local_month: np.ndarray) -> TariffCalendar:
    """The home's tariff calendar from the seed: `local_*` are (H, b) local hour (0-23), weekday (Monday = 0) and
    month (1-12); `tariff_id` is (b,). Same rules as billing (int_telemetry_hours_priced: peak window, weekdays
    only where the plan says so; int_household_months_billed: summer months, demand charge by season)."""
    plans = tariffs.set_index("tariff_id").loc[np.asarray(tariff_id, dtype=object)]
    col = lambda name: plans[name].to_numpy()  # noqa: E731
    start, end = col("peak_start_hour").astype(int), col("peak_end_hour").astype(int)
    weekdays_only = np.array([str(v).strip().lower() == "true" for v in col("peak_weekdays_only")])
    s0, s1 = col("summer_start_month").astype(int), col("summer_end_month").astype(int)
    in_window = (local_hour >= start[None, :]) & (local_hour < end[None, :])
    on_peak = in_window & (~weekdays_only[None, :] | (local_weekday <= 4))
    summer = np.where((s0 <= s1)[None, :], (local_month >= s0[None, :]) & (local_month <= s1[None, :]),
                      (local_month >= s0[None, :]) | (local_month <= s1[None, :]))
    peak_rate = np.where(summer, col("summer_peak_rate").astype(float)[None, :],
                         col("winter_peak_rate").astype(float)[None, :])
    demand = np.where(summer, col("demand_charge_summer_usd_per_kw").astype(float)[None, :],
                      col("demand_charge_winter_usd_per_kw").astype(float)[None, :])
    return TariffCalendar(
        on_peak=on_peak, summer=summer, peak_rate=peak_rate,
        offpeak_rate=col("offpeak_rate").astype(float), export_rate=col("net_billing_export_rate").astype(float),
        net_billing=col("export_regime") == "net_billing", demand_rate=demand, peak_start_hour=start,
        peak_end_hour=end,
    )


def run_battery(pv: np.ndarray, load: np.ndarray, critical: np.ndarray, grid_down: np.ndarray,
                cal: TariffCalendar, local_hour: np.ndarray, local_month: np.ndarray,
                vpp_kw: np.ndarray, vpp_hold: np.ndarray, vpp_precharge: np.ndarray, storm_prep: np.ndarray,
                battery_off: np.ndarray, has_battery: np.ndarray, capacity_kwh: np.ndarray, power_kw: np.ndarray,
                round_trip_efficiency: np.ndarray, reserve_pct: np.ndarray,
                pre_peak_hold_hours: int = 4, fade=None) -> dict[str, np.ndarray]:
    """Hourly battery flows for b homes over H hours (all energies kWh per hour, AC side).

    Arrays (H, b): pv, load, critical, grid_down, local_hour, local_month, vpp_kw (discharge asked by an accepted
    call), vpp_hold (hours before a call: no routine discharge), vpp_precharge (top up before a call), storm_prep,
    battery_off. Arrays (b,): has_battery, power_kw, round_trip_efficiency, reserve_pct. capacity_kwh: usable kWh
    per home (b,) or per hour and home (H, b) - ageing may change it hour by hour.
    pre_peak_hold_hours: under net billing, hours before a day's billed peak in which off-peak self-consumption
    stops so that the charge is kept for the peak (seed simulation_parameters).
    fade: an optional capacity tracker (ageing.DailyFade): after each hour `fade.step(h, soc, discharged DC kWh)`
    gives the next hour's usable capacity and `fade.soh` the state of health, returned as soh (%, NaN without a
    battery); without it the capacity is capacity_kwh throughout.
    Returns solar, load, charge, discharge, soc (% of capacity, NaN without a battery), grid_import, grid_export,
    critical, grid_up (and soh with a fade tracker), each (H, b)."""
    H, b = pv.shape
    has = np.asarray(has_battery, bool)
    caps = np.broadcast_to(np.where(has, capacity_kwh, 0.0), (H, b))
    power = np.where(has, power_kw, 0.0)
    rte = np.where(has, round_trip_efficiency, 1.0)
    eta = np.sqrt(rte)

    # The mode each hour: which hours routine discharge may cover the home's load.
    shifts = cal.peak_rate * rte[None, :] > cal.offpeak_rate[None, :]  # (H, b) TOU shifting pays this season
    time_based = (cal.peak_rate > cal.offpeak_rate[None, :]).any(axis=0)  # (b,) the plan has a dearer peak
    self_consume_offpeak = cal.net_billing & (cal.offpeak_rate * rte > cal.export_rate)  # (b,)
    peak_today = _peak_today(cal.on_peak, local_hour)  # (H, b) the hour's local day has billed peak hours
    held = peak_today & (local_hour >= (cal.peak_start_hour - pre_peak_hold_hours)[None, :]) & ~cal.on_peak
    held &= local_hour < cal.peak_end_hour[None, :]
    may_discharge = np.where(time_based[None, :],
                             (cal.on_peak & shifts) | (self_consume_offpeak[None, :] & ~cal.on_peak & ~held),
                             True) & ~vpp_hold
    demand_plan = (cal.demand_rate > 0).any(axis=0)  # (b,)
    hours_left = _peak_hours_left(cal.on_peak, local_hour)  # (H, b) on-peak hours left today, this one included

    soc = 0.5 * caps[0]
    month_peak = np.zeros(b)  # the month's highest on-peak import so far (demand plans)
    out = {name: np.zeros((H, b)) for name in ("solar", "load", "charge", "discharge", "soc", "grid_import",
                                                "grid_export")}
    if fade is not None:
        out["soh"] = np.zeros((H, b))
    faded = None  # capacity after the fade of the hours so far
    for h in range(H):
        if h and np.any(local_month[h] != local_month[h - 1]):
            month_peak = np.where(local_month[h] != local_month[h - 1], 0.0, month_peak)
        cap = caps[h] if faded is None else faded
        soc = np.minimum(soc, cap)
        floor = cap * reserve_pct / 100.0
        p, l, c = pv[h], load[h], critical[h]
        down = grid_down[h]
        pw = np.where(battery_off[h], 0.0, power)
        headroom = np.maximum(cap - soc, 0) / eta  # AC energy the battery can still absorb
        available = np.maximum(soc - floor, 0) * eta  # AC energy above the reserve
        deep = np.maximum(soc, 0) * eta  # AC energy down to empty (backup may use the reserve)

        # Grid up ----------------------------------------------------------------------------
        surplus = p - l
        solar_ch = np.where(surplus > 0, np.minimum.reduce([surplus, pw, headroom]), 0.0)
        grid_ok = storm_prep[h] | (vpp_precharge[h] & ~cal.on_peak[h])  # top up from solar and grid
        top_up = storm_prep[h] | vpp_precharge[h]
        ch = np.where(grid_ok, np.minimum(pw, headroom), solar_ch)
        dis = np.where((surplus < 0) & may_discharge[h] & ~top_up,
                       np.minimum.reduce([-surplus, pw, available]), 0.0)
        # Demand plans: spread the stored energy over the rest of the window, import no more than the month's
        # highest on-peak hour so far.
        shave = demand_plan & cal.on_peak[h] & (surplus < 0) & ~top_up & ~vpp_hold[h]
        level = np.maximum(month_peak, -surplus - available / np.maximum(hours_left[h], 1))
        dis = np.where(shave, np.minimum.reduce([np.maximum(-surplus - level, 0), pw, available]), dis)
        event = vpp_kw[h] > 0
        dis = np.where(event, np.minimum.reduce([np.maximum(vpp_kw[h], -surplus), pw, available]), dis)
        ch = np.where(event, 0.0, ch)
        served = l
        solar = p

        # Grid down: island critical load; homes without a battery lose supply and PV (anti-islanding).
        i_ch = np.where(p > c, np.minimum.reduce([p - c, pw, headroom]), 0.0)
        i_dis = np.where(p < c, np.minimum.reduce([c - p, pw, deep]), 0.0)
        i_served = np.where(has, np.minimum(c, p + i_dis), 0.0)
        i_solar = np.where(has, i_served + i_ch - i_dis, 0.0)
        ch = np.where(down, np.where(has, i_ch, 0.0), ch)
        dis = np.where(down, np.where(has, i_dis, 0.0), dis)
        served = np.where(down, i_served, served)
        solar = np.where(down, i_solar, solar)

        net = solar + dis - served - ch
        imp = np.where(down, 0.0, np.maximum(-net, 0))
        exp = np.where(down, 0.0, np.maximum(net, 0))
        month_peak = np.where(cal.on_peak[h], np.maximum(month_peak, imp), month_peak)
        soc = np.clip(soc + ch * eta - dis / eta, 0, cap)
        if fade is not None:
            faded = np.where(has, fade.step(h, soc, dis / eta), 0.0)
            out["soh"][h] = np.where(has, 100.0 * fade.soh, np.nan)
        out["solar"][h], out["load"][h], out["charge"][h], out["discharge"][h] = solar, served, ch, dis
        out["grid_import"][h], out["grid_export"][h] = imp, exp
        # No battery, no state of charge: NaN here, written as null (not 0 %, which would read as empty).
        out["soc"][h] = np.where(cap > 0, 100.0 * soc / np.maximum(cap, 1e-9), np.nan)
    out["critical"] = np.minimum(critical, out["load"])
    out["grid_up"] = ~grid_down
    return out


def _day_runs(local_hour: np.ndarray) -> np.ndarray:
    """(H, b) index of the local day each hour belongs to (a new day starts where the local hour goes down)."""
    new_day = np.vstack([np.ones((1, local_hour.shape[1]), bool), np.diff(local_hour, axis=0) < 0])
    return np.cumsum(new_day, axis=0)


def _peak_today(on_peak: np.ndarray, local_hour: np.ndarray) -> np.ndarray:
    """(H, b) whether the hour's local day has any billed on-peak hour."""
    day = _day_runs(local_hour)
    out = np.zeros(on_peak.shape, bool)
    for j in range(on_peak.shape[1]):
        counts = np.bincount(day[:, j], weights=on_peak[:, j], minlength=day[-1, j] + 1)
        out[:, j] = counts[day[:, j]] > 0
    return out


def _peak_hours_left(on_peak: np.ndarray, local_hour: np.ndarray) -> np.ndarray:
    """(H, b) billed on-peak hours left in the hour's local day, this one included (0 off-peak)."""
    day = _day_runs(local_hour)
    left = np.zeros(on_peak.shape)
    run = np.zeros(on_peak.shape[1])
    for h in range(on_peak.shape[0] - 1, -1, -1):
        if h < on_peak.shape[0] - 1:
            run = np.where(day[h] != day[h + 1], 0.0, run)
        run = run + on_peak[h]
        left[h] = np.where(on_peak[h], run, 0.0)
    return left
