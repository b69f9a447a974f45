"""The shared world every home in a territory lives in: clock, weather, markets, grid outages, programme calls.

Everything here depends only on (seed, territory / region / programme), never on which households are
generated, so a household's history is the same whether the pack is built whole or in shards.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pvlib
import scipy.signal
import scipy.stats

from . import streams
from .config import PackConfig

HOUR = pd.Timedelta(hours=1)
CLEARNESS_MAX = 1.08  # highest daily/hourly clear-sky index (cloud-edge enhancement; TMY days reach ~1.05)
CLEARNESS_PERSISTENCE = 0.35  # AR(1) coefficient of the latent daily clearness (TMY lag-1 autocorrelation ~0.3)
# AR(1) coefficient, in hourly steps, of the within-day cloud noise on clearness: a cloudy hour is followed by a
# cloudy hour. Calibrated so the lag-1 autocorrelation of hourly clearness around its day's mean matches the TMY
# files pvlib ships (Greensboro TMY3 723170: 0.43, Miami TMY2 12839: 0.41; independent hourly noise gives ~0).
CLOUD_PERSISTENCE_HOURLY = 0.6
# Daily mean temperature per unit of daily clearness anomaly at midsummer (sunny days warmer, cloudy days cooler),
# fading to none at midwinter. Least-squares slope of daily mean temperature on daily clearness, both as anomalies
# from their month's mean, May-Sep, in the same TMY files: Greensboro 3.5 C, Miami 3.8 C (Dec-Feb: 0.3, -1.5).
CLOUD_TEMPERATURE_COUPLING_C = 3.6
# Day-to-day persistence of the daily mean temperature anomaly (TMY lag-1 autocorrelation: 0.69 and 0.65).
TEMPERATURE_PERSISTENCE = 0.7


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


@dataclasses.dataclass
class TerritoryWorld:
    """Hourly shared series of one utility territory on the pack clock."""

    name: str
    row: pd.Series
    in_pack: np.ndarray  # bool per hour: local time inside the pack window
    local_hour: np.ndarray
    local_month: np.ndarray
    local_weekday: np.ndarray  # Monday = 0
    local_day: np.ndarray  # integer day number (days since 1970-01-01, local)
    ghi: np.ndarray
    dni: np.ndarray
    dhi: np.ndarray
    temp_air: np.ndarray
    wind_speed: np.ndarray
    solar_zenith: np.ndarray
    solar_azimuth: np.ndarray
    dni_extra: np.ndarray
    daily_clearness: np.ndarray  # per hour, the day's clear-sky index (for behaviour)


def _smooth_monthly(values: np.ndarray, day_of_year: np.ndarray) -> np.ndarray:
    """Interpolate 12 monthly normals (mid-month) to each day of year, wrapping around the year."""
    mid = np.array([15.5, 45, 74.5, 105, 135.5, 166, 196.5, 227.5, 258, 288.5, 319, 349.5])
    x = np.concatenate([mid - 365, mid, mid + 365])
    y = np.concatenate([values, values, values])
    return np.interp(day_of_year, x, y)


def _ar1(noise: np.ndarray, persistence: float) -> np.ndarray:
    """A stationary unit-variance AR(1) series driven by independent standard normal draws."""
    series = scipy.signal.lfilter([np.sqrt(1 - persistence**2)], [1.0, -persistence], noise[1:],
                                  zi=[persistence * noise[0]])[0]
    return np.concatenate([noise[:1], series])


def build_territory(config: PackConfig, clock: Clock, row: pd.Series, normals: pd.DataFrame) -> TerritoryWorld:
    """Weather from a clear-sky model times a stochastic cloudiness process calibrated on climate normals."""
    name = row["utility_territory"]
    key = streams.key_of(name)
    local = clock.local(row["timezone"])
    local_naive = local.tz_localize(None)
    start, end = pd.Timestamp(config.start_date), pd.Timestamp(config.end_date)
    in_pack = np.asarray((local_naive >= start) & (local_naive < end))
    local_day = np.asarray((local_naive.normalize() - pd.Timestamp("1970-01-01")).days)
    day_of_year = np.asarray(local_naive.day_of_year)

    location = pvlib.location.Location(row["latitude"], row["longitude"], altitude=row["altitude_m"])
    # An hour's energy follows the sun at mid-hour (as PVWatts does with hourly TMY data); the sun at the hour's
    # start would shift every day's production half an hour late.
    middle = clock.times + pd.Timedelta(minutes=30)
    position = location.get_solarposition(middle)
    clear = location.get_clearsky(middle, model="ineichen", solar_position=position)

    normals = normals.sort_values("month")
    k_mean = _smooth_monthly(normals["clear_sky_index"].to_numpy(), day_of_year)

    # Daily clearness: a Beta distribution around the month's mean clear-sky index with the territory's
    # concentration (fit to the real TMY files pvlib ships for Greensboro and Miami: 2.1 and 3.8), persistent
    # from day to day through an AR(1) Gaussian copula (TMY lag-1 autocorrelation of daily clearness ~0.3).
    # Each month is then rescaled to its mean, so monthly irradiation follows the normals while days vary.
    days, day_index = np.unique(local_day, return_inverse=True)
    n_days = len(days)
    first_hour_of_day = np.searchsorted(day_index, np.arange(n_days))
    k_target = k_mean[first_hour_of_day]
    eps = streams.normal(config.seed, [key], "weather.clearness", n_days)[0]
    latent = np.empty(n_days)
    level = 0.0
    for d in range(n_days):
        level = CLEARNESS_PERSISTENCE * level + np.sqrt(1 - CLEARNESS_PERSISTENCE**2) * eps[d]
        latent[d] = level
    mean = np.clip(k_target / CLEARNESS_MAX, 0.05, 0.97)
    kappa = float(row["clearness_concentration"])
    k_day = CLEARNESS_MAX * scipy.stats.beta.ppf(scipy.stats.norm.cdf(latent), mean * kappa, (1 - mean) * kappa)
    clear_energy = pd.Series(clear["ghi"].to_numpy()).groupby(day_index).sum().to_numpy()
    month_of_day = local_naive.month.to_numpy()[first_hour_of_day]
    for month in np.unique(month_of_day):
        in_month = month_of_day == month
        for _ in range(4):  # scale toward the month's energy-weighted mean; clipping needs a few rounds
            weights = clear_energy[in_month]
            factor = (k_target[in_month] * weights).sum() / max((k_day[in_month] * weights).sum(), 1e-9)
            k_day[in_month] = np.clip(k_day[in_month] * factor, 0.05, CLEARNESS_MAX)
    k_day_hourly = k_day[day_index]

    # Within-day cloud noise persists from hour to hour (AR(1) in hourly steps, unit variance); broken-cloud days
    # vary most, clear and overcast days are steady.
    hourly_noise = _ar1(streams.normal(config.seed, [key], "weather.hourly", len(clock.times))[0],
                        CLOUD_PERSISTENCE_HOURLY)
    k_hour = k_day_hourly * np.exp((0.02 + 0.9 * k_day_hourly * (1 - k_day_hourly)) * hourly_noise)
    k_hour = np.clip(k_hour, 0.03, CLEARNESS_MAX)
    ghi = clear["ghi"].to_numpy() * k_hour
    zenith = position["zenith"].to_numpy()
    split = pvlib.irradiance.erbs(ghi, zenith, day_of_year)
    dni = np.nan_to_num(np.asarray(split["dni"]), nan=0.0)
    dhi = np.nan_to_num(np.asarray(split["dhi"]), nan=0.0)

    # Temperature: normals plus a persistent daily anomaly with the climate's day-to-day spread for the season
    # (seed climate_normals.daily_temp_sd_c), sunny summer days warmer and cloudy ones cooler, and a diurnal wave
    # peaking mid-afternoon that swings wider on clear days. Each day's anomaly and swing sit at the middle of the
    # local day and are interpolated hour by hour, so temperature has no step at midnight.
    day_sd = _smooth_monthly(normals["daily_temp_sd_c"].to_numpy(), day_of_year[first_hour_of_day])
    anomaly_noise = _ar1(streams.normal(config.seed, [key], "weather.temp", n_days)[0], TEMPERATURE_PERSISTENCE)
    summer = 0.5 + 0.5 * np.cos(2 * np.pi * (day_of_year[first_hour_of_day] - 196) / 365.25)
    anomaly = day_sd * anomaly_noise + CLOUD_TEMPERATURE_COUPLING_C * summer * (k_day - k_target)
    swing = 0.55 + 0.5 * k_day
    hour_position = np.arange(len(clock.times), dtype=float)
    day_middle = pd.Series(hour_position).groupby(day_index).mean().to_numpy()
    hour = local_naive.hour.to_numpy() + 0.5
    wave = np.cos(2 * np.pi * (hour - 15.0) / 24.0)
    smooth_mean = _smooth_monthly(normals["mean_temp_c"].to_numpy(), day_of_year + (hour - 12) / 24)
    smooth_range = _smooth_monthly(normals["diurnal_range_c"].to_numpy(), day_of_year + (hour - 12) / 24)
    temp = (smooth_mean + np.interp(hour_position, day_middle, anomaly)
            + 0.5 * smooth_range * np.interp(hour_position, day_middle, swing) * wave)
    wind = 2.0 + 1.5 * streams.uniform(config.seed, [key], "weather.wind", len(clock.times))[0]

    return TerritoryWorld(
        name=name,
        row=row,
        in_pack=in_pack,
        local_hour=local_naive.hour.to_numpy(),
        local_month=local_naive.month.to_numpy(),
        local_weekday=local_naive.day_of_week.to_numpy(),
        local_day=local_day,
        ghi=ghi,
        dni=dni,
        dhi=dhi,
        temp_air=temp,
        wind_speed=wind,
        solar_zenith=position["apparent_zenith"].to_numpy(),
        solar_azimuth=position["azimuth"].to_numpy(),
        dni_extra=pvlib.irradiance.get_extra_radiation(middle).to_numpy(),
        daily_clearness=k_day_hourly,
    )


def weather_frame(world: TerritoryWorld, times: pd.DatetimeIndex) -> pd.DataFrame:
    """The raw weather feed of one territory (hourly, UTC), as a weather vendor would deliver it."""
    return pd.DataFrame(
        {
            "utility_territory": world.name,
            "observed_at": times,
            "ghi_w_m2": np.round(world.ghi, 1),
            "dni_w_m2": np.round(world.dni, 1),
            "dhi_w_m2": np.round(world.dhi, 1),
            "temp_air_c": np.round(world.temp_air, 2),
            "wind_speed_m_s": np.round(world.wind_speed, 2),
        }
    )


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
