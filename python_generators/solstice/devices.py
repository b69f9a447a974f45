"""The hourly simulation of a batch of homes: the orchestrator that hands each process its inputs and passes
its outputs on. The processes live in their own modules:

    faults.py      equipment faults, customer questions and wear-out failures -> device effects, tickets
    hazards.py     grid outages at each home's feeder (and storm preparation hours)
    programmes.py  programme calls -> device responses and the controller's event hours
    pv.py          rooftop PV on the home's weather cell, shading, module ageing, inverter
    load.py        household demand by end use
    controller.py  the tariff-aware battery controller; ageing.py its capacity fade
    churn.py       the customer's decisions to stay or leave, and renewals
    feed.py        the telemetry feed as delivered (defects, arrival-month partitions)

Arrays are (hours, households-in-batch); the battery loops over hours because its state carries over.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pyarrow as pa

from . import ageing, churn, controller, faults, feed, hazards, programmes, pv, streams
from . import load as load_model
from .population import Population
from .pv import PlaneCache  # noqa: F401  (the PV chain's cache; tmy_validation and the tests use it from here)
from .world import Clock, TerritoryWorld


@dataclasses.dataclass
class BatchResult:
    telemetry: dict  # UTC month 'YYYY-MM' -> pyarrow.Table
    tickets: pd.DataFrame
    responses: pd.DataFrame
    churn_day: np.ndarray
    renew_day: np.ndarray


class Simulator:
    """Runs the hourly simulation of a batch of households: the shared world (clock, weather, outages, calls)
    is built once; `run` simulates the households at the given positions of the population."""

    def __init__(self, pop: Population, clock: Clock, worlds: dict[str, TerritoryWorld], outages: pd.DataFrame,
                 calls: pd.DataFrame):
        self.pop, self.clock, self.worlds = pop, clock, worlds
        ref = pop.ref
        self.names = list(worlds)
        self.outages = outages
        self.calls = calls
        self.planes = PlaneCache(worlds, ref.parameter("pv_temperature_coefficient_per_c"))
        self.hours = len(clock.times)
        self.seed = pop.config.seed
        # What each enrolled home's programme asks of its battery, and how devices answer calls (programmes.py).
        self.request_kw = programmes.home_requests(ref.programs, pop.enrollment.program_id, pop.assets.power_kw,
                                                   pop.assets.usable_kwh, pop.assets.reserve_pct)
        self.response_params = {name: ref.parameter(f"programmes_{name}")
                                for name in programmes.RESPONSE_PARAMETERS}
        self.fault_params = faults.FaultParameters.from_reference(ref)
        self.churn_params = ref.fill(churn.ChurnParameters, "churn")
        self.feed_params = ref.fill(feed.FeedParameters, "feed")
        design = ref.design_factors
        shading = design[design["factor_type"] == "shading"].set_index("band")["annual_factor"]
        # The design tool's annual shading factor is the share of light shading leaves over the year; the hourly
        # model spreads that loss over the day (deeper at low sun). Rounding removes the complement's binary noise.
        self.shading_loss = {band: float(np.round(1 - factor, 6)) for band, factor in shading.items()}
        stack = lambda attr: np.stack([getattr(worlds[t], attr) for t in self.names])  # noqa: E731
        self.t_temp = stack("temp_air")
        self.t_hour = stack("local_hour")
        self.t_weekday = stack("local_weekday")
        self.t_day = stack("local_day")
        self.t_month = stack("local_month")
        self.t_in_pack = stack("in_pack")
        self.t_zenith = stack("solar_zenith")
        # Thermal lag of the building: exponential smoothing of outdoor temperature (~3 h).
        self.t_temp_lag = load_model.lagged(self.t_temp, ref.parameter("load_indoor_temperature_smoothing"))
        self.t_ghi = stack("ghi")
        # Solar gains reach the rooms as the mass warms.
        self.t_ghi_lag = load_model.lagged(self.t_ghi, ref.parameter("load_solar_gain_smoothing"))
        self.day0 = int(self.t_day.min())

    def _gather(self, table: np.ndarray, t: np.ndarray) -> np.ndarray:
        return table[t].T  # (hours, batch)

    # -------------------------------------------------------------------------------------------- run
    def run(self, idx: np.ndarray) -> BatchResult:
        pop, ref, seed = self.pop, self.pop.ref, self.seed
        keys = pop.n[idx]
        t_idx = np.array([self.names.index(t) for t in pop.homes.territory[idx]])
        hour_of_day = self._gather(self.t_hour, t_idx)
        local_day = self._gather(self.t_day, t_idx)

        # Operating window: from commissioning (local midnight) to the pack's end.
        start_day = np.maximum(pop.project.pto_day[idx], pop.start_day)
        operating = pop.project.operating[idx]
        active = operating[None, :] & (local_day >= start_day[None, :]) & self._gather(self.t_in_pack, t_idx)

        service_homes = faults.Homes(
            keys=keys, ids=pop.ids[idx], operating=operating, has_battery=pop.assets.has_battery[idx],
            microinverter=pop.assets.inverter_type[idx] == "microinverter", chemistry=pop.assets.chemistry[idx],
            pto_day=pop.project.pto_day[idx], install_day=pop.project.install_day[idx], first_day=self.t_day[t_idx, 0],
            first_hour=self.t_hour[t_idx, 0])
        effects, tickets = faults.service_faults(ref.issue_types, service_homes, start_day, pop.end_day, self.hours,
                                                 self.fault_params, seed)
        tickets, battery_replace_hour = faults.wearout_failures(
            service_homes, ref.chemistries, effects, tickets, pop.start_day, pop.end_day, self.clock.times[0],
            self.hours, self.fault_params, seed)
        grid_down, storm_prep = hazards.home_grid_hours(self.outages, pop.homes.feeder_id[idx], self.clock.times[0],
                                                        self.hours, int(ref.parameter("storm_prep_hours")))
        responses, vpp_kw, vpp_hold, vpp_precharge = self._dispatch(idx, keys, local_day, effects["offline"])

        solar = self._pv(idx, t_idx, effects)
        load, critical, end_uses = self._load(idx, keys, t_idx, hour_of_day, local_day)
        batt = self._battery(idx, solar, load, critical, grid_down, storm_prep, vpp_kw, vpp_hold, vpp_precharge,
                             t_idx, effects["battery_off"], battery_replace_hour)
        # The controller's inputs are spent: free them before the feed, which sets the batch's peak memory.
        del solar, load, critical, end_uses["critical"], grid_down, storm_prep, vpp_kw, vpp_hold, vpp_precharge

        # The customer's sense of value: daily PV and load over the active hours.
        solar_d = churn.daily_totals(np.where(active, batt["solar"], 0.0), local_day, self.day0)
        load_d = churn.daily_totals(np.where(active, batt["load"], 0.0), local_day, self.day0)
        customers = churn.Customers(keys=keys, ids=pop.ids[idx], operating=operating, pto_day=pop.project.pto_day[idx],
                                    term_years=pop.contract.term_years[idx])
        churn_day, renew_day = churn.decide(
            customers, solar_d, load_d, self.day0, pop.start_day, pop.end_day,
            churn.service_burden(tickets, self.churn_params.truck_roll_extra_weight), self.churn_params, seed)
        active &= (churn_day[None, :] < 0) | (local_day < churn_day[None, :])
        left = pd.Series(churn_day, index=pop.ids[idx])
        if len(tickets):
            opened_day = (tickets["opened_at"].dt.tz_convert(None).dt.normalize() - pd.Timestamp("1970-01-01")).dt.days
            tickets = churn.drop_after_churn(tickets, opened_day.to_numpy(), left).reset_index(drop=True)
        if len(responses):
            responses = churn.drop_after_churn(responses, responses["_day"].to_numpy(), left)
            responses = responses.drop(columns="_day").reset_index(drop=True)

        telemetry = feed.telemetry_partitions(keys, pop.ids[idx], active, batt, effects["offline"], end_uses,
                                              self.clock.epoch_us, self.clock.month_slices(), pop.config.defect_rate,
                                              self.feed_params, seed)
        return BatchResult(telemetry, tickets, responses, churn_day, renew_day)

    # -------------------------------------------------------------------------------------------- dispatch
    def _dispatch(self, idx, keys, local_day, offline):
        """Device responses to each programme call and the controller's event arrays (programmes.py)."""
        pop = self.pop
        homes = pd.DataFrame({
            "key": keys,
            "household_id": pop.ids[idx],
            "enrolled": pop.enrollment.enrolled[idx],
            "program_id": pop.enrollment.program_id[idx],
            "enroll_day": pop.enrollment.enroll_day[idx],
            "pto_day": pop.project.pto_day[idx],
            "opt_out_day": pop.enrollment.opt_out_day[idx],
            "willingness": pop.homes.willingness[idx],
            "request_kw": self.request_kw[idx],
        })
        return programmes.device_responses(self.calls, homes, local_day, offline, self.seed,
                                           int(pop.ref.parameter("vpp_pre_event_hold_hours")),
                                           int(pop.ref.parameter("vpp_pre_event_precharge_hours")),
                                           self.response_params)

    # -------------------------------------------------------------------------------------------- PV
    def _pv(self, idx, t_idx, effects):
        """AC output of each home's array (pv.py), each system ageing at its own rate (ageing.py)."""
        pop, ref, a = self.pop, self.pop.ref, self.pop.assets
        roofs = pv.Roofs(
            territory=t_idx, latitude=pop.homes.latitude[idx], longitude=pop.homes.longitude[idx], tilt1=a.tilt1[idx],
            az1=a.az1[idx], tilt2=a.tilt2[idx], az2=a.az2[idx], share1=a.share1[idx], shading_band=a.shading_band[idx],
            kw_dc=a.kw_dc[idx], kw_ac=a.kw_ac[idx], losses_pct=a.losses_pct[idx], pto_day=pop.project.pto_day[idx])
        dc = pv.dc_per_kw(self.planes, self.names, roofs, self.hours)
        shade = pv.shading_factor(roofs.shading_band, self._gather(self.t_zenith, t_idx), self.shading_loss,
                                  ref.parameter("pv_shading_low_sun_gain"), ref.parameter("pv_shading_elevation_slope"),
                                  ref.parameter("pv_shading_max_loss"))
        rate = ageing.pv_degradation_rates(streams.normal(self.seed, pop.n[idx], "ageing.pv_rate"),
                                           *(ref.parameter(f"pv_degradation_{p}") for p in
                                             ("median_pct_per_year", "log_sigma", "max_pct_per_year")))
        derate = pv.age_derate(self._gather(self.t_day, t_idx), roofs.pto_day, rate)
        return pv.ac_output(dc, shade, derate, roofs, effects["solar_derate"], effects["solar_off"],
                            self.fault_params.derated_output_share, ref.parameter("inverter_nominal_efficiency"))

    # -------------------------------------------------------------------------------------------- load
    def _load(self, idx, keys, t_idx, hour_of_day, local_day):
        """Hourly demand by end use from the end-use model (load.py) on the homes' weather and calendar; returns
        total demand, its critical (backed-up) part and the end uses."""
        pop, h = self.pop, self.pop.homes
        terr = pop.territory_table
        tariffs = pop.ref.tariffs.set_index("tariff_id")
        tid = h.tariff_id[idx]
        design_cool, design_heat = load_model.design_temperatures(
            terr["record_high_c"].to_numpy()[t_idx], terr["record_low_c"].to_numpy()[t_idx], pop.ref.parameter)
        homes = load_model.Homes(
            keys=keys, state=h.state[idx], home_type=h.home_type[idx], floor_area=h.floor_area[idx],
            year_built=h.year_built[idx], occupants=h.occupants[idx], has_ac=h.has_ac[idx],
            heat_pump=h.heat_pump[idx], full_electric=h.electrification[idx] == "full_electrified",
            ev_owner=h.ev_owner[idx], design_cool_c=design_cool, design_heat_c=design_heat,
            peak_start=tariffs.loc[tid, "peak_start_hour"].to_numpy(),
            peak_end=tariffs.loc[tid, "peak_end_hour"].to_numpy(),
            time_based=np.isin(h.tariff_type[idx], ["tou", "demand_like"]),
            price_cents_per_kwh=terr["eia_residential_cents_per_kwh"].to_numpy()[t_idx])
        weather = load_model.Weather(
            temp_c=self._gather(self.t_temp_lag, t_idx), ghi_w_m2=self._gather(self.t_ghi, t_idx),
            ghi_lagged_w_m2=self._gather(self.t_ghi_lag, t_idx), local_hour=hour_of_day,
            weekday=self._gather(self.t_weekday, t_idx) < 5, local_day=local_day,
            local_month=self._gather(self.t_month, t_idx))
        uses = load_model.simulate(homes, weather, pop.ref.end_use_shares.set_index("state"), pop.ref.parameter,
                                   self.seed)
        demand = sum(uses[name] for name in load_model.END_USES)
        return demand, uses["critical"], uses

    # -------------------------------------------------------------------------------------------- battery
    def _battery(self, idx, solar, load, critical, grid_down, storm_prep, vpp_kw, vpp_hold, vpp_precharge, t_idx,
                 battery_off, replace_hour):
        """The home's battery, run by the tariff-aware controller (controller.py) on the tariff its bill uses;
        its capacity fades day by day with calendar time, temperature and cycling (ageing.py)."""
        pop, a = self.pop, self.pop.assets
        local_hour = self._gather(self.t_hour, t_idx)
        local_month = self._gather(self.t_month, t_idx)
        cal = controller.tariff_calendar(pop.ref.tariffs, pop.homes.tariff_id[idx], local_hour,
                                         self._gather(self.t_weekday, t_idx), local_month)
        has = a.has_battery[idx]
        fade = self._battery_fade(idx, t_idx, has, replace_hour)
        return controller.run_battery(
            solar, load, critical, grid_down, cal, local_hour, local_month, vpp_kw, vpp_hold, vpp_precharge,
            storm_prep, battery_off, has, fade.capacity, a.power_kw[idx], a.rte[idx], a.reserve_pct[idx],
            pre_peak_hold_hours=int(pop.ref.parameter("net_billing_pre_peak_hold_hours")), fade=fade)

    def _battery_fade(self, idx, t_idx, has, replace_hour) -> ageing.DailyFade:
        """The battery's capacity tracker: the wear it carries into the pack (its age at the territory's mean
        temperature), then calendar, temperature and cycle fade day by day (ageing.py)."""
        pop, ref = self.pop, self.pop.ref
        params = ageing.fade_params(ref.chemistries, pop.assets.chemistry[idx],
                                    ref.parameter("battery_calendar_soc_beta"))
        weight = ref.parameter("battery_outdoor_temperature_weight")
        indoor = ref.parameter("battery_indoor_temperature_c")
        mean_temp = ref.climate_normals.groupby("utility_territory")["mean_temp_c"].mean()
        history_temp = ageing.battery_temperature(mean_temp.reindex(pop.homes.territory[idx]).to_numpy(float), indoor,
                                                  weight)
        installed = np.where(has, pop.project.install_day[idx], pop.end_day)
        wear = ageing.wear_at_start(pop.start_day - installed, history_temp, ref.parameter("battery_history_mean_soc"),
                                    ref.parameter("battery_history_efc_per_day"), params)
        temp = ageing.battery_temperature(self._gather(self.t_temp, t_idx), indoor, weight)
        in_service = self._gather(self.t_day, t_idx) >= installed[None, :]
        return ageing.DailyFade(wear, params, np.where(has, pop.assets.usable_kwh[idx], 0.0), temp, in_service,
                                replace_hour)

