"""Service events: equipment faults and customer questions, and wear-out failures of inverters and batteries —
what each does to the device hour by hour, and the support ticket it opens.

Faults and questions are Poisson events per issue type at the rates of seeds/service_issue_types.csv (NREL PV
fleet reliability studies; see its `modelled_on` column); wear-out failures follow a Weibull hazard rising with
age (ageing.py; scales and shapes in seeds/simulation_parameters.csv and battery_chemistries.csv). Pure functions
on arrays (one element per home, hours x homes for the device effects); the `Simulator` passes what they need.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from . import ageing, streams

HOUR = pd.Timedelta(hours=1)
TICKET_COLUMNS = ["ticket_id", "household_id", "opened_at", "closed_at", "issue_category", "severity",
                  "truck_roll_flag", "equipment_replaced_flag"]
EFFECTS = ("solar_off", "solar_derate", "battery_off", "offline")
MAX_EVENTS = 4  # events per home and issue type in a pack at most (the Poisson draw is truncated there)


@dataclasses.dataclass
class Homes:
    """The batch's homes as the service processes see them (one element per home)."""

    keys: np.ndarray  # household numbers (stream keys)
    ids: np.ndarray  # household ids
    operating: np.ndarray  # has a commissioned system
    has_battery: np.ndarray
    microinverter: np.ndarray  # inverter type is microinverter (else string or hybrid)
    chemistry: np.ndarray  # battery chemistry (seed battery_chemistries)
    pto_day: np.ndarray  # commissioning day of the PV system
    install_day: np.ndarray  # installation day of the battery
    first_day: np.ndarray  # local day of the clock's first hour in the home's territory
    first_hour: np.ndarray  # local hour of it


@dataclasses.dataclass(frozen=True)
class FaultParameters:
    """How faults play out (seeds/simulation_parameters.csv, process `faults`)."""

    resolution_log_sigma: float  # spread of the time to resolve around the issue type's median
    opened_after_hour_first: float  # tickets open during the working day: first hour ...
    opened_after_hour_span: float  # ... and its length in hours
    derated_output_share: float  # a `solar_derate` fault leaves this share of the PV output
    # Days from a fault's onset to its ticket, by device effect (times 0.5-1.5): what the customer or the
    # monitoring notices first.
    ticket_lag_days_solar_off: float
    ticket_lag_days_solar_derate: float
    ticket_lag_days_battery_off: float
    ticket_lag_days_device_offline: float
    wearout_replacement_days: float  # median days from a wear-out failure to the replacement unit
    wearout_replacement_log_sigma: float
    inverter_micro_weibull_scale_years: float
    inverter_string_weibull_scale_years: float
    inverter_weibull_shape: float

    @classmethod
    def from_reference(cls, ref) -> "FaultParameters":
        """Rows `faults_<field>`; the wear-out ones are the ageing process's rows of the same name."""
        wearout = ("wearout_replacement_days", "wearout_replacement_log_sigma", "inverter_micro_weibull_scale_years",
                   "inverter_string_weibull_scale_years", "inverter_weibull_shape")
        return cls(**{f.name: ref.parameter(f.name if f.name in wearout else f"faults_{f.name}")
                      for f in dataclasses.fields(cls)})

    def ticket_lag_days(self, effect: str) -> float:
        return 0 if effect == "none" else getattr(self, f"ticket_lag_days_{effect}")


def service_faults(issue_types: pd.DataFrame, homes: Homes, start_day: np.ndarray, end_day: int, hours: int,
                   params: FaultParameters, seed: int) -> tuple[dict[str, np.ndarray], pd.DataFrame]:
    """Faults and questions from `start_day` (each home's first operating day) to `end_day`: the hours each
    device effect holds (dict of (hours, homes) masks) and the tickets."""
    b = len(homes.keys)
    keys = homes.keys
    effects = {name: np.zeros((hours, b), bool) for name in EFFECTS}
    rows = []
    window = np.maximum(end_day - start_day, 0)
    max_events = MAX_EVENTS
    for _, issue in issue_types.iterrows():
        cat = issue["issue_category"]
        applies = homes.operating.copy()
        if issue["applies_to"] == "battery":
            applies &= homes.has_battery
        rate = issue["annual_rate"] * window / 365.0
        u_n = streams.uniform(seed, keys, f"fault.{cat}.count")
        counts = np.zeros(b, dtype=int)
        p_k, cdf = np.exp(-rate), np.exp(-rate)
        for k in range(1, max_events + 1):
            counts += (u_n > cdf).astype(int)
            p_k = p_k * rate / k
            cdf = cdf + p_k
        counts = np.where(applies, counts, 0)
        u_at = streams.uniform(seed, keys, f"fault.{cat}.at", max_events)
        z_res = streams.normal(seed, keys, f"fault.{cat}.resolution", max_events)
        u_lag = streams.uniform(seed, keys, f"fault.{cat}.lag", max_events)
        u_sev = streams.uniform(seed, keys, f"fault.{cat}.severity", max_events)
        u_truck = streams.uniform(seed, keys, f"fault.{cat}.truck", max_events)
        u_repl = streams.uniform(seed, keys, f"fault.{cat}.replace", max_events)
        u_hour = streams.uniform(seed, keys, f"fault.{cat}.hour", max_events)
        lag_days = params.ticket_lag_days(issue["device_effect"])
        for j in np.flatnonzero(counts):
            for e in range(counts[j]):
                onset = start_day[j] + u_at[j, e] * window[j]
                opened = onset + lag_days * (0.5 + u_lag[j, e])
                resolution = max(0.1, issue["median_resolution_days"]
                                 * np.exp(params.resolution_log_sigma * z_res[j, e]))
                closed = opened + resolution
                if opened >= end_day:
                    continue
                effect = issue["device_effect"]
                if effect != "none":
                    h0 = int((onset - homes.first_day[j]) * 24 - homes.first_hour[j])
                    h1 = int((closed - homes.first_day[j]) * 24 - homes.first_hour[j])
                    name = "offline" if effect == "device_offline" else effect
                    effects[name][max(h0, 0):max(min(h1, hours), 0), j] = True
                severity = "high" if u_sev[j, e] < issue["severity_high_share"] else (
                    "moderate" if u_sev[j, e] < issue["severity_high_share"] + issue["severity_moderate_share"] else "low")
                truck = u_truck[j, e] < issue["truck_roll_share"]
                replaced = truck and u_repl[j, e] < issue["equipment_replaced_share"] / max(issue["truck_roll_share"], 1e-9)
                open_ts = pd.Timestamp(int(opened) * 86400 + int(params.opened_after_hour_first
                                                                 + params.opened_after_hour_span * u_hour[j, e]) * 3600,
                                       unit="s", tz="UTC")
                close_ts = (open_ts + pd.Timedelta(days=float(resolution))).round("min")
                rows.append((
                    f"TKT-{keys[j]:06d}-{cat[:3].upper()}{e + 1}", homes.ids[j], open_ts,
                    close_ts if close_ts < pd.Timestamp(end_day * 86400, unit="s", tz="UTC") else pd.NaT,
                    cat, severity, bool(truck), bool(replaced),
                ))
    tickets = pd.DataFrame(rows, columns=TICKET_COLUMNS)
    tickets["closed_at"] = pd.to_datetime(tickets["closed_at"], utc=True)
    return effects, tickets


def wearout_failures(homes: Homes, chemistries: pd.DataFrame, effects: dict[str, np.ndarray], tickets: pd.DataFrame,
                     start_day: int, end_day: int, clock_start: pd.Timestamp, hours: int, params: FaultParameters,
                     seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """Wear-out failures of inverters and batteries (Weibull hazard rising with age, ageing.py): the equipment
    is off until a replacement unit is commissioned; each one is a ticket with `equipment_replaced_flag`.
    Marks `effects` in place; returns the tickets with these added and the hour each battery is replaced
    (-1: none)."""
    keys, H = homes.keys, hours
    b = len(keys)
    replace_hour = np.full(b, -1, dtype=np.int64)
    chem = chemistries.set_index("chemistry").reindex(homes.chemistry)
    units = {  # category: (applies, installed on, Weibull scale, Weibull shape, effect)
        "inverter_fault": (homes.operating, homes.pto_day, np.where(
            homes.microinverter, params.inverter_micro_weibull_scale_years,
            params.inverter_string_weibull_scale_years), params.inverter_weibull_shape, "solar_off"),
        "battery_alert": (homes.has_battery, homes.install_day,
                          np.nan_to_num(chem["wearout_weibull_scale_years"].to_numpy(float), nan=1.0),
                          np.nan_to_num(chem["wearout_weibull_shape"].to_numpy(float), nan=1.0), "battery_off"),
    }
    # A battery ticket that replaced the equipment (a fault found in service) installs a new battery too.
    if len(tickets):
        swapped = tickets[(tickets["issue_category"] == "battery_alert") & tickets["equipment_replaced_flag"]
                          & tickets["closed_at"].notna()]
        col = pd.Series(np.arange(b), index=homes.ids)
        hour = ((swapped["closed_at"] - clock_start) / HOUR).astype(int).to_numpy()
        replace_hour[col.loc[swapped["household_id"]].to_numpy()] = np.where(hour < H, hour, -1)
    rows = []
    lag_days = params.wearout_replacement_days
    first_hour, span = params.opened_after_hour_first, params.opened_after_hour_span
    for cat, (applies, installed, scale, shape, effect) in units.items():
        first = np.maximum(installed, start_day)
        day = ageing.failure_days(installed, first, end_day, streams.uniform(seed, keys, f"wear.{cat}"), scale, shape)
        z_lag = streams.normal(seed, keys, f"wear.{cat}.lag")
        u_hour = streams.uniform(seed, keys, f"wear.{cat}.hour")
        for j in np.flatnonzero(applies & (day >= 0)):
            lag = lag_days * np.exp(params.wearout_replacement_log_sigma * z_lag[j])
            h0 = int((day[j] - homes.first_day[j]) * 24 - homes.first_hour[j] + first_hour + span * u_hour[j])
            h1 = h0 + int(lag * 24)
            effects[effect][max(h0, 0):max(min(h1, H), 0), j] = True
            if cat == "battery_alert" and h1 < H:
                replace_hour[j] = h1
            open_ts = pd.Timestamp(int(day[j]) * 86400 + int(first_hour + span * u_hour[j]) * 3600, unit="s", tz="UTC")
            close_ts = (open_ts + pd.Timedelta(days=float(lag))).round("min")
            rows.append((f"TKT-{keys[j]:06d}-{cat[:3].upper()}W", homes.ids[j], open_ts,
                         close_ts if close_ts < pd.Timestamp(end_day * 86400, unit="s", tz="UTC") else pd.NaT,
                         cat, "high", True, True))
    if rows:
        worn = pd.DataFrame(rows, columns=tickets.columns)
        worn["closed_at"] = pd.to_datetime(worn["closed_at"], utc=True)
        tickets = pd.concat([tickets, worn], ignore_index=True) if len(tickets) else worn
    return tickets, replace_hour
