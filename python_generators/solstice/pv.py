"""Rooftop PV: the DC output of each roof plane on its weather cell, near-field shading, module ageing, faults
and the inverter.

The chain is pvlib's: Hay-Davies transposition, the physical incidence-angle modifier, Faiman cell temperature,
PVWatts DC (temperature coefficient from seed simulation_parameters) and the PVWatts inverter model (Dobos 2014,
NREL/TP-6A20-62641). Pure functions on arrays (hours, homes); the `Simulator` passes what they need.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pvlib

from . import ageing, weather
from .weather import TerritoryWorld


class PlaneCache:
    """DC output per kW of one roof plane (territory, weather cell, tilt, azimuth) on that weather, computed once.
    cell None: the territory's station (the raw weather feed). `gamma_pdc`: the modules' power temperature
    coefficient per degree C (simulation_parameters pv_temperature_coefficient_per_c)."""

    def __init__(self, worlds: dict[str, TerritoryWorld], gamma_pdc: float):
        self.worlds = worlds
        self.gamma_pdc = gamma_pdc
        self.cache: dict[tuple, np.ndarray] = {}

    def get(self, territory: str, tilts: np.ndarray, azimuths: np.ndarray, cell: int | None = None) -> np.ndarray:
        keys = [(territory, cell, float(t), float(a)) for t, a in zip(tilts, azimuths)]
        missing = sorted({k for k in keys if k not in self.cache}, key=lambda k: k[2:])
        if missing:
            w = self.worlds[territory]
            ghi, dni, dhi = (w.ghi, w.dni, w.dhi) if cell is None else (w.cell_ghi[cell], w.cell_dni[cell],
                                                                      w.cell_dhi[cell])
            tilt = np.array([k[2] for k in missing])[None, :]
            azim = np.array([k[3] for k in missing])[None, :]
            # Only hours with light: elsewhere every term of the chain is zero (the result is the same, in half the
            # work - it matters once each territory has several weather cells).
            lit = np.flatnonzero(ghi > 0)
            zen, saz = w.solar_zenith[lit, None], w.solar_azimuth[lit, None]
            poa = pvlib.irradiance.get_total_irradiance(
                tilt, azim, zen, saz, dni[lit, None], ghi[lit, None], dhi[lit, None],
                dni_extra=w.dni_extra[lit, None], model="haydavies")
            aoi = pvlib.irradiance.aoi(tilt, azim, zen, saz)
            iam = pvlib.iam.physical(np.clip(aoi, 0, 90))
            effective = np.nan_to_num(poa["poa_direct"] * iam + poa["poa_diffuse"], nan=0.0)
            cell_temp = pvlib.temperature.faiman(np.nan_to_num(poa["poa_global"]), w.temp_air[lit, None],
                                                 w.wind_speed[lit, None])
            dc_lit = pvlib.pvsystem.pvwatts_dc(effective, cell_temp, pdc0=1.0, gamma_pdc=self.gamma_pdc)
            dc = np.zeros((len(ghi), len(missing)), dtype=np.float32)
            dc[lit] = np.clip(np.nan_to_num(dc_lit, nan=0.0), 0, None).astype(np.float32)
            for j, k in enumerate(missing):
                self.cache[k] = dc[:, j]
        return np.stack([self.cache[k] for k in keys], axis=1)


@dataclasses.dataclass
class Roofs:
    """The PV systems of a batch of homes (one element per home)."""

    territory: np.ndarray  # index into the simulator's territory list
    latitude: np.ndarray
    longitude: np.ndarray
    tilt1: np.ndarray
    az1: np.ndarray
    tilt2: np.ndarray
    az2: np.ndarray
    share1: np.ndarray  # share of the modules on the primary plane
    shading_band: np.ndarray  # low / moderate / high
    kw_dc: np.ndarray
    kw_ac: np.ndarray
    losses_pct: np.ndarray
    pto_day: np.ndarray  # commissioning day (ageing starts there)


def dc_per_kw(planes: PlaneCache, names: list[str], roofs: Roofs, hours: int) -> np.ndarray:
    """Unshaded DC output per kW of each home's array: its planes, each on the weather cell the home lies in
    (the quadrant of its territory)."""
    dc = np.zeros((hours, len(roofs.territory)), dtype=np.float64)
    for k, name in enumerate(names):
        cols = np.flatnonzero(roofs.territory == k)
        if not len(cols):
            continue
        world = planes.worlds[name]
        home_cells = weather.household_cells(roofs.latitude[cols], roofs.longitude[cols], world.row["latitude"],
                                             world.row["longitude"], len(world.cell_ghi))
        for cell in np.unique(home_cells):
            i = cols[home_cells == cell]
            p1 = planes.get(name, roofs.tilt1[i], roofs.az1[i], int(cell))
            p2 = planes.get(name, roofs.tilt2[i], roofs.az2[i], int(cell))
            share = roofs.share1[i][None, :]
            dc[:, i] = share * p1 + (1 - share) * p2
    return dc


def shading_factor(shading_band: np.ndarray, solar_zenith: np.ndarray, band_loss: dict[str, float],
                   low_sun_gain: float, elevation_slope: float, max_loss: float) -> np.ndarray:
    """Share of light left by near-field shading (trees, chimneys, neighbours), which bites hardest at low sun:
    the band's loss times (low_sun_gain - elevation_slope * sin(elevation)), capped at max_loss. `band_loss`
    maps the shading bands to their loss (seed solar_design_factors)."""
    elevation_sin = np.clip(np.cos(np.radians(solar_zenith)), 0, 1)
    loss = np.select([shading_band == "high", shading_band == "moderate"], [band_loss["high"], band_loss["moderate"]],
                     band_loss["low"])
    return 1 - np.clip(loss[None, :] * (low_sun_gain - elevation_slope * elevation_sin), 0, max_loss)


def ac_output(dc_kw_per_kw: np.ndarray, shade: np.ndarray, age_derate: np.ndarray, roofs: Roofs,
              solar_derate: np.ndarray, solar_off: np.ndarray, derated_share: float,
              inverter_efficiency: float) -> np.ndarray:
    """AC output (kWh per hour): the array's DC after shading, ageing and wiring/soiling losses, cut while a
    fault derates or stops it, through the PVWatts inverter (clipping at the AC rating)."""
    pdc = dc_kw_per_kw * shade * age_derate * (roofs.kw_dc * (1 - roofs.losses_pct / 100.0))[None, :]
    pdc = np.where(solar_derate, pdc * derated_share, pdc)
    pdc = np.where(solar_off, 0.0, pdc)
    pac = pvlib.inverter.pvwatts(pdc, pdc0=(roofs.kw_ac / inverter_efficiency)[None, :],
                                 eta_inv_nom=inverter_efficiency)
    return np.clip(np.nan_to_num(pac, nan=0.0), 0, None)


def age_derate(day: np.ndarray, pto_day: np.ndarray, rate_pct_per_year: np.ndarray) -> np.ndarray:
    """Modules age hour by hour from commissioning, each system at its own rate (ageing.py)."""
    return ageing.pv_derate((day - pto_day[None, :]) / 365.0, rate_pct_per_year[None, :])
