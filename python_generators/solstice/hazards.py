"""Hazard weather and the grid outages it causes.

A per-territory daily "hazard weather" series: damaging-storm days drawn from a seasonal Poisson climatology of the
state (hurricane season, winter storms, monsoon, wildfire shut-offs: seed storm_climatology), and heat waves / cold
snaps read from the territory's simulated temperature (the day's mean against the climate normal of the season).
Major-event outages fall on those days; routine feeder outages keep the territory's SAIFI and CAIDI through the year.

Inputs are explicit arrays and seed rows; nothing here depends on which households are generated.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import scipy.stats

from . import streams
from .world import territory_code

MID_MONTH = np.array([15.5, 45, 74.5, 105, 135.5, 166, 196.5, 227.5, 258, 288.5, 319, 349.5])
DAYS_IN_MONTH = np.array([31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


@dataclasses.dataclass(frozen=True)
class HazardParameters:
    """Calibration constants of the hazard process (seeds/simulation_parameters.csv, process 'hazards')."""

    extreme_temp_z: float  # |daily mean anomaly| / seasonal day-to-day sd at or beyond which a day is extreme
    heat_min_daily_mean_c: float  # a heat wave day is also at least this warm (daily mean)
    cold_max_daily_mean_c: float  # a cold snap day is also at most this cold (daily mean)
    temperature_share_of_major_events: float  # share of major-event days caused by heat or cold, not storms
    storm_temperature_link: float  # log-weight per unit anomaly of storm odds on warm (convective) or cold days
    storm_continuation: float  # probability a storm day is followed by another (multi-day storms)
    major_restoration_median_hours: float
    major_restoration_sigma: float
    major_reach_min: float
    major_reach_max: float

    @classmethod
    def from_reference(cls, ref) -> "HazardParameters":
        return cls(**{field.name: ref.parameter(f"hazard_{field.name}") for field in dataclasses.fields(cls)})


@dataclasses.dataclass
class HazardDays:
    """One territory's daily hazard weather (one row per local day of the clock)."""

    day: np.ndarray  # local day number (days since 1970-01-01)
    month: np.ndarray
    temp_z: np.ndarray  # daily mean temperature anomaly in units of the season's day-to-day spread
    storm: np.ndarray  # bool: damaging storm (major-event day)
    heat: np.ndarray  # bool: heat-wave day
    cold: np.ndarray  # bool: cold-snap day
    temperature_event: np.ndarray  # bool: a heat or cold day that overloads the grid (major-event day)

    @property
    def extreme(self) -> np.ndarray:
        return self.heat | self.cold

    @property
    def major_event(self) -> np.ndarray:
        return self.storm | self.temperature_event

    def hourly(self, values: np.ndarray, local_day: np.ndarray) -> np.ndarray:
        """A daily series spread onto hours (local_day: each hour's local day number)."""
        return values[np.searchsorted(self.day, local_day)]


def day_keys(key: int, day: np.ndarray) -> np.ndarray:
    """Stream keys of (territory, local day): a day's draws do not depend on the pack window."""
    return np.uint64(key) * np.uint64(100_000) + np.asarray(day, dtype=np.int64).astype(np.uint64)


def seasonal_normal(monthly: np.ndarray, day_of_year: np.ndarray) -> np.ndarray:
    """Twelve monthly normals (at mid-month) interpolated to days of year, wrapping around the year."""
    x = np.concatenate([MID_MONTH - 365, MID_MONTH, MID_MONTH + 365])
    return np.interp(day_of_year, x, np.concatenate([monthly, monthly, monthly]))


def temperature_extremes(daily_mean_c: np.ndarray, normal_mean_c: np.ndarray, normal_sd_c: np.ndarray,
                         params: HazardParameters):
    """(z, heat, cold): heat waves and cold snaps as days far from the season's normal and hot / cold outright."""
    z = (daily_mean_c - normal_mean_c) / np.maximum(normal_sd_c, 0.1)
    heat = (z >= params.extreme_temp_z) & (daily_mean_c >= params.heat_min_daily_mean_c)
    cold = (z <= -params.extreme_temp_z) & (daily_mean_c <= params.cold_max_daily_mean_c)
    return z, heat, cold


def expected_extreme_days_per_year(normal_mean_c: np.ndarray, normal_sd_c: np.ndarray,
                                   params: HazardParameters) -> float:
    """Heat and cold days a year of normal weather brings (normal anomalies, monthly normals)."""
    sd = np.maximum(normal_sd_c, 0.1)
    z_heat = np.maximum(params.extreme_temp_z, (params.heat_min_daily_mean_c - normal_mean_c) / sd)
    z_cold = np.maximum(params.extreme_temp_z, (normal_mean_c - params.cold_max_daily_mean_c) / sd)
    tails = scipy.stats.norm.sf(z_heat) + scipy.stats.norm.sf(z_cold)
    return float((DAYS_IN_MONTH * tails).sum())


def storm_days(seed: int, key: int, day: np.ndarray, month: np.ndarray, temp_z: np.ndarray,
               storm_days_per_year: float, monthly_share: np.ndarray, temperature_link: np.ndarray,
               params: HazardParameters) -> np.ndarray:
    """Damaging-storm days: a seasonal Poisson process (monthly_share of the year's storm days in each month) whose
    daily odds lean toward warm days for convective storms / fire weather (temperature_link +1), cold days for
    winter storms (-1), and not at all for tropical storms (0). A storm day is followed by another with
    params.storm_continuation, so storms come in spells while the expected count per month is kept.

    Draws are keyed by (territory, day number): a day's storm is the same in every pack window that contains it.
    """
    m = month - 1
    share = monthly_share / max(monthly_share.sum(), 1e-12)
    rate = storm_days_per_year * share[m] / DAYS_IN_MONTH[m]
    beta = params.storm_temperature_link * temperature_link[m]
    # exp(beta z) / E[exp(beta z)] for a standard normal z: the month's expected count stays the same
    tilt = np.exp(beta * np.clip(temp_z, -3.5, 3.5) - 0.5 * beta**2)
    onset = np.clip(rate * (1 - params.storm_continuation) * tilt, 0, 1)
    keys = day_keys(key, day)
    u_onset = streams.uniform(seed, keys, "hazard.storm")
    u_more = streams.uniform(seed, keys, "hazard.storm_more")
    storm = np.zeros(len(day), dtype=bool)
    for d in range(len(day)):
        continued = d > 0 and storm[d - 1] and day[d] == day[d - 1] + 1 and u_more[d] < params.storm_continuation
        storm[d] = bool(u_onset[d] < onset[d]) or continued
    return storm


def daily_hazards(seed: int, territory: pd.Series, normals: pd.DataFrame, climatology: pd.DataFrame,
                  local_day: np.ndarray, local_month: np.ndarray, temp_air: np.ndarray,
                  params: HazardParameters) -> HazardDays:
    """The territory's hazard weather, one row per local day of the hourly inputs.

    territory: seed territories row (major_event_days_per_year); normals: its 12 climate_normals rows; climatology:
    its state's 12 storm_climatology rows; local_day / local_month / temp_air: hourly, on the clock.
    """
    key = streams.key_of(territory["utility_territory"])
    days, first, index = np.unique(local_day, return_index=True, return_inverse=True)
    month = local_month[first]
    daily_mean = np.bincount(index, weights=temp_air) / np.bincount(index)
    day_of_year = pd.to_datetime(days, unit="D").day_of_year.to_numpy().astype(float)
    normals = normals.sort_values("month")
    mean_c = normals["mean_temp_c"].to_numpy(float)
    sd_c = normals["daily_temp_sd_c"].to_numpy(float)
    z, heat, cold = temperature_extremes(daily_mean, seasonal_normal(mean_c, day_of_year),
                                         seasonal_normal(sd_c, day_of_year), params)

    climatology = climatology.sort_values("month")
    med = float(territory["major_event_days_per_year"])
    extreme_per_year = expected_extreme_days_per_year(mean_c, sd_c, params)
    temperature_share = params.temperature_share_of_major_events if extreme_per_year >= 1 else 0.0
    storm = storm_days(seed, key, days, month, z, med * (1 - temperature_share),
                       climatology["storm_share"].to_numpy(float), climatology["temperature_link"].to_numpy(float),
                       params)
    # Heat and cold days overload the grid (transformers, gas-short generation) often enough that they account for
    # temperature_share of the territory's major-event days.
    p_overload = min(1.0, med * temperature_share / max(extreme_per_year, 1.0))
    u = streams.uniform(seed, day_keys(key, days), "hazard.overload")
    overload = (heat | cold) & (u < p_overload) & ~storm
    return HazardDays(day=days, month=month, temp_z=z, storm=storm, heat=heat, cold=cold, temperature_event=overload)


def _poisson_inverse(u: np.ndarray, mean: float, cap: int) -> np.ndarray:
    """Poisson counts from uniforms by inverting the CDF (capped)."""
    u = np.atleast_1d(u)
    k = np.arange(cap + 1)
    log_pmf = -mean + k * np.log(max(mean, 1e-12)) - np.cumsum(np.log(np.maximum(k, 1)))
    cdf = np.cumsum(np.exp(log_pmf))
    return np.minimum(np.searchsorted(cdf, u), cap)


def outage_events(seed: int, territory: pd.Series, hazard: HazardDays, local_day: np.ndarray,
                  local_hour: np.ndarray, in_pack: np.ndarray, params: HazardParameters) -> pd.DataFrame:
    """Feeder interruptions on the clock's hours: routine ones (Poisson at the territory's SAIFI, log-normal
    durations with mean CAIDI, uniform through the pack) and major events on the hazard days, each taking a share
    of the territory's feeders down at once.

    Returns feeder_code, start_hour (index on the clock), start_minute, minutes, major, cause.
    """
    key = streams.key_of(territory["utility_territory"])
    hours_in_pack = np.flatnonzero(in_pack)
    first, last = hours_in_pack[0], hours_in_pack[-1]
    years = len(hours_in_pack) / 8766.0
    feeders = int(territory["feeder_count"])
    feeder_keys = np.arange(feeders) + key * 1000
    records = []

    # Routine feeder outages: Poisson-thinned candidates per feeder.
    max_events = int(np.ceil(8 * years)) + 2
    counts = _poisson_inverse(streams.uniform(seed, feeder_keys, "outage.count"),
                              territory["saifi_per_year"] * years, max_events)
    u_time = streams.uniform(seed, feeder_keys, "outage.time", max_events)
    z_dur = streams.normal(seed, feeder_keys, "outage.duration", max_events)
    u_minute = streams.uniform(seed, feeder_keys, "outage.minute", max_events)
    for f in range(feeders):
        for e in range(counts[f]):
            start_hour = first + int(u_time[f, e] * (last - first))
            # log-normal with mean CAIDI (median = mean x exp(-sigma^2 / 2)), so SAIDI = SAIFI x CAIDI
            minutes = float(np.clip(territory["caidi_minutes"] * np.exp(0.9 * z_dur[f, e] - 0.405), 3, 72 * 60))
            records.append((f"F{f + 1:02d}", start_hour, int(u_minute[f, e] * 60), minutes, False, "equipment"))

    # Major events: a share of the feeders at once on each hazard day, log-normal restorations. Storms strike at
    # any hour; heat overloads come in the afternoon peak, cold ones in the morning peak.
    in_pack_days = np.unique(local_day[in_pack])
    major_days = hazard.day[hazard.major_event & np.isin(hazard.day, in_pack_days)]
    median_minutes = 60 * params.major_restoration_median_hours
    for day in major_days:
        d = int(np.searchsorted(hazard.day, day))
        day_key = day_keys(key, np.array([day]))[0]
        hours = np.flatnonzero((local_day == day) & in_pack)
        u_start = streams.uniform(seed, [day_key], "major.start")[0]
        if hazard.storm[d]:
            window = hours
        else:
            peak = (14, 19) if hazard.heat[d] else (5, 10)
            window = hours[(local_hour[hours] >= peak[0]) & (local_hour[hours] < peak[1])]
            window = window if len(window) else hours
        start_hour = window[int(u_start * len(window))]
        hit = streams.uniform(seed, feeder_keys, f"major.hit.{int(day)}")
        z = streams.normal(seed, feeder_keys, f"major.duration.{int(day)}")
        offsets = streams.uniform(seed, feeder_keys, f"major.offset.{int(day)}")
        reach = params.major_reach_min + (params.major_reach_max - params.major_reach_min) * \
            streams.uniform(seed, [day_key], "major.reach")[0]
        for f in range(feeders):
            if hit[f] < reach:
                minutes = float(np.clip(median_minutes * np.exp(params.major_restoration_sigma * z[f]), 60, 96 * 60))
                records.append((f"F{f + 1:02d}", int(start_hour) + int(offsets[f] * 4), int(offsets[f] * 60) % 60,
                                minutes, True, "major_event"))
    frame = pd.DataFrame(records, columns=["feeder_code", "start_hour", "start_minute", "minutes", "major", "cause"])
    return frame.sort_values(["start_hour", "start_minute", "feeder_code"], kind="stable").reset_index(drop=True)


def outages(seed: int, hour_times: pd.DatetimeIndex, territory: pd.Series, hazard: HazardDays,
            local_day: np.ndarray, local_hour: np.ndarray, in_pack: np.ndarray, params: HazardParameters) -> pd.DataFrame:
    """The territory's raw outage feed (grid/outages) from its outage events, ids in start order."""
    frame = outage_events(seed, territory, hazard, local_day, local_hour, in_pack, params)
    start = (hour_times[0] + pd.to_timedelta(frame["start_hour"], unit="h")
             + pd.to_timedelta(frame["start_minute"], unit="m"))
    end = start + pd.to_timedelta(np.round(frame["minutes"]), unit="m")
    code = territory["state"] + "-" + territory_code(territory["utility_territory"])
    return pd.DataFrame(
        {
            "outage_id": [f"OUT-{code}-{i + 1:05d}" for i in range(len(frame))],
            "utility_territory": territory["utility_territory"],
            "feeder_id": code + "-" + frame["feeder_code"],
            "started_at": start,
            "restored_at": end,
            "cause": frame["cause"],
            "major_event_flag": frame["major"].astype(bool),
        }
    )


def home_grid_hours(outages: pd.DataFrame, feeders: np.ndarray, clock_start: pd.Timestamp, hours: int,
                    storm_prep_hours: int) -> tuple[np.ndarray, np.ndarray]:
    """(hours, homes) masks of the hours the grid is down at each home (its feeder's outage covers at least half
    the hour), and of the storm-preparation hours before a major event (batteries top up from the grid; utilities
    and installers advise charging ahead of forecast storms)."""
    b = len(feeders)
    down = np.zeros((hours, b), bool)
    prep = np.zeros((hours, b), bool)
    if outages.empty:
        return down, prep
    relevant = outages[outages["feeder_id"].isin(set(feeders))]
    start_h = ((relevant["started_at"] - clock_start) / pd.Timedelta(hours=1)).to_numpy()
    end_h = ((relevant["restored_at"] - clock_start) / pd.Timedelta(hours=1)).to_numpy()
    for feeder, s, e, major in zip(relevant["feeder_id"], start_h, end_h, relevant["major_event_flag"]):
        cols = np.flatnonzero(feeders == feeder)
        h0, h1 = int(np.floor(s + 0.5)), int(np.floor(e + 0.5))
        if h1 > h0:
            down[max(h0, 0):min(h1, hours), cols[:, None]] = True
        if major:
            prep[max(h0 - storm_prep_hours, 0):max(min(h0, hours), 0), cols[:, None]] = True
    return down, prep
