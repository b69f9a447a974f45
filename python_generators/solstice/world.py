"""The shared world every home in a territory lives in: the clock and programme calls; its weather is in
weather.py, hazard weather and grid outages in hazards.py, wholesale markets in markets.py.

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


def territory_code(name: str) -> str:
    """A short stable code for a territory name (used in feeder and outage ids)."""
    return "".join(word[0] for word in name.replace("&", "").split()).upper()


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
