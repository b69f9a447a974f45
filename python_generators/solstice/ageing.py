"""Ageing of the home's equipment: PV modules lose output year by year, batteries lose capacity with calendar time,
temperature and cycling, and inverters and batteries wear out (a hazard rising with age) and are replaced.

Pure functions on arrays (one element per home); the `Simulator` calls them with what they need and uses what
they return. Constants come from seeds/simulation_parameters.csv (process `ageing`) and seeds/battery_chemistries.csv
(one row per chemistry), where each one cites its source.

* PV: each system has its own degradation rate, log-normal around the NREL fleet median (Jordan & Kurtz 2013,
  Jordan et al. 2016: median 0.5-0.6 %/yr, a right-skewed distribution); output scales with 1 - rate x age, the
  age taken hour by hour from commissioning.
* Battery: the semi-empirical form of NREL's BLAST-Lite models (Smith et al. 2017): calendar fade
  q_cal = k_cal x s x sqrt(t), with stress s = Arrhenius(T) x exp(beta (SoC - 0.5)), plus cycle fade
  q_cyc = k_cyc x equivalent full cycles. Stress changes from day to day, so the calendar term integrates a virtual
  time tau = sum(s^2 dt) (q_cal = k_cal sqrt(tau) equals k_cal s sqrt(t) at constant stress and never jumps).
* Wear-out: Weibull lifetimes (hazard (k / lambda) (a / lambda)^(k-1) rising with age a), drawn conditional on the
  unit having survived to the pack's start.
"""

from __future__ import annotations

import dataclasses

import numpy as np

GAS_CONSTANT = 8.314  # J / (mol K)
REFERENCE_TEMP_K = 298.15  # 25 C, the temperature the fade coefficients are quoted at


# ------------------------------------------------------------------------------------------------------ PV
def pv_degradation_rates(z: np.ndarray, median_pct: float, sigma: float, max_pct: float) -> np.ndarray:
    """Per-system PV degradation rate (fraction per year) from a standard normal draw per system:
    log-normal around `median_pct` (%/yr) with log-spread `sigma`, capped at `max_pct`."""
    return np.minimum(median_pct * np.exp(sigma * np.asarray(z, dtype=float)), max_pct) / 100.0


def pv_derate(age_years: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """Output factor of modules `age_years` old (broadcasting: (hours, homes) ages, (homes,) rates); before
    commissioning (negative age) the factor is 1."""
    return 1.0 - rate * np.maximum(age_years, 0.0)


# ------------------------------------------------------------------------------------------------------ battery
@dataclasses.dataclass(frozen=True)
class FadeParams:
    """Fade coefficients per home (arrays), from the chemistry seed."""

    k_cal: np.ndarray  # calendar fade at 25 C and 50 % SoC, fraction per sqrt(year)
    k_cyc: np.ndarray  # cycle fade, fraction per equivalent full cycle
    activation_j_per_mol: np.ndarray  # Arrhenius activation energy of calendar fade
    soc_beta: np.ndarray  # calendar fade grows by exp(beta (SoC - 0.5))


@dataclasses.dataclass
class BatteryWear:
    """The ageing state of each home's battery: calendar virtual time (years at reference stress) and equivalent
    full cycles since the unit was installed."""

    tau_years: np.ndarray
    efc: np.ndarray


def calendar_stress(temp_c: np.ndarray, soc: np.ndarray, params: FadeParams) -> np.ndarray:
    """Calendar stress factor s relative to 25 C and 50 % SoC (s = 1 there)."""
    temp_k = np.asarray(temp_c, dtype=float) + 273.15
    arrhenius = np.exp(-params.activation_j_per_mol / GAS_CONSTANT * (1.0 / temp_k - 1.0 / REFERENCE_TEMP_K))
    return arrhenius * np.exp(params.soc_beta * (np.asarray(soc, dtype=float) - 0.5))


def state_of_health(wear: BatteryWear, params: FadeParams) -> np.ndarray:
    """Remaining capacity as a fraction of nameplate: 1 - k_cal sqrt(tau) - k_cyc efc (never below 0)."""
    return np.clip(1.0 - params.k_cal * np.sqrt(np.maximum(wear.tau_years, 0.0)) - params.k_cyc * wear.efc, 0.0, 1.0)


def wear_at_start(age_days: np.ndarray, history_temp_c: np.ndarray, history_soc: float, history_efc_per_day: float,
                  params: FadeParams) -> BatteryWear:
    """The wear a battery carries into the pack: `age_days` of service (0 if installed later) at the territory's
    mean temperature, a typical mean SoC and a typical cycling rate."""
    days = np.maximum(np.asarray(age_days, dtype=float), 0.0)
    stress = calendar_stress(history_temp_c, np.full(days.shape, history_soc), params)
    return BatteryWear(tau_years=stress**2 * days / 365.0, efc=days * history_efc_per_day)


def wear_one_day(wear: BatteryWear, in_service: np.ndarray, discharged_kwh: np.ndarray, nominal_kwh: np.ndarray,
                 temp_c: np.ndarray, mean_soc: np.ndarray, params: FadeParams,
                 replaced: np.ndarray | None = None) -> BatteryWear:
    """One day of ageing: calendar time at the day's stress and the day's equivalent full cycles
    (DC discharge throughput over nameplate capacity) for batteries in service; a replaced battery starts new."""
    stress = calendar_stress(temp_c, mean_soc, params)
    cycles = np.where(nominal_kwh > 0, discharged_kwh / np.maximum(nominal_kwh, 1e-9), 0.0)
    tau = wear.tau_years + np.where(in_service, stress**2 / 365.0, 0.0)
    efc = wear.efc + np.where(in_service, cycles, 0.0)
    if replaced is not None:
        tau = np.where(replaced, 0.0, tau)
        efc = np.where(replaced, 0.0, efc)
    return BatteryWear(tau_years=tau, efc=efc)


def battery_temperature(outdoor_c: np.ndarray, indoor_c: float, outdoor_weight: float) -> np.ndarray:
    """Cell temperature of a home battery (garage or wall mounted, with its own thermal management): a mix of the
    outdoor and the indoor temperature."""
    return outdoor_weight * np.asarray(outdoor_c, dtype=float) + (1.0 - outdoor_weight) * indoor_c


# ------------------------------------------------------------------------------------------------------ wear-out
def weibull_failure_age(age_now: np.ndarray, u: np.ndarray, scale_years: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """Age (years) at which a unit now `age_now` years old fails, drawn from a Weibull lifetime conditional on its
    survival so far: S(a) / S(a0) = u  =>  a = scale ((a0 / scale)^k - ln u)^(1/k)."""
    a0 = np.maximum(np.asarray(age_now, dtype=float), 0.0)
    u = np.clip(np.asarray(u, dtype=float), 1e-12, 1.0)
    return scale_years * ((a0 / scale_years) ** shape - np.log(u)) ** (1.0 / shape)


def weibull_hazard(age_years: np.ndarray, scale_years: float, shape: float) -> np.ndarray:
    """Failures per unit-year at a given age: (k / lambda) (a / lambda)^(k-1)."""
    return shape / scale_years * (np.maximum(age_years, 0.0) / scale_years) ** (shape - 1.0)


def failure_days(install_day: np.ndarray, first_day: np.ndarray, end_day: int, u: np.ndarray,
                 scale_years: np.ndarray, shape: np.ndarray) -> np.ndarray:
    """Day (days since 1970-01-01) of the unit's wear-out failure inside [first_day, end_day), or -1: the unit
    installed on `install_day` has survived to `first_day` (the later of the pack's start and its install)."""
    age_now = (first_day - install_day) / 365.0
    fail_age = weibull_failure_age(age_now, u, scale_years, shape)
    day = install_day + np.floor(fail_age * 365.0).astype(np.int64)
    return np.where((day >= first_day) & (day < end_day) & (install_day >= 0), day, -1)


def fade_params(chemistries, chemistry: np.ndarray, soc_beta: float) -> FadeParams:
    """Per-home fade coefficients from the chemistry seed (a DataFrame with one row per chemistry)."""
    table = chemistries.set_index("chemistry").reindex(chemistry)
    return FadeParams(
        k_cal=np.nan_to_num(table["calendar_fade_pct_per_sqrt_year"].to_numpy(float)) / 100.0,
        k_cyc=np.nan_to_num(table["cycle_fade_pct_per_efc"].to_numpy(float)) / 100.0,
        activation_j_per_mol=np.nan_to_num(table["calendar_activation_energy_j_per_mol"].to_numpy(float)),
        soc_beta=np.full(len(chemistry), soc_beta),
    )


class DailyFade:
    """Capacity of each home's battery through the hourly simulation, updated at the end of every 24-hour block
    from that day's temperature, mean state of charge and discharge throughput.

    Inputs are explicit arrays: starting wear, fade parameters, nameplate kWh per home, hourly cell temperature
    and in-service mask (hours, homes), and the hour index at which a replacement unit is commissioned (-1: none).
    `step` takes the hour's state of charge (kWh) and DC discharge (kWh) and returns the usable capacity (kWh)."""

    def __init__(self, wear: BatteryWear, params: FadeParams, nominal_kwh: np.ndarray, temp_c: np.ndarray,
                 in_service: np.ndarray, replace_hour: np.ndarray):
        self.wear, self.params, self.nominal = wear, params, nominal_kwh
        self.temp_c, self.in_service, self.replace_hour = temp_c, in_service, replace_hour
        self.soh = state_of_health(wear, params)
        self._soc = np.zeros(len(nominal_kwh))
        self._dis = np.zeros(len(nominal_kwh))
        self._hours = 0

    @property
    def capacity(self) -> np.ndarray:
        return self.nominal * self.soh

    def step(self, h: int, soc_kwh: np.ndarray, discharged_dc_kwh: np.ndarray) -> np.ndarray:
        return self.add_hours(h, soc_kwh, discharged_dc_kwh, 1)

    def add_hours(self, h: int, soc_kwh_sum: np.ndarray, discharged_dc_kwh_sum: np.ndarray, hours: int) -> np.ndarray:
        """Hours up to h (hours of them) with their summed state of charge and DC discharge, kWh; a day that ends
        at h updates the wear. Returns the usable capacity from the next hour on."""
        self._soc += soc_kwh_sum
        self._dis += discharged_dc_kwh_sum
        self._hours += hours
        if (h + 1) % 24 == 0 or h == self.temp_c.shape[0] - 1:
            lo = h + 1 - self._hours
            mean_soc = np.where(self.nominal > 0, self._soc / self._hours / np.maximum(self.capacity, 1e-9), 0.0)
            replaced = (self.replace_hour >= lo) & (self.replace_hour <= h)
            self.wear = wear_one_day(self.wear, self.in_service[h], self._dis, self.nominal,
                                     self.temp_c[lo:h + 1].mean(axis=0), np.clip(mean_soc, 0.0, 1.0), self.params,
                                     replaced)
            self.soh = state_of_health(self.wear, self.params)
            self._soc[:], self._dis[:], self._hours = 0.0, 0.0, 0
        return self.capacity
