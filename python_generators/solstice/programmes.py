"""VPP programmes: which days each programme calls (decided the day before, from forecasts, within the
programme's seasonal cap) and what each enrolled home is asked for and answers.

Inputs are explicit: a per-day table of the territory's weather and its climate normals, the hourly market price,
the programme's seed row (seeds/vpp_programs.csv) and the calibration constants (seeds/simulation_parameters.csv,
process `programmes`). Outputs are tables (calls, responses) and the hour-by-home arrays the battery controller
consumes: ``vpp_kw`` (discharge asked of the battery in the hour, kW), ``vpp_hold`` (hours before an accepted event
in which routine discharge stops) and ``vpp_precharge`` (hours just before it in which the battery tops up).

How calls are decided (no look-ahead beyond the day-ahead forecast):

* ``hot_day`` programmes: the evening before each weekday of the season the operator receives a forecast of
  tomorrow's maximum temperature (the realised value plus a forecast error of published size) and calls if it
  exceeds the temperature that the season's remaining eligible days, by their climatology (climate normals of
  each day's maximum and its spread), are expected to exceed as often as the events it has left (and is not
  among the coolest days of the season's climatology, ``programmes_call_min_anomaly_z``). The season's cap (``events_per_season``) is never
  exceeded and is approached when the season is long enough.
* ``price_spike`` programmes: the same rule on tomorrow's forecast peak price (the realised hourly price times a
  log-normal error) against the prices of the previous weeks (known on the day of the decision); the event is
  placed on the hour with the highest forecast price.
* ``daily`` programmes (Hawaiian Electric Battery Bonus: a firm two-hour evening discharge every day): every day
  of the season while the cap allows it; a cap below the season's days falls back on the hot-day rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.special

from . import streams

HOUR = pd.Timedelta(hours=1)
# sqrt(pi/2): standard deviation of a zero-mean normal error with a given mean absolute error.
MAE_TO_SD = float(np.sqrt(np.pi / 2))
# Calibration constants of the call decision, read from seeds/simulation_parameters.csv as programmes_<name>.
CALL_PARAMETERS = ("forecast_temp_mae_c", "forecast_price_log_sd", "call_min_anomaly_z", "price_history_days")
# ... and of the devices' answers.
RESPONSE_PARAMETERS = ("device_offline_rate", "opt_out_base", "opt_out_reluctance")


def in_season(month: np.ndarray, first: int, last: int) -> np.ndarray:
    """Months inside a season that may wrap around the new year (e.g. 11..3)."""
    first, last = int(first), int(last)
    if first <= last:
        return (month >= first) & (month <= last)
    return (month >= first) | (month <= last)


def season_year(year: np.ndarray, month: np.ndarray, first: int, last: int) -> np.ndarray:
    """The year a season starts in (a November-March season of 2025-26 is season 2025)."""
    if int(first) <= int(last):
        return np.asarray(year)
    return np.where(np.asarray(month) >= int(first), year, np.asarray(year) - 1)


def territory_days(local_day: np.ndarray, in_pack: np.ndarray, temp_air: np.ndarray,
                   normals: pd.DataFrame) -> pd.DataFrame:
    """One row per local day of a territory's clock: calendar, whether it is inside the pack, the realised maximum
    temperature and the climate normal of that maximum and of its day-to-day spread (seed climate_normals)."""
    days, first_hour, index = np.unique(local_day, return_index=True, return_inverse=True)
    dates = pd.to_datetime(days, unit="D")
    max_temp = pd.Series(temp_air).groupby(index).max().to_numpy()
    inside = pd.Series(in_pack).groupby(index).all().to_numpy()
    normals = normals.sort_values("month")
    mid = np.array([15.5, 45, 74.5, 105, 135.5, 166, 196.5, 227.5, 258, 288.5, 319, 349.5])
    x = np.concatenate([mid - 365, mid, mid + 365])
    doy = dates.day_of_year.to_numpy()

    def smooth(values):
        return np.interp(doy, x, np.tile(np.asarray(values, dtype=float), 3))

    normal_max = smooth(normals["mean_temp_c"] + 0.5 * normals["diurnal_range_c"])
    return pd.DataFrame({
        "day": days.astype(np.int64),
        "year": dates.year.to_numpy(),
        "month": dates.month.to_numpy(),
        "weekday": dates.day_of_week.to_numpy(),
        "first_hour": first_hour.astype(np.int64),
        "in_pack": inside,
        "max_temp_c": max_temp,
        "normal_max_c": normal_max,
        "normal_sd_c": smooth(normals["daily_temp_sd_c"]),
    })


def paced_calls(score: np.ndarray, season: np.ndarray, budget: dict, floor: float) -> np.ndarray:
    """Sequential day-ahead decisions: for each eligible day in order, call it when its forecast score (a
    standard-normal anomaly) exceeds the quantile that spends the season's remaining budget evenly over its
    remaining eligible days, and never below ``floor``. Returns a boolean per day; calls per season never
    exceed ``budget[season]``."""
    called = np.zeros(len(score), dtype=bool)
    for s in np.unique(season):
        members = np.flatnonzero(season == s)
        left = int(budget.get(s, 0))
        for k, d in enumerate(members):
            if left <= 0:
                break
            remaining = len(members) - k
            share = left / remaining
            threshold = max(-np.inf if share >= 1 else float(scipy.special.ndtri(1 - share)), floor)
            if score[d] > threshold:
                called[d] = True
                left -= 1
    return called


def _exceeding(x: float, normal: np.ndarray, spread: np.ndarray) -> float:
    """Expected number of days whose forecast maximum exceeds x, from each day's climatology (the normal tail,
    ndtr(-z), as scipy.stats.norm.sf computes it without its per-call overhead: the bisection calls it 40,000 times
    a pack)."""
    return float(scipy.special.ndtr(-((x - normal) / spread)).sum())


def _solve_temperature(target: float, normal: np.ndarray, spread: np.ndarray) -> float:
    """The temperature x that the given days are expected to exceed `target` times (bisection; decreasing in x)."""
    lo, hi = float((normal - 8 * spread).min()), float((normal + 8 * spread).max())
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        if _exceeding(mid, normal, spread) > target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def paced_heat_calls(forecast: np.ndarray, normal: np.ndarray, spread: np.ndarray, season: np.ndarray,
                     budget: dict, floor: float) -> np.ndarray:
    """Sequential day-ahead decisions on forecast maximum temperatures (eligible days in order). Each evening the
    operator sets the temperature that the season's remaining days, by their climatology (normal maximum and the
    spread of a forecast around it), are expected to exceed as many times as it has events left, and calls
    tomorrow if its forecast is above it - so a season whose end is cool spends its budget in the summer - but
    never below the season climatology's ``floor`` quantile (a standard-normal score). Calls per season never
    exceed ``budget[season]``."""
    called = np.zeros(len(forecast), dtype=bool)
    for s in np.unique(season):
        members = np.flatnonzero(season == s)
        mu, sd = normal[members], spread[members]
        share_below = float(scipy.special.ndtr(floor))
        lowest = -np.inf if share_below <= 0 else _solve_temperature(len(members) * (1 - share_below), mu, sd)
        left = int(budget.get(s, 0))
        for k, d in enumerate(members):
            if left <= 0:
                break
            pace = -np.inf if left >= len(members) - k else _solve_temperature(left, mu[k:], sd[k:])
            if forecast[d] > max(pace, lowest):
                called[d] = True
                left -= 1
    return called


def _season_budgets(program: pd.Series, days: pd.DataFrame, eligible: np.ndarray, seasons: np.ndarray) -> dict:
    """The cap of each season, pro rata to the share of the season's eligible days inside the pack (a pack that
    starts mid-season sees the rest of that season's events, not all of them)."""
    first, last = int(program["season_start_month"]), int(program["season_end_month"])
    cap = float(program["events_per_season"])
    budgets = {}
    for s in np.unique(seasons[eligible]):
        start = pd.Timestamp(year=int(s), month=first, day=1)
        end_year = int(s) if first <= last else int(s) + 1
        end = pd.Timestamp(year=end_year, month=last, day=1) + pd.offsets.MonthBegin(1)
        calendar = pd.date_range(start, end, freq="D", inclusive="left")
        if program["trigger"] == "hot_day":
            calendar = calendar[calendar.day_of_week < 5]
        inside = int((eligible & (seasons == s)).sum())
        budgets[s] = int(np.floor(cap * inside / max(len(calendar), 1) + 1e-9))
    return budgets


def schedule_calls(program: pd.Series, days: pd.DataFrame, local_day: np.ndarray, local_hour: np.ndarray,
                   hourly_price: np.ndarray, times: pd.DatetimeIndex, params: dict, seed: int) -> pd.DataFrame:
    """A programme's dispatch calls over the pack, decided day by day from day-ahead forecasts.

    days: ``territory_days`` of the programme's territory; local_day, local_hour: the territory's local day and
    hour of each hour of the pack clock; hourly_price: the region's hourly LMP (USD/MWh) on
    the pack clock; params: forecast_temp_mae_c, forecast_price_log_sd, call_min_anomaly_z, price_history_days.
    Returns call_id, program_id, dispatch_type, event_start_at, event_end_at, requested_kw_per_device,
    start_hour_index (the hour on the pack clock)."""
    first, last = int(program["season_start_month"]), int(program["season_end_month"])
    duration = int(program["duration_hours"])
    trigger = program["trigger"]
    month = days["month"].to_numpy()
    eligible = days["in_pack"].to_numpy() & in_season(month, first, last)
    if trigger == "hot_day":
        eligible &= days["weekday"].to_numpy() < 5
    seasons = season_year(days["year"].to_numpy(), month, first, last)
    budgets = _season_budgets(program, days, eligible, seasons)
    key = streams.key_of(program["program_id"])
    n_days, n_hours = len(days), len(times)
    first_hour = days["first_hour"].to_numpy()
    # the hour on the pack clock where each day's window opens (local wall clock, so daylight saving is respected)
    start_hour = np.full(n_days, -1, dtype=np.int64)
    at_window = np.flatnonzero(local_hour == int(program["window_start_hour"]))[::-1]
    start_hour[np.searchsorted(days["day"].to_numpy(), local_day[at_window])] = at_window

    if trigger == "price_spike":
        # Tomorrow's hourly prices as forecast: realised x log-normal error; the day's score is the forecast peak
        # against the log of the daily peaks of the previous weeks (realised, so known when deciding).
        hour_err = streams.normal(seed, [key], "vpp.forecast.price", n_hours)[0]
        forecast = np.maximum(hourly_price, 1.0) * np.exp(float(params["forecast_price_log_sd"]) * hour_err)
        bounds = np.append(first_hour, n_hours)
        peak_real = np.array([np.max(np.maximum(hourly_price[a:b], 1.0)) for a, b in zip(bounds[:-1], bounds[1:])])
        peak_hour = np.array([a + int(np.argmax(forecast[a:b])) for a, b in zip(bounds[:-1], bounds[1:])])
        peak_fc = forecast[peak_hour]
        window = int(params["price_history_days"])
        log_real = np.log(peak_real)
        score = np.full(n_days, -np.inf)
        for d in range(n_days):
            past = log_real[max(d - window, 0):d][days["in_pack"].to_numpy()[max(d - window, 0):d]]
            if len(past) >= 7:
                spread = np.sqrt(past.var() + float(params["forecast_price_log_sd"]) ** 2)
                score[d] = (np.log(peak_fc[d]) - past.mean()) / spread
        start_hour = peak_hour
        idx = np.flatnonzero(eligible)
        called = np.zeros(n_days, dtype=bool)
        called[idx] = paced_calls(score[idx], seasons[idx], budgets, float(params["call_min_anomaly_z"]))
    else:
        err_sd = float(params["forecast_temp_mae_c"]) * MAE_TO_SD
        err = streams.normal(seed, [key], "vpp.forecast.temp", n_days)[0] * err_sd
        forecast = days["max_temp_c"].to_numpy() + err
        floor = float(params["call_min_anomaly_z"]) if trigger == "hot_day" else -np.inf
        idx = np.flatnonzero(eligible)
        called = np.zeros(n_days, dtype=bool)
        called[idx] = paced_heat_calls(forecast[idx], days["normal_max_c"].to_numpy()[idx],
                                       np.sqrt(days["normal_sd_c"].to_numpy()[idx] ** 2 + err_sd**2), seasons[idx],
                                       budgets, floor)
    starts = start_hour[called]
    starts = np.sort(starts[(starts >= 0) & (starts + duration <= n_hours)])
    code = program["program_id"].removeprefix("PRG-")
    return pd.DataFrame({
        "call_id": [f"CALL-{code}-{i + 1:04d}" for i in range(len(starts))],
        "program_id": program["program_id"],
        "dispatch_type": program["dispatch_type"],
        "event_start_at": times[starts] if len(starts) else pd.DatetimeIndex([], tz="UTC"),
        "event_end_at": (times[starts] + duration * HOUR) if len(starts) else pd.DatetimeIndex([], tz="UTC"),
        "requested_kw_per_device": float(program["max_kw_per_home"]),
        "start_hour_index": starts.astype(np.int64),
    })


def requested_kw(max_kw_per_home: np.ndarray, power_kw: np.ndarray, usable_kwh: np.ndarray,
                 reserve_pct: np.ndarray, duration_hours: np.ndarray) -> np.ndarray:
    """The power a programme asks of each enrolled home: the capacity the home can commit for a whole event -
    its usable energy above the customer's backup reserve spread over the event's hours - within the battery's
    continuous power and the programme's per-home maximum (Hawaiian Electric Battery Bonus: committed kW is what
    the battery discharges for the 2-hour window, e.g. 5 kW from a 15 kWh battery; ConnectedSolutions and DSGS
    pay on the average kW a battery sustains over the event)."""
    sustainable = usable_kwh * (1 - reserve_pct / 100.0) / np.maximum(duration_hours, 1)
    return np.round(np.minimum.reduce([max_kw_per_home, power_kw, sustainable]), 2)


def home_requests(programs: pd.DataFrame, program_id: np.ndarray, power_kw: np.ndarray, usable_kwh: np.ndarray,
                  reserve_pct: np.ndarray) -> np.ndarray:
    """``requested_kw`` for every home under its territory's programme (0 where it has none)."""
    rules = programs.set_index("program_id")
    known = pd.Series(program_id).isin(rules.index).to_numpy()
    out = np.zeros(len(program_id))
    if known.any():
        pick = rules.loc[program_id[known]]
        out[known] = requested_kw(pick["max_kw_per_home"].to_numpy(float), power_kw[known], usable_kwh[known],
                                  reserve_pct[known], pick["duration_hours"].to_numpy(float))
    return out


def device_responses(calls: pd.DataFrame, homes: pd.DataFrame, local_day: np.ndarray, offline: np.ndarray,
                     seed: int, hold_hours: int, precharge_hours: int, params: dict):
    """Each enrolled home's answer to its programme's calls, and the arrays the battery controller consumes.

    calls: schedule_calls output plus call_seq and duration_hours; homes: one row per home of the batch (column j
    of the hour arrays) with key, household_id, enrolled, program_id, enroll_day, pto_day, opt_out_day,
    willingness, request_kw (``requested_kw``); local_day, offline: (hours, homes); params: device_offline_rate,
    opt_out_base, opt_out_reluctance (an event's opt-out probability is base + reluctance x (1 - willingness)^2).
    Returns (responses frame,
    vpp_kw, vpp_hold, vpp_precharge)."""
    H, b = local_day.shape
    vpp_kw = np.zeros((H, b))
    vpp_hold = np.zeros((H, b), dtype=bool)
    vpp_precharge = np.zeros((H, b), dtype=bool)
    columns = ["response_id", "call_id", "household_id", "battery_id", "response_status", "responded_at",
               "requested_kw", "_day"]
    enrolled = homes["enrolled"].to_numpy()
    if calls.empty or not enrolled.any():
        return pd.DataFrame(columns=columns), vpp_kw, vpp_hold, vpp_precharge
    by_program = {p: c for p, c in calls.groupby("program_id", sort=False)}
    rows = []
    for j in np.flatnonzero(enrolled):
        home = homes.iloc[j]
        mine = by_program.get(home["program_id"])
        if mine is None or mine.empty:
            continue
        key = int(home["key"])
        call_keys = key * 100003 + mine["call_seq"].to_numpy()
        u_off = streams.uniform(seed, call_keys, "vpp.offline")
        u_opt = streams.uniform(seed, call_keys, "vpp.optout")
        u_lead = streams.uniform(seed, call_keys, "vpp.lead")
        # reluctant customers opt out of events more often
        p_opt = float(params["opt_out_base"]) + float(params["opt_out_reluctance"]) * (1 - float(home["willingness"])) ** 2
        kw = float(home["request_kw"])
        for c, (call_id, h0, dur, start_at) in enumerate(zip(
                mine["call_id"], mine["start_hour_index"], mine["duration_hours"], mine["event_start_at"])):
            day = int(local_day[h0, j])
            if day < home["enroll_day"] or day < home["pto_day"] or (0 <= home["opt_out_day"] <= day):
                continue
            if offline[h0, j] or u_off[c] < float(params["device_offline_rate"]):
                status = "offline"
            elif u_opt[c] < p_opt:
                status = "opted_out"
            else:
                status = "accepted"
                vpp_kw[h0:h0 + dur, j] = kw
                vpp_hold[max(h0 - hold_hours, 0):h0, j] = True
                vpp_precharge[max(h0 - precharge_hours, 0):h0, j] = True
            rows.append((f"RSP-{call_id.removeprefix('CALL-')}-{key:06d}", call_id, home["household_id"],
                         f"BAT-{key:06d}", status, start_at - pd.Timedelta(minutes=int(5 + 55 * u_lead[c])),
                         kw, day))
    return pd.DataFrame(rows, columns=columns), vpp_kw, vpp_hold, vpp_precharge
