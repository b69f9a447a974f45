"""The weather process: hourly irradiance, temperature and wind of every utility territory, on the pack clock.

Inputs: the pack config (seed), the clock, the territory rows of the pack and the `Reference` (all territories'
coordinates, climate normals and the sourced constants of seeds/simulation_parameters.csv, process `weather`).
Output: one `TerritoryWorld` per territory: the weather station at the territory's centre (the raw weather feed)
and a few weather cells that the homes of the territory live in (their roofs see the cell's clouds).

Clouds are a Gaussian random field in space and an AR(1) process in time: the daily clearness of every site
(every territory's station and cells) shares innovations whose correlation decays exponentially with distance
(synoptic systems: a few hundred km), and the within-day cloud noise shares innovations that decorrelate over
tens of km (cloud fields drifting at a few m/s). So neighbouring territories (Los Angeles and San Diego) see
partly the same cloudy days, and homes of one territory see correlated but not identical clouds. Everything
depends only on (seed, reference territories), never on which households are generated: a household's weather is
the same whole or in shards; a household's cell follows from its coordinates, themselves drawn from its key.

Temperature: NOAA-style daily maximum and minimum (the day's mean and diurnal range from the normals, a persistent
anomaly coupled to the day's clearness) joined by the Parton & Logan (1981) diurnal curve: a sine from the minimum
just after sunrise to the maximum in the afternoon, then an exponential decay through the night to the next
morning's minimum - continuous, warming fast in the morning and cooling slowly at night, as real records do.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pvlib
import scipy.linalg
import scipy.signal
import scipy.stats

from . import streams
from .config import PackConfig

if TYPE_CHECKING:  # the clock lives in world.py, which imports this module
    from .reference import Reference
    from .world import Clock

CLEARNESS_MAX = 1.08  # highest daily/hourly clear-sky index (cloud-edge enhancement; TMY days reach ~1.05)
CELL_OFFSET_DEG = 0.125  # cell centres: the quadrants of the +/-0.25 degree box homes are placed in (population.py)
KM_PER_DEG_LAT = 110.57
KM_PER_DEG_LON_EQUATOR = 111.32


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
    ghi: np.ndarray  # the station at the territory's centre (the raw weather feed)
    dni: np.ndarray
    dhi: np.ndarray
    temp_air: np.ndarray
    wind_speed: np.ndarray
    solar_zenith: np.ndarray
    solar_azimuth: np.ndarray
    dni_extra: np.ndarray
    daily_clearness: np.ndarray  # per hour, the station's clear-sky index of the day (for behaviour)
    # Irradiance of each weather cell (cells x hours); None = every home sees the station (e.g. a TMY file).
    cell_ghi: np.ndarray | None = None
    cell_dni: np.ndarray | None = None
    cell_dhi: np.ndarray | None = None


@dataclasses.dataclass(frozen=True)
class WeatherParameters:
    """The weather process's constants (seeds/simulation_parameters.csv, process `weather`, with sources)."""

    clearness_persistence: float
    cloud_persistence_hourly: float
    cloud_variability: float
    temperature_persistence: float
    cloud_temperature_coupling_c: float
    daily_decorrelation_km: float
    hourly_decorrelation_km: float
    cells: int
    max_temp_lag_h: float
    min_temp_lag_h: float
    night_decay: float

    @classmethod
    def from_reference(cls, reference: "Reference") -> "WeatherParameters":
        p = reference.parameter
        return cls(
            clearness_persistence=p("weather_daily_clearness_persistence"),
            cloud_persistence_hourly=p("weather_hourly_cloud_persistence"),
            cloud_variability=p("weather_hourly_cloud_variability"),
            temperature_persistence=p("weather_daily_temperature_persistence"),
            cloud_temperature_coupling_c=p("weather_cloud_temperature_coupling_c"),
            daily_decorrelation_km=p("weather_daily_clearness_decorrelation_km"),
            hourly_decorrelation_km=p("weather_hourly_cloud_decorrelation_km"),
            cells=int(p("weather_cells_per_territory")),
            max_temp_lag_h=p("weather_max_temperature_lag_h"),
            min_temp_lag_h=p("weather_min_temperature_lag_h"),
            night_decay=p("weather_night_cooling_decay"),
        )


# --------------------------------------------------------------------------------------------- space


def cell_offsets(cells: int) -> np.ndarray:
    """(lat, lon) offsets in degrees of the weather cells' centres from the territory's centre: the quadrants
    (SW, SE, NW, NE) of the box homes are placed in; fewer cells take the first ones."""
    quadrants = np.array([[-1, -1], [-1, 1], [1, -1], [1, 1]], dtype=float) * CELL_OFFSET_DEG
    if not 1 <= cells <= len(quadrants):
        raise ValueError(f"weather_cells_per_territory must be 1-4, not {cells}")
    return quadrants[:cells]


def household_cells(latitude: np.ndarray, longitude: np.ndarray, centre_lat: float, centre_lon: float,
                    cells: int) -> np.ndarray:
    """Weather cell of each home: the quadrant of the territory it lies in (from its own coordinates, so from its
    key), folded onto the available cells."""
    quadrant = 2 * (np.asarray(latitude) >= centre_lat) + (np.asarray(longitude) >= centre_lon)
    return (quadrant % cells).astype(np.int64)


def distance_km(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle distances between all pairs of points (haversine, km)."""
    phi, lam = np.radians(lat), np.radians(lon)
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    a = np.sin(dphi / 2) ** 2 + np.cos(phi[:, None]) * np.cos(phi[None, :]) * np.sin(dlam / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def correlated_normals(seed: int, site_keys: list[int], stream: str, size: int, distance: np.ndarray,
                       decorrelation_km: float) -> np.ndarray:
    """Standard normal draws (sites x size), independent in time, correlated across sites as
    exp(-distance / decorrelation length) (an exponential covariance, positive definite on the sphere)."""
    independent = np.stack([streams.normal(seed, [k], stream, size)[0] for k in site_keys])
    correlation = np.exp(-distance / decorrelation_km) + 1e-9 * np.eye(len(site_keys))
    return scipy.linalg.cholesky(correlation, lower=True) @ independent


def _ar1(noise: np.ndarray, persistence: float) -> np.ndarray:
    """Stationary unit-variance AR(1) series along the last axis, driven by independent standard normal draws
    (the cross-site correlation of the draws carries over to the series)."""
    noise = np.atleast_2d(noise)
    zi = persistence * noise[:, :1]
    series = scipy.signal.lfilter([np.sqrt(1 - persistence**2)], [1.0, -persistence], noise[:, 1:], axis=-1,
                                  zi=zi)[0]
    return np.concatenate([noise[:, :1], series], axis=1)


# --------------------------------------------------------------------------------------------- time


def _smooth_monthly(values: np.ndarray, day_of_year: np.ndarray) -> np.ndarray:
    """Interpolate 12 monthly normals (mid-month) to each day of year, wrapping around the year."""
    mid = np.array([15.5, 45, 74.5, 105, 135.5, 166, 196.5, 227.5, 258, 288.5, 319, 349.5])
    x = np.concatenate([mid - 365, mid, mid + 365])
    y = np.concatenate([values, values, values])
    return np.interp(day_of_year, x, y)


def sun_times(day_number: np.ndarray, latitude: float, longitude: float) -> tuple[np.ndarray, np.ndarray]:
    """Sunrise and sunset of each day (days since 1970-01-01) in hours since 1970-01-01 00:00 UTC: solar noon from
    the longitude and the equation of time, half day length from the declination (Spencer 1971, as in pvlib)."""
    day_of_year = pd.DatetimeIndex(pd.Timestamp("1970-01-01") + pd.to_timedelta(day_number, unit="D")).day_of_year
    day_of_year = np.asarray(day_of_year, dtype=float)
    declination = pvlib.solarposition.declination_spencer71(day_of_year)
    equation_of_time = pvlib.solarposition.equation_of_time_spencer71(day_of_year)  # minutes
    noon = day_number * 24.0 + 12.0 - longitude / 15.0 - equation_of_time / 60.0
    cos_half = np.clip(-np.tan(np.radians(latitude)) * np.tan(declination), -1, 1)
    half_day = np.degrees(np.arccos(cos_half)) / 15.0
    return noon - half_day, noon + half_day


def diurnal_temperature(hours: np.ndarray, sunrise: np.ndarray, sunset: np.ndarray, t_min: np.ndarray,
                        t_max: np.ndarray, max_lag_h: float, min_lag_h: float, night_decay: float) -> np.ndarray:
    """Parton & Logan (1981) hourly temperature from each day's minimum and maximum.

    Day d (arrays indexed by day, times in hours on one axis): from sunrise + min_lag_h (the minimum) a sine
    T = Tmin + (Tmax - Tmin) sin(pi m / (Y + 2 max_lag_h)) (m: hours since the minimum, Y: day length; the peak
    falls max_lag_h after solar noon) until sunset, then an exponential decay with coefficient night_decay that
    reaches the next day's minimum at its sunrise + min_lag_h (renormalised so the curve is continuous there).
    `hours` must lie between the first day's minimum and the last day's minimum."""
    start = sunrise + min_lag_h  # time of each day's minimum
    d = np.searchsorted(start, hours, side="right") - 1
    if np.any(d < 0) or np.any(d >= len(start) - 1):
        raise ValueError("hours outside the days given")
    day_length = sunset - sunrise
    span = day_length + 2 * max_lag_h

    def day_curve(i, t):
        return t_min[i] + (t_max[i] - t_min[i]) * np.sin(np.pi * (t - start[i]) / span[i])

    at_sunset = day_curve(np.arange(len(start)), sunset)
    night_length = start[1:] - sunset[:-1]
    in_day = hours < sunset[d]
    n = np.clip(hours - sunset[d], 0, None) / night_length[np.minimum(d, len(night_length) - 1)]
    fade = (np.exp(-night_decay * n) - np.exp(-night_decay)) / (1 - np.exp(-night_decay))
    night = t_min[d + 1] + (at_sunset[d] - t_min[d + 1]) * fade
    return np.where(in_day, day_curve(d, hours), night)


# --------------------------------------------------------------------------------------------- build


def _sites(reference: "Reference", cells: int) -> pd.DataFrame:
    """Every site of the weather field: each reference territory's station (cell -1) and its cells."""
    rows = []
    offsets = cell_offsets(cells)
    for _, t in reference.territories.sort_values("utility_territory").iterrows():
        key = streams.key_of(t["utility_territory"])
        rows.append((t["utility_territory"], -1, t["latitude"], t["longitude"], key))
        for c, (dlat, dlon) in enumerate(offsets):
            rows.append((t["utility_territory"], c, t["latitude"] + dlat, t["longitude"] + dlon, key * 8 + c + 1))
    return pd.DataFrame(rows, columns=["utility_territory", "cell", "latitude", "longitude", "key"])


def build_territories(config: PackConfig, clock: "Clock", territory_rows: pd.DataFrame,
                      reference: "Reference") -> dict[str, TerritoryWorld]:
    """The weather of each territory of the pack (rows of seeds/territories.csv), from one spatial field over all
    the reference territories (so a territory's weather does not depend on which others are in the pack)."""
    params = WeatherParameters.from_reference(reference)
    sites = _sites(reference, params.cells)
    distance = distance_km(sites["latitude"].to_numpy(), sites["longitude"].to_numpy())
    keys = sites["key"].tolist()
    # One daily axis shared by all territories (a calendar day is the same day everywhere): the clock's UTC days
    # with one day of margin on each side for local days.
    first_day = int(clock.times[0].floor("D").value // 86_400_000_000_000) - 1
    n_days = int(clock.times[-1].floor("D").value // 86_400_000_000_000) + 2 - first_day
    daily = _ar1(correlated_normals(config.seed, keys, "weather.clearness", n_days, distance,
                                    params.daily_decorrelation_km), params.clearness_persistence)
    hourly = _ar1(correlated_normals(config.seed, keys, "weather.hourly", len(clock.times), distance,
                                     params.hourly_decorrelation_km), params.cloud_persistence_hourly)
    normals = reference.climate_normals
    worlds = {}
    for _, row in territory_rows.iterrows():
        name = row["utility_territory"]
        mine = np.flatnonzero(sites["utility_territory"].to_numpy() == name)  # station first, then the cells
        worlds[name] = _territory(config, clock, row, normals[normals["utility_territory"] == name], params,
                                  daily[mine], first_day, hourly[mine])
    return worlds


def build_territory(config: PackConfig, clock: "Clock", row: pd.Series, reference: "Reference") -> TerritoryWorld:
    """The weather of one territory (the same as it is inside a whole pack)."""
    return build_territories(config, clock, row.to_frame().T, reference)[row["utility_territory"]]


def _territory(config: PackConfig, clock: "Clock", row: pd.Series, normals: pd.DataFrame, params: WeatherParameters,
               latent_daily: np.ndarray, first_day: int, cloud_noise: np.ndarray) -> TerritoryWorld:
    """Weather from a clear-sky model times a stochastic cloudiness process calibrated on climate normals.
    latent_daily / cloud_noise: unit-variance AR(1) series (sites x days on the shared axis / sites x hours),
    site 0 the station, then the cells."""
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
    clear_ghi = clear["ghi"].to_numpy()

    normals = normals.sort_values("month")
    k_mean = _smooth_monthly(normals["clear_sky_index"].to_numpy(), day_of_year)

    # Daily clearness: a Beta distribution around the month's mean clear-sky index with the territory's
    # concentration (fit to the real TMY files pvlib ships for Greensboro and Miami: 2.1 and 3.8), persistent
    # from day to day and correlated across sites through the latent Gaussian field (Gaussian copula).
    # Each site's month is then rescaled to its mean, so monthly irradiation follows the normals while days vary.
    days, day_index = np.unique(local_day, return_inverse=True)
    n_days = len(days)
    first_hour_of_day = np.searchsorted(day_index, np.arange(n_days))
    k_target = k_mean[first_hour_of_day]
    latent = latent_daily[:, days - first_day]  # sites x days
    mean = np.clip(k_target / CLEARNESS_MAX, 0.05, 0.97)
    kappa = float(row["clearness_concentration"])
    k_day = CLEARNESS_MAX * scipy.stats.beta.ppf(scipy.stats.norm.cdf(latent), mean * kappa, (1 - mean) * kappa)
    clear_energy = pd.Series(clear_ghi).groupby(day_index).sum().to_numpy()
    month_of_day = local_naive.month.to_numpy()[first_hour_of_day]
    for month in np.unique(month_of_day):
        in_month = month_of_day == month
        weights = clear_energy[in_month]
        for _ in range(4):  # scale toward the month's energy-weighted mean; clipping needs a few rounds
            factor = (k_target[in_month] * weights).sum() / np.maximum((k_day[:, in_month] * weights).sum(axis=1), 1e-9)
            k_day[:, in_month] = np.clip(k_day[:, in_month] * factor[:, None], 0.05, CLEARNESS_MAX)
    k_day_hourly = k_day[:, day_index]  # sites x hours

    # Within-day cloud noise persists from hour to hour (AR(1) in hourly steps, unit variance); broken-cloud days
    # vary most, clear and overcast days are steady. The log-normal factor keeps its mean at 1.
    sigma = params.cloud_variability * (0.02 + 0.9 * k_day_hourly * (1 - k_day_hourly))
    k_hour = np.clip(k_day_hourly * np.exp(sigma * cloud_noise - sigma**2 / 2), 0.03, CLEARNESS_MAX)
    # The noise moves clouds within the day, not the day's energy: rescale each day back to its clearness
    # (clipping at the edges would otherwise bias it), so daily and monthly irradiation stay as drawn above.
    for s in range(len(k_hour)):
        drawn = np.bincount(day_index, weights=k_hour[s] * clear_ghi, minlength=n_days)
        factor = k_day[s] * clear_energy / np.maximum(drawn, 1e-9)
        k_hour[s] = np.clip(k_hour[s] * np.where(clear_energy > 0, factor, 1.0)[day_index], 0.03, CLEARNESS_MAX)
    ghi = clear_ghi[None, :] * k_hour
    zenith = position["zenith"].to_numpy()
    dni = np.empty_like(ghi)
    dhi = np.empty_like(ghi)
    for s in range(len(ghi)):
        split = pvlib.irradiance.erbs(ghi[s], zenith, day_of_year)
        dni[s] = np.nan_to_num(np.asarray(split["dni"]), nan=0.0)
        dhi[s] = np.nan_to_num(np.asarray(split["dhi"]), nan=0.0)

    # Temperature at the station: each day's maximum and minimum from the normals (NOAA's daily mean is their
    # midpoint) plus a persistent daily anomaly with the climate's day-to-day spread for the season (seed
    # climate_normals.daily_temp_sd_c), sunny summer days warmer and cloudy ones cooler; clear days swing wider.
    # The Parton-Logan curve joins them hour by hour (one day of margin on each side of the clock).
    all_days = np.arange(days[0] - 1, days[-1] + 2)
    all_doy = np.asarray(pd.DatetimeIndex(pd.Timestamp("1970-01-01") + pd.to_timedelta(all_days, unit="D")).day_of_year)
    day_sd = _smooth_monthly(normals["daily_temp_sd_c"].to_numpy(), all_doy)
    anomaly_noise = _ar1(streams.normal(config.seed, [key], "weather.temp", len(all_days))[0],
                         params.temperature_persistence)[0]
    summer = 0.5 + 0.5 * np.cos(2 * np.pi * (all_doy - 196) / 365.25)
    k_station = np.concatenate([k_day[0, :1], k_day[0], k_day[0, -1:]])
    k_norm = np.concatenate([k_target[:1], k_target, k_target[-1:]])
    anomaly = day_sd * anomaly_noise + params.cloud_temperature_coupling_c * summer * (k_station - k_norm)
    day_mean = _smooth_monthly(normals["mean_temp_c"].to_numpy(), all_doy) + anomaly
    half_range = 0.5 * _smooth_monthly(normals["diurnal_range_c"].to_numpy(), all_doy) * (0.55 + 0.5 * k_station)
    sunrise, sunset = sun_times(all_days, float(row["latitude"]), float(row["longitude"]))
    hours_utc = (clock.times.asi8 // 3_600_000_000_000 if clock.times.unit == "ns"
                 else clock.times.as_unit("ns").asi8 // 3_600_000_000_000).astype(float) + 0.5
    temp = diurnal_temperature(hours_utc, sunrise, sunset, day_mean - half_range, day_mean + half_range,
                               params.max_temp_lag_h, params.min_temp_lag_h, params.night_decay)
    wind = 2.0 + 1.5 * streams.uniform(config.seed, [key], "weather.wind", len(clock.times))[0]

    return TerritoryWorld(
        name=name,
        row=row,
        in_pack=in_pack,
        local_hour=local_naive.hour.to_numpy(),
        local_month=local_naive.month.to_numpy(),
        local_weekday=local_naive.day_of_week.to_numpy(),
        local_day=local_day,
        ghi=ghi[0],
        dni=dni[0],
        dhi=dhi[0],
        temp_air=temp,
        wind_speed=wind,
        solar_zenith=position["apparent_zenith"].to_numpy(),
        solar_azimuth=position["azimuth"].to_numpy(),
        dni_extra=pvlib.irradiance.get_extra_radiation(middle).to_numpy(),
        daily_clearness=k_day_hourly[0],
        cell_ghi=ghi[1:],
        cell_dni=dni[1:],
        cell_dhi=dhi[1:],
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
