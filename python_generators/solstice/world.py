"""The shared world every home in a territory lives in: the clock; its weather is in weather.py, hazard weather
and grid outages in hazards.py, wholesale markets in markets.py, programme calls in programmes.py.

Everything here depends only on (seed, territory / region / programme), never on which households are
generated, so a household's history is the same whether the pack is built whole or in shards.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

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
