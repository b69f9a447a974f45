"""What happens inside each home, hour by hour: PV, load, faults, grid outages, programme calls and the
battery controller — and the customer's decisions that follow (tickets, churn, renewal).

Arrays are (hours, households-in-batch); the battery loops over hours because its state carries over.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pvlib
import pyarrow as pa

from . import ageing, controller, programmes, streams, weather
from . import load as load_model
from .population import Population
from .world import HOUR, Clock, TerritoryWorld


@dataclasses.dataclass
class BatchResult:
    telemetry: dict  # UTC month 'YYYY-MM' -> pyarrow.Table
    tickets: pd.DataFrame
    responses: pd.DataFrame
    churn_day: np.ndarray
    renew_day: np.ndarray


class PlaneCache:
    """DC output per kW of one roof plane (territory, weather cell, tilt, azimuth) on that weather, computed once.
    cell None: the territory's station (the raw weather feed)."""

    def __init__(self, worlds: dict[str, TerritoryWorld]):
        self.worlds = worlds
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
            dc_lit = pvlib.pvsystem.pvwatts_dc(effective, cell_temp, pdc0=1.0, gamma_pdc=-0.0037)
            dc = np.zeros((len(ghi), len(missing)), dtype=np.float32)
            dc[lit] = np.clip(np.nan_to_num(dc_lit, nan=0.0), 0, None).astype(np.float32)
            for j, k in enumerate(missing):
                self.cache[k] = dc[:, j]
        return np.stack([self.cache[k] for k in keys], axis=1)


class Simulator:
    """Runs the hourly simulation of a batch of households."""

    def __init__(self, pop: Population, clock: Clock, worlds: dict[str, TerritoryWorld], outages: pd.DataFrame,
                 calls: pd.DataFrame):
        self.pop, self.clock, self.worlds = pop, clock, worlds
        self.names = list(worlds)
        self.outages = outages
        self.calls = calls
        self.planes = PlaneCache(worlds)
        self.hours = len(clock.times)
        self.seed = pop.config.seed
        # What each enrolled home's programme asks of its battery, and how devices answer calls (programmes.py).
        self.request_kw = programmes.home_requests(pop.ref.programs, pop.program_id, pop.power_kw, pop.usable_kwh,
                                                   pop.reserve_pct)
        self.response_params = {name: pop.ref.parameter(f"programmes_{name}")
                                for name in programmes.RESPONSE_PARAMETERS}
        stack = lambda attr: np.stack([getattr(worlds[t], attr) for t in self.names])  # noqa: E731
        self.t_temp = stack("temp_air")
        self.t_hour = stack("local_hour")
        self.t_weekday = stack("local_weekday")
        self.t_day = stack("local_day")
        self.t_month = stack("local_month")
        self.t_in_pack = stack("in_pack")
        self.t_zenith = stack("solar_zenith")
        # Thermal lag of the building: exponential smoothing of outdoor temperature (~3 h).
        lagged = np.empty_like(self.t_temp)
        lagged[:, 0] = self.t_temp[:, 0]
        for h in range(1, self.hours):
            lagged[:, h] = 0.7 * lagged[:, h - 1] + 0.3 * self.t_temp[:, h]
        self.t_temp_lag = lagged
        self.t_ghi = stack("ghi")
        self.t_ghi_lag = load_model.lagged(self.t_ghi, 0.3)  # solar gains reach the rooms as the mass warms
        self.day0 = int(self.t_day.min())
        local_keys = self.t_day.astype(np.int64) * 24 + self.t_hour
        self.key_order = np.argsort(local_keys, axis=1, kind="stable")
        self.sorted_keys = np.take_along_axis(local_keys, self.key_order, axis=1)

    # -------------------------------------------------------------------------------------------- helpers
    def _gather(self, table: np.ndarray, t: np.ndarray) -> np.ndarray:
        return table[t].T  # (hours, batch)

    def _hour_of_day(self, t_idx: np.ndarray, day: np.ndarray, hour_local: np.ndarray) -> np.ndarray:
        """Global hour index of local (day, hour) per household; -1 where outside the clock."""
        out = np.full(day.shape, -1, dtype=np.int64)
        for k in np.unique(t_idx):
            m = t_idx == k
            wanted = day[m].astype(np.int64) * 24 + hour_local[m]
            pos = np.minimum(np.searchsorted(self.sorted_keys[k], wanted), self.sorted_keys.shape[1] - 1)
            out[m] = np.where(self.sorted_keys[k][pos] == wanted, self.key_order[k][pos], -1)
        return out

    # -------------------------------------------------------------------------------------------- run
    def run(self, idx: np.ndarray) -> BatchResult:
        pop = self.pop
        keys = pop.n[idx]
        t_idx = np.array([self.names.index(t) for t in pop.territory[idx]])
        hour_of_day = self._gather(self.t_hour, t_idx)
        local_day = self._gather(self.t_day, t_idx)

        # Operating window: from commissioning (local midnight) to the pack's end.
        start_day = np.maximum(pop.pto_day[idx], pop.start_day)
        operating = pop.operating[idx]
        active = operating[None, :] & (local_day >= start_day[None, :]) & self._gather(self.t_in_pack, t_idx)

        faults, tickets = self._faults(idx, keys, t_idx, start_day)
        tickets, battery_replace_hour = self._wearout(idx, keys, t_idx, faults, tickets)
        grid_down, storm_prep = self._grid(idx, t_idx)
        responses, vpp_kw, vpp_hold, vpp_precharge = self._dispatch(idx, keys, local_day, faults["offline"])

        pv = self._pv(idx, t_idx, faults)
        load, critical, end_uses = self._load(idx, keys, t_idx, hour_of_day, local_day)
        batt = self._battery(idx, pv, load, critical, grid_down, storm_prep, vpp_kw, vpp_hold, vpp_precharge, t_idx,
                             faults["battery_off"], battery_replace_hour)

        churn_day, renew_day = self._churn(idx, keys, active, local_day, batt, tickets)
        active &= (churn_day[None, :] < 0) | (local_day < churn_day[None, :])
        if len(tickets):
            cd = pd.Series(churn_day, index=pop.ids[idx])
            opened_day = (tickets["opened_at"].dt.tz_convert(None).dt.normalize() - pd.Timestamp("1970-01-01")).dt.days
            churned = cd.loc[tickets["household_id"]].to_numpy()
            tickets = tickets[(churned < 0) | (opened_day.to_numpy() < churned)].reset_index(drop=True)
        if len(responses):
            cd = pd.Series(churn_day, index=pop.ids[idx])
            churned = cd.loc[responses["household_id"]].to_numpy()
            responses = responses[(churned < 0) | (responses["_day"].to_numpy() < churned)]
            responses = responses.drop(columns="_day").reset_index(drop=True)

        telemetry = self._telemetry(idx, active, batt, faults["offline"], end_uses)
        return BatchResult(telemetry, tickets, responses, churn_day, renew_day)

    # -------------------------------------------------------------------------------------------- faults
    def _faults(self, idx, keys, t_idx, start_day):
        """Equipment faults and questions: Poisson events that change the device's behaviour, then a ticket."""
        pop, H = self.pop, self.hours
        b = len(idx)
        effects = {"solar_off": np.zeros((H, b), bool), "solar_derate": np.zeros((H, b), bool),
                   "battery_off": np.zeros((H, b), bool), "offline": np.zeros((H, b), bool)}
        rows = []
        end_day = pop.end_day
        window = np.maximum(end_day - start_day, 0)
        max_events = 4
        has_battery = pop.has_battery[idx]
        for _, issue in self.pop.ref.issue_types.iterrows():
            cat = issue["issue_category"]
            applies = pop.operating[idx].copy()
            if issue["applies_to"] == "battery":
                applies &= has_battery
            rate = issue["annual_rate"] * window / 365.0
            u_n = streams.uniform(self.seed, keys, f"fault.{cat}.count")
            counts = np.zeros(b, dtype=int)
            p_k, cdf = np.exp(-rate), np.exp(-rate)
            for k in range(1, max_events + 1):
                counts += (u_n > cdf).astype(int)
                p_k = p_k * rate / k
                cdf = cdf + p_k
            counts = np.where(applies, counts, 0)
            u_at = streams.uniform(self.seed, keys, f"fault.{cat}.at", max_events)
            z_res = streams.normal(self.seed, keys, f"fault.{cat}.resolution", max_events)
            u_lag = streams.uniform(self.seed, keys, f"fault.{cat}.lag", max_events)
            u_sev = streams.uniform(self.seed, keys, f"fault.{cat}.severity", max_events)
            u_truck = streams.uniform(self.seed, keys, f"fault.{cat}.truck", max_events)
            u_repl = streams.uniform(self.seed, keys, f"fault.{cat}.replace", max_events)
            u_hour = streams.uniform(self.seed, keys, f"fault.{cat}.hour", max_events)
            lag_days = {"solar_off": 2, "solar_derate": 12, "battery_off": 0.5, "device_offline": 2, "none": 0}[issue["device_effect"]]
            for j in np.flatnonzero(counts):
                for e in range(counts[j]):
                    onset = start_day[j] + u_at[j, e] * window[j]
                    opened = onset + lag_days * (0.5 + u_lag[j, e])
                    resolution = max(0.1, issue["median_resolution_days"] * np.exp(0.6 * z_res[j, e]))
                    closed = opened + resolution
                    if opened >= end_day:
                        continue
                    effect = issue["device_effect"]
                    if effect != "none":
                        k = t_idx[j]
                        h0 = int((onset - self.t_day[k, 0]) * 24 - self.t_hour[k, 0])
                        h1 = int((closed - self.t_day[k, 0]) * 24 - self.t_hour[k, 0])
                        name = "offline" if effect == "device_offline" else effect
                        effects[name][max(h0, 0):max(min(h1, H), 0), j] = True
                    severity = "high" if u_sev[j, e] < issue["severity_high_share"] else (
                        "moderate" if u_sev[j, e] < issue["severity_high_share"] + issue["severity_moderate_share"] else "low")
                    truck = u_truck[j, e] < issue["truck_roll_share"]
                    replaced = truck and u_repl[j, e] < issue["equipment_replaced_share"] / max(issue["truck_roll_share"], 1e-9)
                    open_ts = pd.Timestamp(int(opened) * 86400 + int(7 + 11 * u_hour[j, e]) * 3600, unit="s", tz="UTC")
                    close_ts = (open_ts + pd.Timedelta(days=float(resolution))).round("min")
                    rows.append((
                        f"TKT-{keys[j]:06d}-{cat[:3].upper()}{e + 1}", pop.ids[idx[j]], open_ts,
                        close_ts if close_ts < pd.Timestamp(end_day * 86400, unit="s", tz="UTC") else pd.NaT,
                        cat, severity, bool(truck), bool(replaced),
                    ))
        tickets = pd.DataFrame(rows, columns=["ticket_id", "household_id", "opened_at", "closed_at", "issue_category",
                                              "severity", "truck_roll_flag", "equipment_replaced_flag"])
        tickets["closed_at"] = pd.to_datetime(tickets["closed_at"], utc=True)
        return effects, tickets

    # -------------------------------------------------------------------------------------------- ageing
    def _wearout(self, idx, keys, t_idx, faults, tickets):
        """Wear-out failures of inverters and batteries (Weibull hazard rising with age, ageing.py): the equipment
        is off until a replacement unit is commissioned; each one is a ticket with `equipment_replaced_flag`.
        Returns the tickets with these added and the hour each battery is replaced (-1: none)."""
        pop, ref, H = self.pop, self.pop.ref, self.hours
        b = len(idx)
        replace_hour = np.full(b, -1, dtype=np.int64)
        micro = pop.inverter_type[idx] == "microinverter"
        chem = ref.chemistries.set_index("chemistry").reindex(pop.chemistry[idx])
        units = {  # category: (applies, installed on, Weibull scale, Weibull shape, effect)
            "inverter_fault": (pop.operating[idx], pop.pto_day[idx], np.where(
                micro, ref.parameter("inverter_micro_weibull_scale_years"),
                ref.parameter("inverter_string_weibull_scale_years")), ref.parameter("inverter_weibull_shape"),
                "solar_off"),
            "battery_alert": (pop.has_battery[idx], pop.install_day[idx],
                              np.nan_to_num(chem["wearout_weibull_scale_years"].to_numpy(float), nan=1.0),
                              np.nan_to_num(chem["wearout_weibull_shape"].to_numpy(float), nan=1.0), "battery_off"),
        }
        # A battery ticket that replaced the equipment (a fault found in service) installs a new battery too.
        if len(tickets):
            swapped = tickets[(tickets["issue_category"] == "battery_alert") & tickets["equipment_replaced_flag"]
                              & tickets["closed_at"].notna()]
            col = pd.Series(np.arange(b), index=pop.ids[idx])
            hour = ((swapped["closed_at"] - self.clock.times[0]) / HOUR).astype(int).to_numpy()
            replace_hour[col.loc[swapped["household_id"]].to_numpy()] = np.where(hour < H, hour, -1)
        rows = []
        lag_days = ref.parameter("wearout_replacement_days")
        for cat, (applies, installed, scale, shape, effect) in units.items():
            first = np.maximum(installed, pop.start_day)
            day = ageing.failure_days(installed, first, pop.end_day, streams.uniform(self.seed, keys, f"wear.{cat}"),
                                      scale, shape)
            z_lag = streams.normal(self.seed, keys, f"wear.{cat}.lag")
            u_hour = streams.uniform(self.seed, keys, f"wear.{cat}.hour")
            for j in np.flatnonzero(applies & (day >= 0)):
                k = t_idx[j]
                lag = lag_days * np.exp(0.4 * z_lag[j])
                h0 = int((day[j] - self.t_day[k, 0]) * 24 - self.t_hour[k, 0] + 7 + 11 * u_hour[j])
                h1 = h0 + int(lag * 24)
                faults[effect][max(h0, 0):max(min(h1, H), 0), j] = True
                if cat == "battery_alert" and h1 < H:
                    replace_hour[j] = h1
                open_ts = pd.Timestamp(int(day[j]) * 86400 + int(7 + 11 * u_hour[j]) * 3600, unit="s", tz="UTC")
                close_ts = (open_ts + pd.Timedelta(days=float(lag))).round("min")
                rows.append((f"TKT-{keys[j]:06d}-{cat[:3].upper()}W", pop.ids[idx[j]], open_ts,
                             close_ts if close_ts < pd.Timestamp(pop.end_day * 86400, unit="s", tz="UTC") else pd.NaT,
                             cat, "high", True, True))
        if rows:
            worn = pd.DataFrame(rows, columns=tickets.columns)
            worn["closed_at"] = pd.to_datetime(worn["closed_at"], utc=True)
            tickets = pd.concat([tickets, worn], ignore_index=True) if len(tickets) else worn
        return tickets, replace_hour

    def _battery_fade(self, idx, t_idx, has, replace_hour) -> ageing.DailyFade:
        """The battery's capacity tracker: the wear it carries into the pack (its age at the territory's mean
        temperature), then calendar, temperature and cycle fade day by day (ageing.py)."""
        pop, ref = self.pop, self.pop.ref
        params = ageing.fade_params(ref.chemistries, pop.chemistry[idx], ref.parameter("battery_calendar_soc_beta"))
        weight, indoor = ref.parameter("battery_outdoor_temperature_weight"), ref.parameter("battery_indoor_temperature_c")
        mean_temp = ref.climate_normals.groupby("utility_territory")["mean_temp_c"].mean()
        history_temp = ageing.battery_temperature(mean_temp.reindex(pop.territory[idx]).to_numpy(float), indoor, weight)
        installed = np.where(has, pop.install_day[idx], pop.end_day)
        wear = ageing.wear_at_start(pop.start_day - installed, history_temp, ref.parameter("battery_history_mean_soc"),
                                    ref.parameter("battery_history_efc_per_day"), params)
        temp = ageing.battery_temperature(self._gather(self.t_temp, t_idx), indoor, weight)
        in_service = self._gather(self.t_day, t_idx) >= installed[None, :]
        return ageing.DailyFade(wear, params, np.where(has, pop.usable_kwh[idx], 0.0), temp, in_service, replace_hour)

    # -------------------------------------------------------------------------------------------- grid
    def _grid(self, idx, t_idx):
        """Hours the grid is down for each home (outage covers at least half the hour), and storm preparation
        hours (12 h before a major event) when batteries top up from the grid."""
        H, b = self.hours, len(idx)
        down = np.zeros((H, b), bool)
        prep = np.zeros((H, b), bool)
        feeders = self.pop.feeder_id[idx]
        t0 = self.clock.times[0]
        if self.outages.empty:
            return down, prep
        relevant = self.outages[self.outages["feeder_id"].isin(set(feeders))]
        start_h = ((relevant["started_at"] - t0) / HOUR).to_numpy()
        end_h = ((relevant["restored_at"] - t0) / HOUR).to_numpy()
        for feeder, s, e, major in zip(relevant["feeder_id"], start_h, end_h, relevant["major_event_flag"]):
            cols = np.flatnonzero(feeders == feeder)
            h0, h1 = int(np.floor(s + 0.5)), int(np.floor(e + 0.5))
            if h1 > h0:
                down[max(h0, 0):min(h1, H), cols[:, None]] = True
            if major:
                prep[max(h0 - 12, 0):max(min(h0, H), 0), cols[:, None]] = True
        return down, prep

    # -------------------------------------------------------------------------------------------- dispatch
    def _dispatch(self, idx, keys, local_day, offline):
        """Device responses to each programme call and the controller's event arrays (programmes.py)."""
        pop = self.pop
        homes = pd.DataFrame({
            "key": keys,
            "household_id": pop.ids[idx],
            "enrolled": pop.enrolled[idx],
            "program_id": pop.program_id[idx],
            "enroll_day": pop.enroll_day[idx],
            "pto_day": pop.pto_day[idx],
            "opt_out_day": pop.opt_out_day[idx],
            "willingness": pop.willingness[idx],
            "request_kw": self.request_kw[idx],
        })
        return programmes.device_responses(self.calls, homes, local_day, offline, self.seed,
                                           int(pop.ref.parameter("vpp_pre_event_hold_hours")),
                                           int(pop.ref.parameter("vpp_pre_event_precharge_hours")),
                                           self.response_params)

    # -------------------------------------------------------------------------------------------- PV
    def _pv(self, idx, t_idx, faults):
        pop = self.pop
        b = len(idx)
        dc = np.zeros((self.hours, b), dtype=np.float64)
        for k, name in enumerate(self.names):
            cols = np.flatnonzero(t_idx == k)
            if not len(cols):
                continue
            # Each home's roof sees the clouds of its weather cell (the quadrant of the territory it lies in).
            row = self.worlds[name].row
            home_cells = weather.household_cells(pop.latitude[idx[cols]], pop.longitude[idx[cols]], row["latitude"],
                                                 row["longitude"], len(self.worlds[name].cell_ghi))
            for cell in np.unique(home_cells):
                in_cell = cols[home_cells == cell]
                i = idx[in_cell]
                p1 = self.planes.get(name, pop.tilt1[i], pop.az1[i], int(cell))
                p2 = self.planes.get(name, pop.tilt2[i], pop.az2[i], int(cell))
                share = pop.share1[i][None, :]
                dc[:, in_cell] = share * p1 + (1 - share) * p2
        # Near-field shading bites hardest at low sun: loss grows as elevation falls.
        elevation_sin = np.clip(np.cos(np.radians(self._gather(self.t_zenith, t_idx))), 0, 1)
        band_loss = np.select([pop.shading_band[idx] == "high", pop.shading_band[idx] == "moderate"], [0.25, 0.12], 0.03)
        shade = 1 - np.clip(band_loss[None, :] * (1.6 - 1.1 * elevation_sin), 0, 0.95)
        # Modules age hour by hour from commissioning, each system at its own rate (ageing.py).
        rate = ageing.pv_degradation_rates(streams.normal(self.seed, pop.n[idx], "ageing.pv_rate"),
                                           *(pop.ref.parameter(f"pv_degradation_{p}") for p in
                                             ("median_pct_per_year", "log_sigma", "max_pct_per_year")))
        age_years = (self._gather(self.t_day, t_idx) - pop.pto_day[idx][None, :]) / 365.0
        derate = ageing.pv_derate(age_years, rate[None, :])
        pdc = dc * shade * derate * (pop.kw_dc[idx] * (1 - pop.losses_pct[idx] / 100.0))[None, :]
        pdc = np.where(faults["solar_derate"], pdc * 0.6, pdc)
        pdc = np.where(faults["solar_off"], 0.0, pdc)
        efficiency = pop.ref.parameter("inverter_nominal_efficiency")
        pac = pvlib.inverter.pvwatts(pdc, pdc0=(pop.kw_ac[idx] / efficiency)[None, :], eta_inv_nom=efficiency)
        return np.clip(np.nan_to_num(pac, nan=0.0), 0, None)

    # -------------------------------------------------------------------------------------------- load
    def _load(self, idx, keys, t_idx, hour_of_day, local_day):
        """Hourly demand by end use from the end-use model (load.py) on the homes' weather and calendar; returns
        total demand, its critical (backed-up) part and the end uses."""
        pop = self.pop
        terr = pop.territory_table
        tariffs = pop.ref.tariffs.set_index("tariff_id")
        tid = pop.tariff_id[idx]
        design_cool, design_heat = load_model.design_temperatures(
            terr["record_high_c"].to_numpy()[t_idx], terr["record_low_c"].to_numpy()[t_idx], pop.ref.parameter)
        homes = load_model.Homes(
            keys=keys, state=pop.state[idx], home_type=pop.home_type[idx], floor_area=pop.floor_area[idx],
            year_built=pop.year_built[idx], occupants=pop.occupants[idx], has_ac=pop.has_ac[idx],
            heat_pump=pop.heat_pump[idx], full_electric=pop.electrification[idx] == "full_electrified",
            ev_owner=pop.ev_owner[idx], design_cool_c=design_cool, design_heat_c=design_heat,
            peak_start=tariffs.loc[tid, "peak_start_hour"].to_numpy(), peak_end=tariffs.loc[tid, "peak_end_hour"].to_numpy(),
            time_based=np.isin(pop.tariff_type[idx], ["tou", "demand_like"]))
        weather = load_model.Weather(
            temp_c=self._gather(self.t_temp_lag, t_idx), ghi_w_m2=self._gather(self.t_ghi, t_idx),
            ghi_lagged_w_m2=self._gather(self.t_ghi_lag, t_idx), local_hour=hour_of_day,
            weekday=self._gather(self.t_weekday, t_idx) < 5, local_day=local_day,
            local_month=self._gather(self.t_month, t_idx))
        uses = load_model.simulate(homes, weather, pop.ref.end_use_shares.set_index("state"), pop.ref.parameter, self.seed)
        demand = sum(uses[name] for name in load_model.END_USES)
        return demand, uses["critical"], uses

    # -------------------------------------------------------------------------------------------- battery
    def _battery(self, idx, pv, load, critical, grid_down, storm_prep, vpp_kw, vpp_hold, vpp_precharge, t_idx,
                 battery_off, replace_hour):
        """The home's battery, run by the tariff-aware controller (controller.py) on the tariff its bill uses;
        its capacity fades day by day with calendar time, temperature and cycling (ageing.py)."""
        pop = self.pop
        local_hour = self._gather(self.t_hour, t_idx)
        local_month = self._gather(self.t_month, t_idx)
        cal = controller.tariff_calendar(pop.ref.tariffs, pop.tariff_id[idx], local_hour,
                                         self._gather(self.t_weekday, t_idx), local_month)
        has = pop.has_battery[idx]
        fade = self._battery_fade(idx, t_idx, has, replace_hour)
        return controller.run_battery(
            pv, load, critical, grid_down, cal, local_hour, local_month, vpp_kw, vpp_hold, vpp_precharge,
            storm_prep, battery_off, has, fade.capacity, pop.power_kw[idx], pop.rte[idx], pop.reserve_pct[idx],
            pre_peak_hold_hours=int(pop.ref.parameter("net_billing_pre_peak_hold_hours")), fade=fade)

    # -------------------------------------------------------------------------------------------- churn
    def _churn(self, idx, keys, active, local_day, batt, tickets):
        """Customers decide monthly whether to leave; service burden and poor realised value push them out.
        Contracts reaching their term inside the pack renew or lapse on the same drivers."""
        pop, seed = self.pop, self.seed
        b = len(idx)
        churn_day = np.full(b, -1, dtype=np.int64)
        renew_day = np.full(b, -1, dtype=np.int64)
        # Daily PV and load per household over its active hours (the customer's sense of value).
        solar = np.where(active, batt["solar"], 0.0)
        load = np.where(active, batt["load"], 0.0)
        day_rel = local_day - self.day0
        n_days = int(day_rel.max() + 1)
        solar_d = np.zeros((n_days, b))
        load_d = np.zeros((n_days, b))
        cols = np.broadcast_to(np.arange(b), day_rel.shape)
        np.add.at(solar_d, (day_rel, cols), solar)
        np.add.at(load_d, (day_rel, cols), load)

        burden_days = {}
        if len(tickets):
            serious = tickets[tickets["issue_category"] != "customer_question"]
            opened = ((serious["opened_at"].dt.tz_convert(None) - pd.Timestamp("1970-01-01")).dt.days).to_numpy()
            weight = 1.0 + serious["truck_roll_flag"].to_numpy()
            for hh, d, wgt in zip(serious["household_id"], opened, weight):
                burden_days.setdefault(hh, []).append((d, wgt))
        u_month = streams.uniform(seed, keys, "churn.month", 160)
        u_day = streams.uniform(seed, keys, "churn.day", 160)
        u_renew = streams.uniform(seed, keys, "churn.renew")
        for j in range(b):
            i = idx[j]
            if not pop.operating[i]:
                continue
            first = max(pop.pto_day[i], pop.start_day)
            events = burden_days.get(pop.ids[i], [])
            term_end = pop.pto_day[i] + int(round(pop.term_years[i] * 365.25))
            while term_end < pop.start_day:
                renew_day[j] = term_end  # renewed before the pack began
                term_end += int(round(pop.term_years[i] * 365.25))
            step, m = 30, 0
            d = first
            while d < pop.end_day:
                window_end = min(d + step, pop.end_day)
                lo, hi = d - self.day0, window_end - self.day0
                s, l_ = solar_d[lo:hi, j].sum(), load_d[lo:hi, j].sum()
                offset = s / l_ if l_ > 0 else 1.0
                # Service trouble of the past year weighs on the decision (a truck roll counts double).
                burden = sum(w for day, w in events if d - 365 <= day < window_end)
                hazard = 0.0025 * np.exp(1.0 * burden + 2.5 * max(0.0, 0.45 - offset))
                if d <= term_end < window_end:
                    p_renew = np.clip(0.9 * np.exp(-0.35 * burden) * min(1.0, 0.5 + offset), 0.05, 0.98)
                    if u_renew[j] < p_renew:
                        renew_day[j] = term_end
                    else:
                        churn_day[j] = term_end
                        break
                if u_month[j, m % 160] < hazard:
                    churn_day[j] = d + int(u_day[j, m % 160] * (window_end - d))
                    break
                d, m = window_end, m + 1
        return churn_day, renew_day

    # -------------------------------------------------------------------------------------------- telemetry
    def _telemetry(self, idx, active, batt, offline, end_uses) -> dict[str, pa.Table]:
        """Telemetry rows as the gateways deliver them, per UTC month partition (by arrival), with the defects
        real feeds carry at `defect_rate`: duplicates (retransmissions), gaps (readings never delivered), late
        rows (days after the hour, in a later partition), spikes and negative readings (meter faults), and
        readings reported in Wh instead of kWh (older firmware; the row says so in energy_unit)."""
        cols, hours = np.nonzero(active.T)  # household-major, in time order
        n = len(cols)
        keys = self.pop.n[idx]
        rate = self.pop.config.defect_rate
        u = streams.uniform(self.seed, keys, "telemetry.defect", self.hours)[cols, hours] if rate else np.ones(n)
        duplicate, gap, late = u < 0.30 * rate, (u >= 0.30 * rate) & (u < 0.60 * rate), (u >= 0.60 * rate) & (u < 0.75 * rate)
        spike, negative = (u >= 0.75 * rate) & (u < 0.85 * rate), (u >= 0.85 * rate) & (u < 0.90 * rate)
        in_wh = (u >= 0.90 * rate) & (u < rate)

        copies = np.where(gap, 0, np.where(duplicate, 2, 1))
        row = np.repeat(np.arange(n), copies)
        second_copy = np.zeros(len(row), dtype=bool)
        second_copy[1:] = row[1:] == row[:-1]
        c, h = cols[row], hours[row]

        # Arrival: 5 minutes after the hour ends; a retransmitted copy an hour later; late rows 2-10 days later.
        late_share = np.clip((u[row] / max(rate, 1e-12) - 0.60) / 0.15, 0, 1)  # position within the late band
        delay_s = np.where(second_copy, 7500, 3900)
        delay_s = np.where(late[row], (2 + 8 * late_share) * 86400, delay_s).astype(np.int64)
        received_us = self.clock.epoch_us[h] + delay_s * 1_000_000

        energy = {name: np.round(batt[name][h, c], 4).astype(np.float32)
                  for name in ("solar", "load", "critical", "charge", "discharge", "grid_import", "grid_export")}
        # Load by end use. When only the critical circuits are served (an outage), they are all in `other`.
        short = batt["load"][h, c] < sum(end_uses[name][h, c] for name in load_model.END_USES) - 1e-6
        for name in ("hvac", "water_heating", "ev"):
            energy[f"load_{name}"] = np.where(short, 0.0, np.round(end_uses[name][h, c], 4)).astype(np.float32)
        energy["load_other"] = np.maximum(energy["load"] - energy["load_hvac"] - energy["load_water_heating"]
                                          - energy["load_ev"], 0).astype(np.float32)
        wh = in_wh[row]
        # Defects touch few rows: change those in place rather than rewriting whole columns.
        energy["load"][spike[row]] = 999.9
        hit = np.flatnonzero(negative[row])
        energy["grid_import"][hit] = -energy["grid_import"][hit] - 0.5
        hit = np.flatnonzero(wh)
        for values in energy.values():
            values[hit] *= 1000.0

        # Partition by arrival month: late rows land in the month they arrived (or the last partition).
        months = self.clock.month_slices()
        labels = list(months)
        month_of_hour = np.empty(self.hours, dtype=np.int16)
        for m, (h0, h1) in enumerate(months.values()):
            month_of_hour[h0:h1] = m
        arrival_hour = np.minimum(h + delay_s // 3600, self.hours - 1)
        partition = month_of_hour[arrival_hour]
        order = np.argsort(partition, kind="stable")
        bounds = np.searchsorted(partition[order], np.arange(len(labels) + 1))

        ids = pa.array(self.pop.ids[idx])
        table = pa.table({
            "household_id": pa.DictionaryArray.from_arrays(pa.array(c[order], pa.int32()), ids),
            "interval_start_at": pa.array(self.clock.epoch_us[h][order], pa.timestamp("us", tz="UTC")),
            "solar_kwh": energy["solar"][order],
            "load_kwh": energy["load"][order],
            "critical_load_kwh": energy["critical"][order],
            "load_hvac_kwh": energy["load_hvac"][order],
            "load_water_heating_kwh": energy["load_water_heating"][order],
            "load_ev_kwh": energy["load_ev"][order],
            "load_other_kwh": energy["load_other"][order],
            "battery_charge_kwh": energy["charge"][order],
            "battery_discharge_kwh": energy["discharge"][order],
            "state_of_charge_pct": pa.array(np.round(batt["soc"][h, c], 2).astype(np.float32)[order], from_pandas=True),
            "battery_state_of_health_pct": pa.array(np.round(batt["soh"][h, c], 2).astype(np.float32)[order],
                                                    from_pandas=True),
            "grid_import_kwh": energy["grid_import"][order],
            "grid_export_kwh": energy["grid_export"][order],
            "grid_up_flag": batt["grid_up"][h, c][order],
            "quality_flag": pa.DictionaryArray.from_arrays(pa.array(offline[h, c].astype(np.int8)[order]),
                                                           pa.array(["ok", "backfilled"])),
            "energy_unit": pa.DictionaryArray.from_arrays(pa.array(wh.astype(np.int8)[order]), pa.array(["kWh", "Wh"])),
            "received_at": pa.array(received_us[order], pa.timestamp("us", tz="UTC")),
        })
        return {labels[m]: table.slice(bounds[m], bounds[m + 1] - bounds[m])
                for m in range(len(labels)) if bounds[m + 1] > bounds[m]}
