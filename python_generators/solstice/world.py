"""The shared world every home in a territory lives in: clock, weather (weather.py), markets, grid outages,
programme calls.

Everything here depends only on (seed, territory / region / programme), never on which households are
generated, so a household's history is the same whether the pack is built whole or in shards.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from . import streams
from .config import PackConfig
from .weather import TerritoryWorld, build_territories, build_territory, weather_frame  # noqa: F401

HOUR = pd.Timedelta(hours=1)


@dataclasses.dataclass
class Clock:
    """The pack's hourly UTC axis, wide enough that every territory's local days are whole."""

    times: pd.DatetimeIndex  # hourly, tz=UTC, interval start

    @classmethod
    def for_pack(cls, config: PackConfig, timezones) -> "Clock":
        starts, ends = [], []
        for tz in timezones:
            starts.append(pd.Timestamp(config.start_date).tz_localize(tz).tz_convert("UTC"))
            ends.append(pd.Timestamp(config.end_date).tz_localize(tz).tz_convert("UTC"))
        return cls(pd.date_range(min(starts), max(ends), freq="1h", inclusive="left"))

    def local(self, tz: str) -> pd.DatetimeIndex:
        return self.times.tz_convert(tz)

    @property
    def epoch_us(self) -> np.ndarray:
        return self.times.asi8 // 1000 if self.times.unit == "ns" else self.times.as_unit("us").asi8

    def month_slices(self) -> dict[str, tuple[int, int]]:
        """UTC month label -> [first, last) hour index on the clock."""
        labels = self.times.strftime("%Y-%m").to_numpy()
        bounds = np.flatnonzero(labels[1:] != labels[:-1]) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [len(labels)]])
        return {labels[a]: (int(a), int(b)) for a, b in zip(starts, ends)}


# --------------------------------------------------------------------------------------------- markets


def market_prices(config: PackConfig, clock: Clock, region: pd.Series, heat: np.ndarray, solar: np.ndarray):
    """15-minute LMP, spinning and non-spinning reserve prices and carbon intensity for one region.

    heat: hourly temperature anomaly driver (C above 24); solar: hourly regional solar share 0..1.
    Shape: base level x (1 - solar depression x solar) x evening ramp + heat, AR(1) noise, scarcity spikes.
    """
    key = streams.key_of(region["market_region"])
    times = pd.date_range(clock.times[0], clock.times[-1] + HOUR, freq="15min", inclusive="left")
    n = len(times)
    hourly_index = np.repeat(np.arange(len(clock.times)), 4)[:n]
    local = times.tz_convert(region["timezone"]).tz_localize(None)
    hour = local.hour.to_numpy() + local.minute.to_numpy() / 60.0
    spring = np.isin(local.month.to_numpy(), [3, 4, 5])

    base = region["base_lmp_usd_per_mwh"]
    sol = solar[hourly_index]
    depression = region["solar_depression_pct"] / 100.0 * sol * np.where(spring, 1.35, 1.0)
    ramp = region["evening_ramp_pct"] / 100.0 * np.exp(-0.5 * ((hour - 19.5) / 1.6) ** 2)
    morning = 0.25 * np.exp(-0.5 * ((hour - 7.5) / 1.5) ** 2)
    hot = np.clip(heat[hourly_index], 0, None)
    level = base * (1.0 - depression + ramp + morning + 0.04 * hot)

    noise = streams.normal(config.seed, [key], "market.noise", n)[0]
    ar = np.empty(n)
    value = 0.0
    volatility = region["price_volatility"]
    for i in range(n):
        value = 0.97 * value + 0.243 * noise[i]
        ar[i] = value
    lmp = level + base * volatility * ar

    u_spike = streams.uniform(config.seed, [key], "market.spike", n)[0]
    u_size = streams.uniform(config.seed, [key], "market.spike_size", n)[0]
    hot_evening = (hot > 8) & (hour >= 15) & (hour < 21)
    spike = hot_evening & (u_spike < region["spike_share_of_hot_hours"])
    lmp = np.where(spike, lmp + (region["spike_max_usd_per_mwh"] - lmp) * u_size**3, lmp)
    lmp = np.minimum(lmp, region["spike_max_usd_per_mwh"])

    reserve_noise = streams.uniform(config.seed, [key], "market.reserve", n)[0]
    spin = np.maximum(0.0, np.maximum(lmp, 0) * region["spin_share_of_lmp"] * (0.7 + 0.6 * reserve_noise))
    nonspin = spin * region["nonspin_share_of_lmp"] / region["spin_share_of_lmp"]
    carbon = region["carbon_base_kg_per_mwh"] * (1 - region["carbon_solar_dip_pct"] / 100.0 * sol + 0.10 * ramp)
    return pd.DataFrame(
        {
            "market_region": region["market_region"],
            "interval_start_at": times,
            "lmp_usd_per_mwh": np.round(lmp, 2),
            "spin_reserve_usd_per_mwh": np.round(spin, 2),
            "nonspin_reserve_usd_per_mwh": np.round(nonspin, 2),
            "carbon_kg_per_mwh": np.round(carbon, 1),
        }
    )


# --------------------------------------------------------------------------------------------- outages


def outages(config: PackConfig, clock: Clock, world: TerritoryWorld) -> pd.DataFrame:
    """Feeder-level interruptions (Poisson at the territory's SAIFI, log-normal durations with the CAIDI
    median) plus major-event days that take down most feeders of the territory at once (EIA-861)."""
    row = world.row
    key = streams.key_of(world.name)
    years = config.months / 12.0
    feeders = int(row["feeder_count"])
    hours_in_pack = np.flatnonzero(world.in_pack)
    first, last = hours_in_pack[0], hours_in_pack[-1]
    records = []

    # Routine feeder outages: up to 8 candidates per feeder-year, Poisson-thinned.
    max_events = int(np.ceil(8 * years)) + 2
    feeder_keys = np.arange(feeders) + key * 1000
    u_count = streams.uniform(config.seed, feeder_keys, "outage.count")
    counts = _poisson_inverse(u_count, row["saifi_per_year"] * years, max_events)
    u_time = streams.uniform(config.seed, feeder_keys, "outage.time", max_events)
    z_dur = streams.normal(config.seed, feeder_keys, "outage.duration", max_events)
    u_minute = streams.uniform(config.seed, feeder_keys, "outage.minute", max_events)
    for f in range(feeders):
        for e in range(counts[f]):
            start_hour = first + int(u_time[f, e] * (last - first))
            # log-normal with mean CAIDI (median = mean x exp(-sigma^2 / 2)), so SAIDI = SAIFI x CAIDI
            minutes = float(np.clip(row["caidi_minutes"] * np.exp(0.9 * z_dur[f, e] - 0.405), 3, 72 * 60))
            records.append((f"F{f + 1:02d}", start_hour, int(u_minute[f, e] * 60), minutes, False, "equipment"))

    # Major event days (storms, heat, wildfire shut-offs): 15-60 % of the territory's feeders at once, log-normal
    # restorations with a 5 h median; about 170 customer-minutes per event day on average (EIA 861: major
    # events add 200-250 minutes a year to the US average SAIDI, 2022-2023).
    n_major = _poisson_inverse(streams.uniform(config.seed, [key], "major.count"),
                               row["major_event_days_per_year"] * years, 12)[0]
    u_major = streams.uniform(config.seed, [key], "major.time", 12)[0]
    for m in range(n_major):
        start_hour = first + int(u_major[m] * (last - first))
        hit = streams.uniform(config.seed, feeder_keys, f"major.hit.{m}")
        z = streams.normal(config.seed, feeder_keys, f"major.duration.{m}")
        offsets = streams.uniform(config.seed, feeder_keys, f"major.offset.{m}")
        reach = 0.15 + 0.45 * streams.uniform(config.seed, [key], f"major.reach.{m}")[0]
        for f in range(feeders):
            if hit[f] < reach:
                minutes = float(np.clip(5 * 60 * np.exp(0.9 * z[f]), 60, 96 * 60))
                records.append((f"F{f + 1:02d}", start_hour + int(offsets[f] * 4), int(offsets[f] * 60) % 60,
                                minutes, True, "major_event"))

    frame = pd.DataFrame(records, columns=["feeder_code", "start_hour", "start_minute", "minutes", "major", "cause"])
    frame = frame.sort_values(["start_hour", "start_minute", "feeder_code"], kind="stable").reset_index(drop=True)
    start = clock.times[0] + pd.to_timedelta(frame["start_hour"], unit="h") + pd.to_timedelta(frame["start_minute"], unit="m")
    end = start + pd.to_timedelta(np.round(frame["minutes"]), unit="m")
    code = world.row["state"] + "-" + territory_code(world.name)
    return pd.DataFrame(
        {
            "outage_id": [f"OUT-{code}-{i + 1:05d}" for i in range(len(frame))],
            "utility_territory": world.name,
            "feeder_id": code + "-" + frame["feeder_code"],
            "started_at": start,
            "restored_at": end,
            "cause": frame["cause"],
            "major_event_flag": frame["major"].astype(bool),
        }
    )


def territory_code(name: str) -> str:
    """A short stable code for a territory name (used in feeder and outage ids)."""
    return "".join(word[0] for word in name.replace("&", "").split()).upper()


def _poisson_inverse(u: np.ndarray, mean: float, cap: int) -> np.ndarray:
    """Poisson counts from uniforms by inverting the CDF (capped)."""
    u = np.atleast_1d(u)
    k = np.arange(cap + 1)
    log_pmf = -mean + k * np.log(max(mean, 1e-12)) - np.cumsum(np.log(np.maximum(k, 1)))
    cdf = np.cumsum(np.exp(log_pmf))
    return np.minimum(np.searchsorted(cdf, u), cap)


# --------------------------------------------------------------------------------------------- VPP calls


def dispatch_calls(config: PackConfig, clock: Clock, program: pd.Series, world: TerritoryWorld,
                   lmp_hourly: np.ndarray) -> pd.DataFrame:
    """Programme-level dispatch calls as the VPP platform logs them.

    hot_day: the hottest weekdays of the season; price_spike: the hours with the highest prices;
    daily: every day of the season. Calls start on the hour (local) and last whole hours.
    """
    season = _in_season(world.local_month, program["season_start_month"], program["season_end_month"])
    eligible = world.in_pack & season
    duration = int(program["duration_hours"])
    per_year = program["events_per_season"]
    starts = []
    if program["trigger"] == "price_spike":
        candidates = np.flatnonzero(eligible)
        target = int(round(per_year * config.months / 12.0))
        ranked = candidates[np.argsort(-lmp_hourly[candidates], kind="stable")]
        taken_days = set()
        for h in ranked:
            if len(starts) >= target:
                break
            if world.local_day[h] not in taken_days:
                taken_days.add(world.local_day[h])
                starts.append(h)
    else:
        window = eligible & (world.local_hour == int(program["window_start_hour"]))
        if program["trigger"] == "hot_day":
            window &= world.local_weekday < 5
        candidates = np.flatnonzero(window)
        if program["trigger"] == "daily":
            starts = list(candidates)
        else:
            # Scale the seasonal event count by how much of a season the pack covers.
            season_days_per_year = 30.4 * (((int(program["season_end_month"]) - int(program["season_start_month"])) % 12) + 1)
            days_in_pack = len(np.unique(world.local_day[eligible]))
            target = int(round(per_year * days_in_pack / season_days_per_year))
            day_heat = world.temp_air[candidates] + 3 * world.daily_clearness[candidates]
            order = np.argsort(-day_heat, kind="stable")
            starts = sorted(candidates[order[:target]])
    starts = sorted(h for h in starts if h + duration <= len(clock.times))
    code = program["program_id"].removeprefix("PRG-")
    return pd.DataFrame(
        {
            "call_id": [f"CALL-{code}-{i + 1:04d}" for i in range(len(starts))],
            "program_id": program["program_id"],
            "dispatch_type": program["dispatch_type"],
            "event_start_at": clock.times[starts] if starts else pd.DatetimeIndex([], tz="UTC"),
            "event_end_at": (clock.times[starts] + duration * HOUR) if starts else pd.DatetimeIndex([], tz="UTC"),
            "requested_kw_per_device": float(program["max_kw_per_home"]),
            "start_hour_index": np.asarray(starts, dtype=np.int64),
        }
    )


def _in_season(month: np.ndarray, first: int, last: int) -> np.ndarray:
    first, last = int(first), int(last)
    if first <= last:
        return (month >= first) & (month <= last)
    return (month >= first) | (month <= last)
