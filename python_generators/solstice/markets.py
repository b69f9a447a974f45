"""Wholesale market feeds: 15-minute LMP, reserve prices and carbon intensity of one market region.

Prices follow load and weather: a base level shaped by solar (the duck curve) and the evening ramp, raised by heat
and (where generation burns pipeline gas) by cold, with persistent noise. Scarcity comes in episodes of hours on
the region's heat-wave and cold-snap days (ERCOT summer ORDC adders and Winter Storm Uri, ISO-NE / PJM winter gas
constraints), never as lone 15-minute spikes. Reserves are paid for capacity held, so their price has a floor of
its own and stays positive when energy prices go negative.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from . import streams

INTERVALS_PER_HOUR = 4


@dataclasses.dataclass(frozen=True)
class MarketParameters:
    """Calibration constants of the price process (seeds/simulation_parameters.csv, process 'markets')."""

    noise_persistence: float  # AR(1) coefficient of the 15-minute price noise
    heat_reference_c: float  # temperature above which demand (and price) rises with heat
    cold_reference_c: float  # temperature below which heating demand (and gas price) lifts power prices
    scarcity_shape: float  # exponent of the episode intensity draw (heavy tail: most episodes far below the cap)
    reserve_noise_low: float  # reserve price multiplier range (uniform low .. low + 2 x (1 - low))

    @classmethod
    def from_reference(cls, ref) -> "MarketParameters":
        return cls(**{field.name: ref.parameter(f"market_{field.name}") for field in dataclasses.fields(cls)})


def interval_times(hour_times: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The 15-minute intervals covering the hourly clock."""
    return pd.date_range(hour_times[0], hour_times[-1] + pd.Timedelta(hours=1), freq="15min", inclusive="left")


def scarcity_episodes(seed: int, key: int, day: np.ndarray, heat: np.ndarray, cold: np.ndarray,
                      region: pd.Series, params: MarketParameters) -> pd.DataFrame:
    """Scarcity episodes of the region, at most one a day: on heat-wave days with the region's
    scarcity_heat_probability, on cold-snap days with scarcity_cold_probability. Each starts at the day's peak
    (heat: 14-17 h, cold: 6-8 h or 17-19 h local), lasts scarcity_hours_mean x (0.5 .. 1.5) hours (at least 1) and
    lifts prices toward the offer cap by an intensity u**scarcity_shape.

    day / heat / cold: one row per local day. Draws are keyed by (region, day number).
    Returns day, start_hour (local, fractional), hours, intensity.
    """
    keys = np.uint64(key) * np.uint64(100_000) + day.astype(np.int64).astype(np.uint64)
    u_event = streams.uniform(seed, keys, "market.scarcity")
    u_start = streams.uniform(seed, keys, "market.scarcity_start")
    u_length = streams.uniform(seed, keys, "market.scarcity_length")
    u_size = streams.uniform(seed, keys, "market.scarcity_size")
    p = np.where(heat, region["scarcity_heat_probability"], np.where(cold, region["scarcity_cold_probability"], 0.0))
    happens = u_event < p
    evening_cold = u_start >= 0.5
    start = np.where(heat, 14.0 + 3.0 * u_start,
                     np.where(evening_cold, 17.0 + 2.0 * (u_start - 0.5) * 2, 6.0 + 2.0 * u_start * 2))
    hours = np.maximum(1.0, np.round(region["scarcity_hours_mean"] * (0.5 + u_length) * 4) / 4)
    return pd.DataFrame({
        "day": day[happens], "start_hour": np.floor(start[happens] * 4) / 4, "hours": hours[happens],
        "intensity": u_size[happens] ** params.scarcity_shape,
    })


def market_prices(seed: int, hour_times: pd.DatetimeIndex, region: pd.Series, temp_air: np.ndarray,
                  solar: np.ndarray, day: np.ndarray, heat: np.ndarray, cold: np.ndarray,
                  params: MarketParameters) -> pd.DataFrame:
    """15-minute LMP, spinning and non-spinning reserve prices and carbon intensity for one region.

    hour_times: the hourly UTC clock; temp_air: hourly temperature of the region's anchor territory (C); solar:
    hourly regional solar share 0..1; day / heat / cold: the anchor territory's hazard days (one row per local day,
    heat-wave and cold-snap flags).
    """
    key = streams.key_of(region["market_region"])
    times = interval_times(hour_times)
    n = len(times)
    hourly_index = np.repeat(np.arange(len(hour_times)), INTERVALS_PER_HOUR)[:n]
    local = times.tz_convert(region["timezone"]).tz_localize(None)
    hour = local.hour.to_numpy() + local.minute.to_numpy() / 60.0
    spring = np.isin(local.month.to_numpy(), [3, 4, 5])
    local_day = np.asarray((local.normalize() - pd.Timestamp("1970-01-01")).days)

    base = region["base_lmp_usd_per_mwh"]
    sol = solar[hourly_index]
    temp = temp_air[hourly_index]
    depression = region["solar_depression_pct"] / 100.0 * sol * np.where(spring, 1.35, 1.0)
    ramp = region["evening_ramp_pct"] / 100.0 * np.exp(-0.5 * ((hour - 19.5) / 1.6) ** 2)
    morning = 0.25 * np.exp(-0.5 * ((hour - 7.5) / 1.5) ** 2)
    hot = np.clip(temp - params.heat_reference_c, 0, None)
    chill = np.clip(params.cold_reference_c - temp, 0, None)
    level = base * (1.0 - depression + ramp + morning + region["heat_price_pct_per_c"] / 100.0 * hot
                    + region["cold_price_pct_per_c"] / 100.0 * chill)

    noise = streams.normal(seed, [key], "market.noise", n)[0]
    ar = np.empty(n)
    value = 0.0
    phi = params.noise_persistence
    scale = np.sqrt(1 - phi**2)
    for i in range(n):
        value = phi * value + scale * noise[i]
        ar[i] = value
    lmp = level + base * region["price_volatility"] * ar

    # Scarcity episodes on the region's extreme-weather days
    episodes = scarcity_episodes(seed, key, day, heat, cold, region, params)
    cap = region["spike_max_usd_per_mwh"]
    jitter = streams.uniform(seed, [key], "market.scarcity_jitter", n)[0]
    lift = np.zeros(n)
    for row in episodes.itertuples(index=False):
        inside = (local_day == row.day) & (hour >= row.start_hour) & (hour < row.start_hour + row.hours)
        lift = np.where(inside, np.maximum(lift, row.intensity * (0.6 + 0.4 * jitter)), lift)
    lmp = np.where(lift > 0, lmp + (cap - lmp) * lift, lmp)
    lmp = np.minimum(lmp, cap)

    # Reserves: a floor for capacity held (paid whatever the energy price) plus the opportunity cost of energy.
    low = params.reserve_noise_low
    reserve_noise = low + 2 * (1 - low) * streams.uniform(seed, [key], "market.reserve", n)[0]
    spin = (region["spin_floor_usd_per_mwh"] + np.maximum(lmp, 0) * region["spin_share_of_lmp"]) * reserve_noise
    nonspin = (region["nonspin_floor_usd_per_mwh"] + np.maximum(lmp, 0) * region["nonspin_share_of_lmp"]) * reserve_noise
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
