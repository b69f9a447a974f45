"""The battery controller: what each home's battery does, hour by hour, given the tariff its bill uses.

Two pieces with explicit inputs and outputs:

* `tariff_calendar` reads the tariff seed (`utility_tariff_plans`) once and says, for every home-hour, whether the
  hour is billed on-peak (the plan's window, on weekdays only where the plan says so - the rule billing applies in
  `int_telemetry_hours_priced`), which season's rates apply, and what the home's export regime and demand charge are.
* `run_battery` steps the battery through the hours (state of charge carries over) from PV, load, critical load,
  outages, programme calls and that calendar, and returns the hourly flows. The modes are decided for all hours
  at once with numpy; the hour-by-hour loop itself (`_step_hours`) is compiled with numba, since its state
  carries from one hour to the next.

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

import numba
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
    per home (b,) or per hour and home (H, b) - ageing may change it hour by hour (with a fade tracker, the
    tracker's capacity; capacity_kwh sets the starting state of charge, half full).
    pre_peak_hold_hours: under net billing, hours before a day's billed peak in which off-peak self-consumption
    stops so that the charge is kept for the peak (seed simulation_parameters).
    fade: an optional capacity tracker (ageing.DailyFade): after each 24-hour block
    `fade.add_hours(last hour, summed soc kWh, summed discharged DC kWh, hours)` gives the next block's usable
    capacity and `fade.soh` the state of health, returned as soh (%, NaN without a battery); without it the
    capacity is capacity_kwh throughout.
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
    # (H, b) the hour's local day has billed peak hours; billed peak hours left in it, this one included
    peak_today, hours_left = _peak_days(np.ascontiguousarray(cal.on_peak), np.ascontiguousarray(local_hour))
    held = peak_today & (local_hour >= (cal.peak_start_hour - pre_peak_hold_hours)[None, :]) & ~cal.on_peak
    held &= local_hour < cal.peak_end_hour[None, :]
    may_discharge = np.where(time_based[None, :],
                             (cal.on_peak & shifts) | (self_consume_offpeak[None, :] & ~cal.on_peak & ~held),
                             True) & ~vpp_hold
    demand_plan = (cal.demand_rate > 0).any(axis=0)  # (b,)

    out = {name: np.zeros((H, b)) for name in ("solar", "load", "charge", "discharge", "soc", "grid_import",
                                                "grid_export")}
    cap = np.array(caps, dtype=np.float64)  # (H, b) usable kWh each hour; with a fade tracker, filled day by day
    soc = 0.5 * caps[0]
    month_peak = np.zeros(b)  # the month's highest on-peak import so far (demand plans)
    soc_sum, dc_discharged_sum = np.zeros(b), np.zeros(b)  # what the fade tracker reads at the end of a day
    # One memory layout and type per argument: the compiled loop reads rows of homes and is compiled once.
    real = lambda a: np.ascontiguousarray(a, dtype=np.float64)  # noqa: E731
    flag = lambda a: np.ascontiguousarray(a, dtype=np.bool_)  # noqa: E731
    inputs = (real(pv), real(load), real(critical), flag(grid_down), flag(cal.on_peak), flag(may_discharge),
              hours_left, np.ascontiguousarray(local_month, dtype=np.int64), real(vpp_kw), flag(vpp_hold),
              flag(vpp_precharge), flag(storm_prep), flag(battery_off), flag(has), real(power), real(eta),
              real(np.broadcast_to(reserve_pct, (b,))), flag(demand_plan))
    outputs = tuple(out[name] for name in ("solar", "load", "charge", "discharge", "grid_import", "grid_export",
                                           "soc"))
    if fade is None:
        _step_hours(0, H, cap, soc, month_peak, soc_sum, dc_discharged_sum, *inputs, *outputs)
    else:
        # The capacity fades at the end of each 24-hour block (ageing.DailyFade): step a block at a time.
        out["soh"] = np.zeros((H, b))
        for lo in range(0, H, 24):
            hi = min(lo + 24, H)
            cap[lo:hi] = np.where(has, fade.capacity, 0.0)
            soc_sum[:], dc_discharged_sum[:] = 0.0, 0.0
            _step_hours(lo, hi, cap, soc, month_peak, soc_sum, dc_discharged_sum, *inputs, *outputs)
            soh = np.where(has, 100.0 * fade.soh, np.nan)
            fade.add_hours(hi - 1, soc_sum, dc_discharged_sum, hi - lo)
            out["soh"][lo:hi - 1] = soh
            out["soh"][hi - 1] = np.where(has, 100.0 * fade.soh, np.nan)
    out["critical"] = np.minimum(critical, out["load"])
    out["grid_up"] = ~grid_down
    return out


# numpy's element-wise rules, so that the compiled loop gives the same bits as array arithmetic did: minimum and
# maximum return the second operand on a tie (the sign of a zero) and propagate NaN; clip keeps x on its bounds.
@numba.njit(inline="always")
def _min(a, b):
    return a if a < b or a != a else b


@numba.njit(inline="always")
def _max(a, b):
    return a if a > b or a != a else b


@numba.njit(inline="always")
def _clip(x, lo, hi):
    return lo if x < lo else (hi if x > hi else x)


@numba.njit(cache=True, nogil=True)
def _step_hours(lo, hi, cap, soc, month_peak, soc_sum, dc_discharged_sum,
                pv, load, critical, grid_down, on_peak, may_discharge, hours_left, local_month, vpp_kw, vpp_hold,
                vpp_precharge, storm_prep, battery_off, has, power, eta, reserve_pct, demand_plan,
                out_solar, out_load, out_charge, out_discharge, out_import, out_export, out_soc):
    """Hours lo..hi-1 of every home, in place: the state (soc kWh, month_peak) carries over between calls; the
    hour's flows go to out_*; soc_sum and dc_discharged_sum add up what the fade tracker reads (kWh)."""
    for h in range(lo, hi):
        for j in range(soc.shape[0]):
            if h and local_month[h, j] != local_month[h - 1, j]:
                month_peak[j] = 0.0
            c_kwh = cap[h, j]
            s = _min(soc[j], c_kwh)
            floor = c_kwh * reserve_pct[j] / 100.0
            p, l, c = pv[h, j], load[h, j], critical[h, j]
            e = eta[j]
            pw = 0.0 if battery_off[h, j] else power[j]
            headroom = _max(c_kwh - s, 0.0) / e  # AC energy the battery can still absorb
            available = _max(s - floor, 0.0) * e  # AC energy above the reserve
            deep = _max(s, 0.0) * e  # AC energy down to empty (backup may use the reserve)

            if grid_down[h, j]:
                # Grid down: island critical load; homes without a battery lose supply and PV (anti-islanding).
                ch = _min(_min(p - c, pw), headroom) if p > c else 0.0
                dis = _min(_min(c - p, pw), deep) if p < c else 0.0
                if has[j]:
                    served = _min(c, p + dis)
                    solar = served + ch - dis
                else:
                    served, solar, ch, dis = 0.0, 0.0, 0.0, 0.0
            else:
                surplus = p - l
                top_up = storm_prep[h, j] or vpp_precharge[h, j]
                if storm_prep[h, j] or (vpp_precharge[h, j] and not on_peak[h, j]):  # top up from solar and grid
                    ch = _min(pw, headroom)
                elif surplus > 0:
                    ch = _min(_min(surplus, pw), headroom)
                else:
                    ch = 0.0
                dis = 0.0
                if surplus < 0 and may_discharge[h, j] and not top_up:
                    dis = _min(_min(-surplus, pw), available)
                # Demand plans: spread the stored energy over the rest of the window, import no more than the
                # month's highest on-peak hour so far.
                if demand_plan[j] and on_peak[h, j] and surplus < 0 and not top_up and not vpp_hold[h, j]:
                    level = _max(month_peak[j], -surplus - available / _max(hours_left[h, j], 1.0))
                    dis = _min(_min(_max(-surplus - level, 0.0), pw), available)
                if vpp_kw[h, j] > 0:
                    dis = _min(_min(_max(vpp_kw[h, j], -surplus), pw), available)
                    ch = 0.0
                served, solar = l, p

            net = solar + dis - served - ch
            imp = 0.0 if grid_down[h, j] else _max(-net, 0.0)
            if on_peak[h, j]:
                month_peak[j] = _max(month_peak[j], imp)
            s = _clip(s + ch * e - dis / e, 0.0, c_kwh)
            soc[j] = s
            soc_sum[j] += s
            dc_discharged_sum[j] += dis / e
            out_solar[h, j], out_load[h, j], out_charge[h, j], out_discharge[h, j] = solar, served, ch, dis
            out_import[h, j] = imp
            out_export[h, j] = 0.0 if grid_down[h, j] else _max(net, 0.0)
            # No battery, no state of charge: NaN here, written as null (not 0 %, which would read as empty).
            out_soc[h, j] = 100.0 * s / _max(c_kwh, 1e-9) if c_kwh > 0 else np.nan


@numba.njit(cache=True, nogil=True)
def _peak_days(on_peak, local_hour):
    """(H, b) whether the hour's local day has any billed on-peak hour, and the billed on-peak hours left in it,
    this one included (0 off-peak). A new local day starts where the local hour goes down."""
    H, b = on_peak.shape
    run = np.zeros((H, b))  # on-peak hours from this hour to the end of its day
    for h in range(H - 1, -1, -1):
        for j in range(b):
            later = run[h + 1, j] if h < H - 1 and local_hour[h + 1, j] >= local_hour[h, j] else 0.0
            run[h, j] = later + 1.0 if on_peak[h, j] else later
    peak_today = np.zeros((H, b), np.bool_)
    day_total = np.zeros(b)
    for h in range(H):
        for j in range(b):
            if h == 0 or local_hour[h, j] < local_hour[h - 1, j]:
                day_total[j] = run[h, j]  # the day's first hour: every on-peak hour of the day is still ahead
            peak_today[h, j] = day_total[j] > 0
            if not on_peak[h, j]:
                run[h, j] = 0.0
    return peak_today, run
