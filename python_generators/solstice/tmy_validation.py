"""The weather process checked against real typical-year weather: the TMY files pvlib ships for Greensboro NC
(TMY3 723170) and Miami FL (TMY2 12839) - both cities of the pack.

The same PV chain the generator uses (PlaneCache: Hay-Davies transposition, IAM, Faiman cell temperature,
PVWatts DC, then the PVWatts inverter at DC/AC 1.2 with 14 % losses) runs on the real TMY weather and on a year
of the pack's synthetic weather for that city. Compared, with the method of reference 004 (a digital twin of
residential PV, which reports Jensen-Shannon divergences of 0.12-0.42 against real data):

* monthly GHI, each month within +/-10 % of the TMY month;
* the distribution of daily PV energy per kW DC: Jensen-Shannon divergence (base 2) below 0.1;
* the mean hourly profile over the year (local standard time): Pearson correlation above 0.95;
* cloud persistence: lag-1 autocorrelation of hourly clearness (GHI over Ineichen clear-sky GHI, daylight hours)
  around its day's mean, within +/-0.15 of the TMY file's (TMY: 0.41-0.43; independent hourly noise gives ~0);
* cloud variability within the day: standard deviation of hourly clearness around its day's mean within +/-0.04
  of the TMY file's (TMY: 0.167-0.177; before calibration the pack gave 0.08);
* smooth temperature: lag-1 autocorrelation of hourly temperature within +/-0.02 of the TMY file's, and the mean
  absolute temperature change from 23:00 to 00:00 between 0.45 and 0.9 times that of the other hours (TMY:
  0.58-0.72, nights cool slowly; a daily anomaly applied as a step at midnight gives 1.6-3.3, a cosine day 1.1).

`spatial` checks the clouds in space on a year of every territory (no real network data is stored here, so against
the published decorrelation lengths the generator uses): daily clearness of neighbouring territories' stations
(closer than 350 km: Los Angeles - San Diego 179 km, Boston - Newark 315 km) correlated between 0.15 and 0.85 (an
exponential decay with a 250 km e-folding length gives 0.28-0.49 before the hourly noise; independent territories
give ~0), and the weather cells of one territory correlated but not identical (daily clearness 0.6-0.99).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pvlib

from .config import project_root, resolve_pack
from .pv import PlaneCache
from .reference import load_reference
from .weather import TerritoryWorld, build_territories, build_territory, distance_km
from .world import Clock

TMY_FILES = {  # territory of the pack -> (file in pvlib's data folder, reader)
    "Piedmont Carolina Energy": ("723170TYA.CSV", "tmy3"),
    "Everglade Power": ("12839.tm2", "tmy2"),
}
DAILY_BINS = np.arange(0.0, 8.25, 0.25)  # kWh per kW DC per day
GHI_TOLERANCE, JSD_LIMIT, PEARSON_LIMIT = 0.10, 0.10, 0.95
CLEARNESS_LAG1_TOLERANCE, TEMPERATURE_LAG1_TOLERANCE, CLEARNESS_SD_TOLERANCE = 0.15, 0.02, 0.04
MIDNIGHT_RATIO_RANGE = (0.45, 0.9)
NEIGHBOUR_KM, NEIGHBOUR_CORRELATION_RANGE, CELL_CORRELATION_RANGE = 350.0, (0.15, 0.85), (0.6, 0.99)


@dataclass
class TmyComparison:
    city: str
    tmy_file: str
    monthly_ghi_tmy: np.ndarray  # kWh/m2, Jan..Dec
    monthly_ghi_synthetic: np.ndarray
    daily_kwh_per_kw_tmy: np.ndarray
    daily_kwh_per_kw_synthetic: np.ndarray
    hourly_profile_tmy: np.ndarray  # mean AC kWh per kW by local standard hour 0..23
    hourly_profile_synthetic: np.ndarray
    seams_tmy: "Seams"
    seams_synthetic: "Seams"

    @property
    def worst_month_deviation(self) -> float:
        return float(np.max(np.abs(self.monthly_ghi_synthetic / self.monthly_ghi_tmy - 1)))

    @property
    def jensen_shannon(self) -> float:
        return jensen_shannon(self.daily_kwh_per_kw_tmy, self.daily_kwh_per_kw_synthetic)

    @property
    def pearson(self) -> float:
        return float(np.corrcoef(self.hourly_profile_tmy, self.hourly_profile_synthetic)[0, 1])

    @property
    def passed(self) -> bool:
        return (self.worst_month_deviation <= GHI_TOLERANCE and self.jensen_shannon < JSD_LIMIT
                and self.pearson > PEARSON_LIMIT and self.seams_pass)

    @property
    def seams_pass(self) -> bool:
        real, synthetic = self.seams_tmy, self.seams_synthetic
        return (abs(synthetic.clearness_lag1 - real.clearness_lag1) <= CLEARNESS_LAG1_TOLERANCE
                and abs(synthetic.clearness_within_day_sd - real.clearness_within_day_sd) <= CLEARNESS_SD_TOLERANCE
                and abs(synthetic.temperature_lag1 - real.temperature_lag1) <= TEMPERATURE_LAG1_TOLERANCE
                and MIDNIGHT_RATIO_RANGE[0] <= synthetic.midnight_ratio <= MIDNIGHT_RATIO_RANGE[1])


@dataclass
class Seams:
    """How weather hangs together from hour to hour."""

    clearness_lag1: float  # lag-1 autocorrelation of hourly clearness around its day's mean (daylight hours)
    clearness_within_day_sd: float  # standard deviation of hourly clearness around its day's mean (daylight hours)
    temperature_lag1: float  # lag-1 autocorrelation of hourly temperature
    midnight_ratio: float  # mean |change| of temperature from 23:00 to 00:00 over that of the other hours
    midnight_change_c: float
    other_change_c: float


def seams(ghi: np.ndarray, clear_ghi: np.ndarray, temp: np.ndarray, hour: np.ndarray, day: np.ndarray) -> Seams:
    """Hour-to-hour persistence of clearness and temperature, and the temperature step at midnight."""
    clearness = pd.Series(np.where(clear_ghi > 50, ghi / np.maximum(clear_ghi, 1), np.nan))
    around_day = (clearness - clearness.groupby(day).transform("mean")).to_numpy()
    pairs = ~np.isnan(around_day[:-1]) & ~np.isnan(around_day[1:])
    change = np.abs(np.diff(temp))
    at_midnight = hour[1:] == 0
    midnight, other = float(change[at_midnight].mean()), float(change[~at_midnight].mean())
    return Seams(clearness_lag1=float(np.corrcoef(around_day[:-1][pairs], around_day[1:][pairs])[0, 1]),
                 clearness_within_day_sd=float(np.nanstd(around_day)),
                 temperature_lag1=float(np.corrcoef(temp[:-1], temp[1:])[0, 1]),
                 midnight_ratio=midnight / other, midnight_change_c=midnight, other_change_c=other)


def _clear_ghi(latitude: float, longitude: float, altitude: float, starts: pd.DatetimeIndex) -> np.ndarray:
    location = pvlib.location.Location(latitude, longitude, altitude=altitude)
    return location.get_clearsky(starts + pd.Timedelta(minutes=30), model="ineichen")["ghi"].to_numpy()


def jensen_shannon(a: np.ndarray, b: np.ndarray, bins: np.ndarray = DAILY_BINS) -> float:
    """Jensen-Shannon divergence (base 2, between 0 and 1) of two samples' histograms on shared bins."""
    p = np.histogram(np.clip(a, bins[0], bins[-1] - 1e-9), bins=bins)[0].astype(float)
    q = np.histogram(np.clip(b, bins[0], bins[-1] - 1e-9), bins=bins)[0].astype(float)
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(x, y):
        mask = x > 0
        return float(np.sum(x[mask] * np.log2(x[mask] / y[mask])))

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def _read_tmy(file: str, reader: str) -> tuple[pd.DataFrame, dict]:
    path = os.path.join(os.path.dirname(pvlib.__file__), "data", file)
    if reader == "tmy3":
        data, meta = pvlib.iotools.read_tmy3(path, map_variables=True)
        frame = pd.DataFrame({"ghi": data["ghi"], "dni": data["dni"], "dhi": data["dhi"],
                              "temp_air": data["temp_air"], "wind_speed": data["wind_speed"]})
    else:
        data, meta = pvlib.iotools.read_tmy2(path)
        # TMY2 stores temperature and wind speed in tenths (NREL TMY2 user manual)
        frame = pd.DataFrame({"ghi": data["GHI"], "dni": data["DNI"], "dhi": data["DHI"],
                              "temp_air": data["DryBulb"] / 10, "wind_speed": data["Wspd"] / 10})
    return frame.reset_index(drop=True).iloc[:8760], meta


def _world_from_tmy(frame: pd.DataFrame, meta: dict) -> TerritoryWorld:
    """The TMY rows as a one-year world (hours starting at local standard midnight, Jan 1)."""
    offset = int(meta["TZ"])
    starts = pd.date_range("2025-01-01", periods=len(frame), freq="h", tz=f"Etc/GMT{-offset:+d}")
    middle = starts + pd.Timedelta(minutes=30)  # TMY hours are averages: place the sun mid-hour
    location = pvlib.location.Location(meta["latitude"], meta["longitude"], altitude=meta["altitude"])
    position = location.get_solarposition(middle)
    n = len(frame)
    return TerritoryWorld(
        name=meta.get("Name", meta.get("City", "TMY")), row=pd.Series(dtype=object),
        in_pack=np.ones(n, bool), local_hour=starts.hour.to_numpy(), local_month=starts.month.to_numpy(),
        local_weekday=starts.day_of_week.to_numpy(), local_day=np.asarray(starts.day_of_year),
        ghi=frame["ghi"].to_numpy(float), dni=frame["dni"].to_numpy(float), dhi=frame["dhi"].to_numpy(float),
        temp_air=frame["temp_air"].to_numpy(float), wind_speed=frame["wind_speed"].to_numpy(float),
        solar_zenith=position["apparent_zenith"].to_numpy(), solar_azimuth=position["azimuth"].to_numpy(),
        dni_extra=pvlib.irradiance.get_extra_radiation(middle).to_numpy(), daily_clearness=np.ones(n),
    )


def _ac_per_kw(world: TerritoryWorld, latitude: float, gamma_pdc: float) -> np.ndarray:
    """Hourly AC kWh of 1 kW DC on a south roof tilted at 20 degrees (PVWatts defaults: 14 % loss, DC/AC 1.2)."""
    dc = PlaneCache({world.name: world}, gamma_pdc).get(world.name, np.array([20.0]), np.array([180.0]))[:, 0]
    return np.nan_to_num(pvlib.inverter.pvwatts(dc.astype(float) * 0.86, pdc0=1 / 1.2 / 0.96, eta_inv_nom=0.96))


def _summaries(world: TerritoryWorld, ac: np.ndarray, standard_hour: np.ndarray, month: np.ndarray,
               day: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    keep = world.in_pack
    frame = pd.DataFrame({"ghi": world.ghi[keep] / 1000, "ac": ac[keep], "hour": standard_hour[keep],
                          "month": month[keep], "day": day[keep]})
    monthly = frame.groupby("month")["ghi"].sum().reindex(range(1, 13)).to_numpy()
    daily = frame.groupby("day")["ac"].sum().to_numpy()
    profile = frame.groupby("hour")["ac"].mean().reindex(range(24)).to_numpy()
    return monthly, daily, profile


def compare(seed: int = 42) -> list[TmyComparison]:
    """Each TMY city against a calendar year (2025) of the pack's synthetic weather for the same city."""
    root = project_root()
    reference = load_reference(root)
    config = resolve_pack(root, "mvp", seed=seed, start="2025-01", months=12, known_states=reference.states)
    territories = reference.territories.set_index("utility_territory")
    gamma_pdc = reference.parameter("pv_temperature_coefficient_per_c")
    results = []
    for territory, (file, reader) in TMY_FILES.items():
        row = territories.loc[territory].copy()
        row["utility_territory"] = territory
        clock = Clock.for_pack(config, [row["timezone"]])
        synthetic = build_territory(config, clock, row, reference)
        frame, meta = _read_tmy(file, reader)
        real = _world_from_tmy(frame, meta)
        # Both on local standard time (TMY files ignore daylight saving time).
        standard = clock.times.tz_convert(f"Etc/GMT{-int(meta['TZ']):+d}")
        synthetic_summary = _summaries(synthetic, _ac_per_kw(synthetic, row["latitude"], gamma_pdc), standard.hour.to_numpy(),
                                       standard.month.to_numpy(), np.asarray(standard.day_of_year))
        real_summary = _summaries(real, _ac_per_kw(real, meta["latitude"], gamma_pdc), real.local_hour, real.local_month,
                                  real.local_day)
        keep = synthetic.in_pack
        synthetic_clear = _clear_ghi(row["latitude"], row["longitude"], row["altitude_m"], clock.times)
        tmy_starts = pd.date_range("2025-01-01", periods=len(frame), freq="h", tz=f"Etc/GMT{-int(meta['TZ']):+d}")
        real_clear = _clear_ghi(meta["latitude"], meta["longitude"], meta["altitude"], tmy_starts)
        results.append(TmyComparison(
            city=f"{row['city']}, {row['state']}", tmy_file=file,
            monthly_ghi_tmy=real_summary[0], monthly_ghi_synthetic=synthetic_summary[0],
            daily_kwh_per_kw_tmy=real_summary[1], daily_kwh_per_kw_synthetic=synthetic_summary[1],
            hourly_profile_tmy=real_summary[2], hourly_profile_synthetic=synthetic_summary[2],
            seams_tmy=seams(real.ghi, real_clear, real.temp_air, real.local_hour, real.local_day),
            seams_synthetic=seams(synthetic.ghi[keep], synthetic_clear[keep], synthetic.temp_air[keep],
                                  standard.hour.to_numpy()[keep], np.asarray(standard.day_of_year)[keep])))
    return results


@dataclass
class SpatialCheck:
    """Clouds in space over a year: neighbouring territories and the weather cells of each territory."""

    neighbours: pd.DataFrame  # territory_a, territory_b, distance_km, daily_clearness_correlation
    cells: pd.DataFrame  # utility_territory, min_cell_correlation, max_cell_correlation (daily clearness)

    @property
    def passed(self) -> bool:
        close = self.neighbours[self.neighbours["distance_km"] < NEIGHBOUR_KM]["daily_clearness_correlation"]
        low, high = NEIGHBOUR_CORRELATION_RANGE
        cell_low, cell_high = CELL_CORRELATION_RANGE
        return (len(close) > 0 and bool(close.between(low, high).all())
                and bool((self.cells["min_cell_correlation"] >= cell_low).all())
                and bool((self.cells["max_cell_correlation"] <= cell_high).all()))


def daily_clearness(ghi: np.ndarray, clear_ghi: np.ndarray, day: np.ndarray) -> pd.Series:
    """Each day's clearness: irradiation over clear-sky irradiation (by day label)."""
    sums = pd.DataFrame({"day": day, "ghi": ghi, "clear": clear_ghi}).groupby("day").sum()
    return sums["ghi"] / sums["clear"].clip(lower=1.0)


def spatial(seed: int = 42) -> SpatialCheck:
    """A calendar year (2025) of every territory's weather: daily clearness correlation of station pairs within
    700 km and between the weather cells of each territory."""
    root = project_root()
    reference = load_reference(root)
    config = resolve_pack(root, "mvp", seed=seed, start="2025-01", months=12, known_states=reference.states)
    territories = reference.territories
    clock = Clock.for_pack(config, territories["timezone"].unique())
    worlds = build_territories(config, clock, territories, reference)
    stations, cells = {}, []
    for _, row in territories.iterrows():
        world = worlds[row["utility_territory"]]
        keep = world.in_pack
        clear = _clear_ghi(row["latitude"], row["longitude"], row["altitude_m"], clock.times)[keep]
        day = world.local_day[keep]
        stations[row["utility_territory"]] = daily_clearness(world.ghi[keep], clear, day)
        per_cell = np.stack([daily_clearness(ghi[keep], clear, day).to_numpy() for ghi in world.cell_ghi])
        pairs = np.corrcoef(per_cell)[np.triu_indices(len(per_cell), 1)]
        cells.append((row["utility_territory"], float(pairs.min()), float(pairs.max())))
    distance = distance_km(territories["latitude"].to_numpy(), territories["longitude"].to_numpy())
    names = territories["utility_territory"].tolist()
    neighbours = []
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            if distance[i, j] < 700:
                both = stations[a].index.intersection(stations[names[j]].index)
                correlation = np.corrcoef(stations[a][both], stations[names[j]][both])[0, 1]
                neighbours.append((a, names[j], float(distance[i, j]), float(correlation)))
    return SpatialCheck(
        neighbours=pd.DataFrame(neighbours, columns=["territory_a", "territory_b", "distance_km",
                                                     "daily_clearness_correlation"]),
        cells=pd.DataFrame(cells, columns=["utility_territory", "min_cell_correlation", "max_cell_correlation"]))
