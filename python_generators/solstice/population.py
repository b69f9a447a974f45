"""The customer population: homes, their acquisition, install projects, assets, contracts and enrolments.

Each household's attributes are pure functions of (seed, household number), drawn with counter-based
streams, so any subset of households can be generated alone and come out the same.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

from . import customers, streams
from .config import PackConfig
from .reference import Reference
from .world import territory_code

EPOCH = dt.date(1970, 1, 1)

HOME_TYPES = (["single_family", "townhome", "small_multifamily"], [0.78, 0.15, 0.07], [2000, 1500, 1000])
INCOME_BANDS = (["lower", "middle", "upper_middle", "higher"], [0.14, 0.34, 0.32, 0.20])
ELECTRIFICATION = (["baseline", "heat_pump", "ev_ready", "full_electrified"], [0.45, 0.20, 0.20, 0.15])
EV_SHARE = {"baseline": 0.08, "heat_pump": 0.15, "ev_ready": 0.75, "full_electrified": 0.90}
ROOF_PROFILES = (["ideal", "good", "constrained", "shaded"], [0.30, 0.38, 0.20, 0.12])
# Roof profile -> (azimuth band weights south/southwest/east_west/mixed, shading weights low/moderate/high)
ROOF_GEOMETRY = {
    "ideal": ([0.85, 0.15, 0.0, 0.0], [0.95, 0.05, 0.0]),
    "good": ([0.45, 0.40, 0.0, 0.15], [0.70, 0.30, 0.0]),
    "constrained": ([0.05, 0.15, 0.45, 0.35], [0.50, 0.45, 0.05]),
    "shaded": ([0.35, 0.25, 0.15, 0.25], [0.0, 0.30, 0.70]),
}
AZIMUTH_BANDS = ["south", "southwest", "east_west", "mixed"]
SHADING_BANDS = ["low", "moderate", "high"]
ROOF_PITCHES_DEG = np.array([18.4, 22.6, 26.6, 30.3, 33.7])  # 4/12 .. 8/12 roofs
AC_SHARE = {"coastal": 0.55, "desert": 0.99, "temperate": 0.85, "humid_subtropical": 0.97,
            "mountain": 0.75, "island": 0.45}
BATTERY_ATTACH = {"export_sensitive": 0.75, "tou": 0.45, "demand_like": 0.55, "flat": 0.30}
INVERTERS = ["string", "microinverter", "hybrid"]


def _to_dates(days: np.ndarray) -> pd.Series:
    """Integer day numbers (NaN -> null) to a date column typed date32 in Parquet, nulls or not."""
    values = np.asarray(days, dtype="float64")
    missing = np.isnan(values)
    days32 = pa.array(np.where(missing, 0, values).astype(np.int32), mask=missing).cast(pa.date32())
    return pd.Series(pd.arrays.ArrowExtensionArray(days32))


class Population:
    """All per-household entity data of a pack, built for the households numbered in `numbers`."""

    def __init__(self, config: PackConfig, ref: Reference, numbers: np.ndarray):
        self.config = config
        self.ref = ref
        self.n = np.asarray(numbers, dtype=np.int64)
        self.ids = np.array([f"HH-{i:06d}" for i in self.n])
        self.start_day = (config.start_date - EPOCH).days
        self.end_day = (config.end_date - EPOCH).days  # exclusive
        self._households()
        self._acquisition()
        self._projects()
        self._assets()
        self._contracts()
        self._enrollments()

    def u(self, stream, size=None):
        return streams.uniform(self.config.seed, self.n, stream, size)

    def z(self, stream, size=None):
        return streams.normal(self.config.seed, self.n, stream, size)

    # ----------------------------------------------------------------------------------- households
    def _households(self):
        ref, cfg = self.ref, self.config
        terr = ref.territories
        if cfg.states:
            terr = terr[terr["state"].isin(cfg.states)]
        terr = terr.reset_index(drop=True)
        self.territory_table = terr
        t_idx = streams.choice(self.u("hh.territory"), terr["household_weight"])
        self.t_idx = t_idx
        self.territory = terr["utility_territory"].to_numpy()[t_idx]
        self.state = terr["state"].to_numpy()[t_idx]
        self.timezone = terr["timezone"].to_numpy()[t_idx]
        self.climate_zone = terr["climate_zone"].to_numpy()[t_idx]
        self.latitude = np.round(terr["latitude"].to_numpy()[t_idx] + 0.5 * (self.u("hh.lat") - 0.5), 4)
        self.longitude = np.round(terr["longitude"].to_numpy()[t_idx] + 0.5 * (self.u("hh.lon") - 0.5), 4)
        feeders = terr["feeder_count"].to_numpy()[t_idx]
        feeder_no = np.minimum((self.u("hh.feeder") * feeders).astype(int), feeders - 1) + 1
        codes = {t: territory_code(t) for t in terr["utility_territory"]}
        self.feeder_id = np.array([f"{s}-{codes[t]}-F{f:02d}" for s, t, f in zip(self.state, self.territory, feeder_no)])

        # Tariff plan within the territory, by plan share.
        self.tariff_id = np.empty(len(self.n), dtype=object)
        self.tariff_type = np.empty(len(self.n), dtype=object)
        u_tariff = self.u("hh.tariff")
        for name, group in ref.tariffs.groupby("utility_territory", sort=False):
            mask = self.territory == name
            pick = streams.choice(u_tariff[mask], group["plan_share"])
            self.tariff_id[mask] = group["tariff_id"].to_numpy()[pick]
            self.tariff_type[mask] = group["tariff_type"].to_numpy()[pick]
        if any(v is None for v in self.tariff_id):
            missing = sorted(set(self.territory[[v is None for v in self.tariff_id]]))
            from .errors import ReferenceDataError

            raise ReferenceDataError(f"seeds/utility_tariff_plans.csv has no plan for territory: {', '.join(missing)}.")

        h = streams.choice(self.u("hh.home_type"), HOME_TYPES[1])
        self.home_type = np.array(HOME_TYPES[0])[h]
        self.floor_area = np.round(np.array(HOME_TYPES[2])[h] * np.exp(0.3 * self.z("hh.area")), -1).clip(500, 6000)
        self.occupants = 1 + streams.choice(self.u("hh.occupants"), [0.15, 0.33, 0.2, 0.2, 0.09, 0.03])
        self.year_built = (1950 + 74 * self.u("hh.year_built") ** 0.8).astype(int)
        self.income_band = np.array(INCOME_BANDS[0])[streams.choice(self.u("hh.income"), INCOME_BANDS[1])]
        self.electrification = np.array(ELECTRIFICATION[0])[streams.choice(self.u("hh.electrification"), ELECTRIFICATION[1])]
        ev_share = np.array([EV_SHARE[e] for e in self.electrification])
        self.ev_owner = self.u("hh.ev") < ev_share
        self.heat_pump = np.isin(self.electrification, ["heat_pump", "full_electrified"])
        self.roof_profile = np.array(ROOF_PROFILES[0])[streams.choice(self.u("hh.roof"), ROOF_PROFILES[1])]
        self.has_ac = self.u("hh.ac") < np.array([AC_SHARE[c] for c in self.climate_zone])
        # Latent behaviour: willingness to let the battery be dispatched (never exported as such).
        self.willingness = np.clip(self.u("hh.willingness") ** 0.7, 0.02, 0.99)

    # ----------------------------------------------------------------------------------- acquisition
    def _acquisition(self):
        """Signing days from the territories' adoption curves, and each customer's journey (customers.py)."""
        ref = self.ref
        ch = ref.channels.reset_index(drop=True)
        pick = streams.choice(self.u("acq.channel"), ch["channel_weight"])
        self.campaign_row = pick  # the converting (last-touch) campaign

        adoption = customers.territory_adoption(self.territory_table, ref.tariffs, ref.incentives,
                                                customers.AdoptionParameters.from_reference(ref))
        self.territory_adoption = adoption
        book_start = self.start_day - int(ref.parameter("adoption_book_gap_days")) - int(
            round(ref.parameter("adoption_book_years") * 365))
        last_day = self.end_day - int(ref.parameter("adoption_last_signing_days_before_end"))
        self.signed_day = customers.adoption_days(
            adoption["bass_p"].to_numpy()[self.t_idx], adoption["bass_q"].to_numpy()[self.t_idx],
            self.u("acq.adoption"), book_start, last_day, int(ref.parameter("adoption_market_start_day")))
        self.conversion_days = customers.conversion_days(
            ch["median_conversion_days"].to_numpy()[pick], ch["conversion_days_sigma"].to_numpy()[pick],
            self.z("acq.conversion"))
        max_touches = int(ref.parameter("journey_max_touches"))
        draws = {name: self.u(f"acq.journey.{name}") for name in ("count", "origin", "origin_pick", "gap")}
        draws.update({name: self.u(f"acq.journey.{name}", max_touches) for name in ("mid", "mid_pick", "hour")})
        self.journeys = customers.plan_journeys(
            ch, pick, self.signed_day, self.conversion_days, draws, max_touches,
            ref.parameter("journey_close_gap_mean_days"))
        # The pipeline's lead source is where the lead came from: the journey's first touch.
        self.lead_source = ch["channel"].to_numpy()[self.journeys.first_campaign]

    def touches(self) -> pd.DataFrame:
        """Marketing touches before signature, as the marketing platform logs them (with their cost)."""
        ch = self.ref.channels.reset_index(drop=True)
        j = self.journeys
        width = j.campaign.shape[1]
        cost = customers.touch_costs(ch, j, self.kw_dc, self.z("acq.touch.cost", width),
                                     self.z("acq.touch.close_cost"))
        at = customers.touch_timestamps(j, self.timezone)
        used = np.arange(width)[None, :] < j.count[:, None]
        rows, cols = np.nonzero(used)
        return pd.DataFrame({
            "touch_id": [f"TCH-{self.n[i]:06d}-{k + 1}" for i, k in zip(rows, cols)],
            "household_id": self.ids[rows],
            "touched_at": pd.to_datetime(at[rows, cols]).tz_localize("UTC"),
            "channel": ch["channel"].to_numpy()[j.campaign[rows, cols]],
            "campaign_type": ch["campaign_type"].to_numpy()[j.campaign[rows, cols]],
            "cost_usd": cost[rows, cols],
        })

    # ----------------------------------------------------------------------------------- install projects
    def _projects(self):
        terr = self.territory_table
        slow = np.where(np.isin(self.state, ["CA", "HI", "NJ", "MA"]), 1.3, 1.0)
        permit = np.round(21 * slow * np.exp(0.5 * self.z("proj.permit"))).astype(int) + 3
        install = np.round(18 * np.exp(0.5 * self.z("proj.install"))).astype(int) + 2
        pto = np.round(12 * slow * np.exp(0.6 * self.z("proj.pto"))).astype(int) + 2
        self.permit_day = self.signed_day + permit
        self.install_day = self.permit_day + install
        self.pto_day = self.install_day + pto

        reasons = self.ref.cancellation_reasons.reset_index(drop=True)
        cancelled = self.u("proj.cancel") < 0.11
        reason_idx = streams.choice(self.u("proj.cancel.reason"), reasons["weight"])
        self.cancellation_reason = np.where(cancelled, reasons["cancellation_reason"].to_numpy()[reason_idx], None)
        stage = np.where(cancelled, reasons["stage"].to_numpy()[reason_idx], "")
        u_at = self.u("proj.cancel.at")
        self.cancel_day = np.where(
            stage == "before_permit", self.signed_day + (u_at * permit).astype(int),
            np.where(stage == "before_install", self.permit_day + (u_at * install).astype(int),
                     self.install_day + (u_at * pto).astype(int)))
        self.cancelled = cancelled
        # Dates after a cancellation never happen; dates after the pack's end have not happened yet.
        self.permit_day = np.where(cancelled & (stage == "before_permit"), -1, self.permit_day)
        self.install_day = np.where(cancelled & np.isin(stage, ["before_permit", "before_install"]), -1, self.install_day)
        self.pto_day = np.where(cancelled, -1, self.pto_day)
        for name in ("permit_day", "install_day", "pto_day"):
            value = getattr(self, name)
            setattr(self, name, np.where(value >= self.end_day, -1, value))
        self.cancel_day = np.where(cancelled & (self.cancel_day < self.end_day), self.cancel_day, -1)
        self.cancelled = cancelled & (self.cancel_day >= 0)
        self.cancellation_reason = np.where(self.cancelled, self.cancellation_reason, None)
        self.operating = self.pto_day >= 0  # has a commissioned system inside or before the pack

        saifi = terr["saifi_per_year"].to_numpy()[self.t_idx] * terr["caidi_minutes"].to_numpy()[self.t_idx]
        outage_push = np.clip(saifi / 150.0, 0.5, 1.5)
        attach_p = np.array([BATTERY_ATTACH[t] for t in self.tariff_type]) * outage_push
        attach_p *= np.where(np.isin(self.income_band, ["upper_middle", "higher"]), 1.15, 0.85)
        self.battery_attached = self.u("proj.battery") < np.clip(attach_p, 0.05, 0.95)

    def projects(self) -> pd.DataFrame:
        def day_or_null(days):
            return _to_dates(np.where(days >= 0, days, np.nan))

        return pd.DataFrame({
            "project_id": [f"PRJ-{i:06d}" for i in self.n],
            "household_id": self.ids,
            "lead_source": self.lead_source,
            "signed_date": _to_dates(self.signed_day),
            "permit_ready_date": day_or_null(self.permit_day),
            "install_date": day_or_null(self.install_day),
            "pto_date": day_or_null(self.pto_day),
            "battery_attachment_flag": self.battery_attached,
            "cancelled_date": day_or_null(self.cancel_day),
            "cancellation_reason": self.cancellation_reason,
        })

    # ----------------------------------------------------------------------------------- assets
    def _assets(self):
        terr = self.territory_table
        eia = terr["eia_annual_kwh_per_customer"].to_numpy()[self.t_idx]
        yield_kwh = terr["pvwatts_kwh_per_kw"].to_numpy()[self.t_idx]
        self.module_watts = np.where(self.u("pv.module") < 0.5, 400, 430)
        offset = 0.65 + 0.4 * self.u("pv.offset")
        load_guess = eia * (self.floor_area / 1800) ** 0.4 * np.where(self.ev_owner, 1.25, 1.0)
        target_kw = np.clip(load_guess * offset / yield_kwh, 2.8, 16.0)
        self.module_count = np.maximum(7, np.round(target_kw * 1000 / self.module_watts)).astype(int)
        self.kw_dc = np.round(self.module_count * self.module_watts / 1000.0, 3)
        self.inverter_type = np.array(INVERTERS)[streams.choice(
            self.u("pv.inverter"), [0.25, 0.45, 0.30])]
        self.inverter_type = np.where(self.battery_attached & (self.u("pv.hybrid") < 0.5), "hybrid", self.inverter_type)
        self.dc_ac_ratio = np.round(1.1 + 0.2 * self.u("pv.dcac"), 2)
        self.kw_ac = np.round(self.kw_dc / self.dc_ac_ratio, 3)
        self.losses_pct = np.round(12.0 + 4.0 * self.u("pv.losses"), 1)

        bands_u, shade_u = self.u("pv.azimuth_band"), self.u("pv.shading")
        self.azimuth_band = np.empty(len(self.n), dtype=object)
        self.shading_band = np.empty(len(self.n), dtype=object)
        for profile, (az_w, sh_w) in ROOF_GEOMETRY.items():
            m = self.roof_profile == profile
            self.azimuth_band[m] = np.array(AZIMUTH_BANDS)[streams.choice(bands_u[m], az_w)]
            self.shading_band[m] = np.array(SHADING_BANDS)[streams.choice(shade_u[m], sh_w)]
        pitch = ROOF_PITCHES_DEG[streams.choice(self.u("pv.pitch"), [0.2, 0.3, 0.25, 0.15, 0.1])]
        pitch = np.where(self.home_type == "small_multifamily", 10.0, pitch)
        jitter = np.round((self.u("pv.az_jitter") - 0.5) * 4) * 5  # -10..+10 in 5 degree steps
        south = 180 + jitter
        self.tilt1 = pitch
        self.tilt2 = pitch
        self.az1 = np.select(
            [self.azimuth_band == "south", self.azimuth_band == "southwest", self.azimuth_band == "east_west"],
            [south, 220 + jitter, 90 + jitter], default=south)
        self.az2 = np.select(
            [self.azimuth_band == "east_west", self.azimuth_band == "mixed"],
            [270 + jitter, np.where(self.u("pv.mixed_side") < 0.5, 90 + jitter, 270 + jitter)], default=self.az1)
        self.share1 = np.select([self.azimuth_band == "east_west", self.azimuth_band == "mixed"], [0.5, 0.6], 1.0)

        design = self.ref.design_factors.set_index(["factor_type", "band"])["annual_factor"]
        az_factor = np.array([design[("azimuth", b)] for b in self.azimuth_band])
        sh_factor = np.array([design[("shading", b)] for b in self.shading_band])
        # The install tool's design estimate (PVWatts-style), not the simulated outcome.
        self.expected_annual_kwh = np.round(self.kw_dc * yield_kwh * az_factor * sh_factor * (1 - (self.losses_pct - 14) / 100), 0)
        self.commission_day = self.pto_day

        bm = self.ref.battery_models.reset_index(drop=True)
        pick = streams.choice(self.u("bat.model"), bm["market_share"])
        self.battery_model = bm["battery_model"].to_numpy()[pick]
        self.chemistry = bm["chemistry"].to_numpy()[pick]
        self.usable_kwh = bm["usable_kwh"].to_numpy()[pick] * np.where(self.u("bat.stack") < 0.2, 2, 1)
        self.power_kw = bm["power_kw"].to_numpy()[pick] * np.where(self.usable_kwh > bm["usable_kwh"].to_numpy()[pick], 2, 1)
        self.rte = bm["round_trip_efficiency"].to_numpy()[pick]
        # Customers in outage-prone places keep a deeper backup reserve; so do those less willing to let the
        # battery be dispatched (fewer kWh left to give a call), which their participation score reflects.
        risk = np.clip(terr["saifi_per_year"].to_numpy()[self.t_idx] * terr["caidi_minutes"].to_numpy()[self.t_idx] / 120, 0.5, 2)
        reserve_choice = streams.choice(self.u("bat.reserve") ** (0.3 + 1.4 * self.willingness), [0.15, 0.45, 0.25, 0.15])
        self.reserve_pct = np.clip(np.array([10.0, 20.0, 30.0, 50.0])[reserve_choice] * np.where(risk > 1.2, 1.4, 1.0), 5, 80).round(0)
        programs = set(self.ref.programs["utility_territory"])
        self.has_program = np.isin(self.territory, list(programs))
        self.vpp_enabled = self.battery_attached & self.has_program & (self.u("bat.vpp") < 0.35 + 0.6 * self.willingness)
        self.has_battery = self.battery_attached & self.operating

    def solar_systems(self) -> pd.DataFrame:
        m = self.operating
        return pd.DataFrame({
            "system_id": [f"SYS-{i:06d}" for i in self.n[m]],
            "household_id": self.ids[m],
            "project_id": [f"PRJ-{i:06d}" for i in self.n[m]],
            "module_count": self.module_count[m].astype(np.int32),
            "module_watts": self.module_watts[m].astype(np.int32),
            "kw_dc": self.kw_dc[m],
            "kw_ac": self.kw_ac[m],
            "inverter_type": self.inverter_type[m],
            "azimuth_band": self.azimuth_band[m],
            "primary_tilt_deg": self.tilt1[m],
            "primary_azimuth_deg": self.az1[m].astype(float),
            "secondary_tilt_deg": np.where(self.share1[m] < 1, self.tilt2[m], np.nan),
            "secondary_azimuth_deg": np.where(self.share1[m] < 1, self.az2[m], np.nan),
            "primary_plane_share": self.share1[m],
            "shading_band": self.shading_band[m],
            "system_losses_pct": self.losses_pct[m],
            "expected_annual_kwh": self.expected_annual_kwh[m],
            "commission_date": _to_dates(self.commission_day[m]),
        })

    def battery_systems(self) -> pd.DataFrame:
        m = self.has_battery
        return pd.DataFrame({
            "battery_id": [f"BAT-{i:06d}" for i in self.n[m]],
            "household_id": self.ids[m],
            "project_id": [f"PRJ-{i:06d}" for i in self.n[m]],
            "battery_model": self.battery_model[m],
            "chemistry": self.chemistry[m],
            "usable_kwh": self.usable_kwh[m],
            "power_kw": self.power_kw[m],
            "round_trip_efficiency": self.rte[m],
            "reserve_setting_pct": self.reserve_pct[m],
            "vpp_enabled_flag": self.vpp_enabled[m],
            "install_date": _to_dates(self.install_day[m]),
        })

    # ----------------------------------------------------------------------------------- contracts
    def _contracts(self):
        products = self.ref.products.reset_index(drop=True)
        pick = streams.choice(self.u("ct.product"), products["product_weight"])
        self.subscription_type = products["subscription_type"].to_numpy()[pick]
        u_term = self.u("ct.term")
        self.term_years = np.select(
            [self.subscription_type == "subscription_flex", self.subscription_type == "loan_like",
             self.subscription_type == "ppa"],
            [1 + (u_term * 3).astype(int), np.array([10, 15, 20])[(u_term * 3).astype(int)],
             np.where(u_term < 0.7, 25, 20)],
            default=np.where(u_term < 0.6, 20, 25)).astype(np.int32)
        # Contract prices as sales quoted them (CRM facts, not computed bills): the design tool's expected
        # production valued at what a solar kWh saves on the home's tariff - self-consumed at the off-peak
        # rate, the rest exported - less the product's discount to the utility (PPAs and leases are sold 10-30 %
        # below it; seed contract_products). The battery is priced once: a PPA has no fixed part, so its
        # per-kWh price counts the exports a battery shifts to the peak (85 % round trip); the other products
        # price the solar alone and add a monthly battery charge.
        tariffs = self.ref.tariffs.set_index("tariff_id").loc[self.tariff_id]
        peak = 0.5 * (tariffs["summer_peak_rate"].to_numpy() + tariffs["winter_peak_rate"].to_numpy())
        exported_value = tariffs["net_billing_export_rate"].to_numpy()
        ppa = self.subscription_type == "ppa"
        exported_value = np.where(self.battery_attached & ppa, np.maximum(exported_value, 0.85 * peak), exported_value)
        self_share = self.ref.parameter("contract_quote_self_consumed_share")
        value_per_kwh = self_share * tariffs["offpeak_rate"].to_numpy() + (1 - self_share) * exported_value
        low, high = (products[c].to_numpy()[pick] / 100 for c in ("discount_pct_min", "discount_pct_max"))
        price_per_kwh = value_per_kwh * (1 - (low + (high - low) * self.u("ct.discount")))
        per_kwh = np.isin(self.subscription_type, ["ppa", "subscription_flex"])
        self.flex_rate = np.round(np.where(per_kwh, price_per_kwh, 0.0), 4)
        expected_month_kwh = self.expected_annual_kwh / 12
        minimum = products["minimum_share_of_expected"].to_numpy()[pick] * expected_month_kwh * price_per_kwh
        battery_charge = self.ref.parameter("contract_battery_charge_usd_per_month") * (0.8 + 0.4 * self.u("ct.bat"))
        minimum = minimum + np.where(self.battery_attached & ~ppa, battery_charge, 0.0)
        self.monthly_minimum = np.round(minimum, 2)
        self.escalator = np.round(products["escalator_pct_max"].to_numpy()[pick] * np.where(
            self.u("ct.esc.zero") < 0.2, 0.0, self.u("ct.esc")), 1)
        self.vpp_eligible = self.battery_attached & self.has_program

    def contracts(self, churn_day: np.ndarray, renew_day: np.ndarray) -> pd.DataFrame:
        m = self.operating
        return pd.DataFrame({
            "contract_id": [f"CT-{i:06d}" for i in self.n[m]],
            "household_id": self.ids[m],
            "subscription_type": self.subscription_type[m],
            "term_years": self.term_years[m],
            "contract_start_date": _to_dates(self.pto_day[m]),
            "monthly_minimum_payment_usd": self.monthly_minimum[m],
            "flex_rate_usd_per_kwh": self.flex_rate[m],
            "escalator_pct": self.escalator[m],
            "battery_included_flag": self.battery_attached[m],
            "vpp_eligible_flag": self.vpp_eligible[m],
            "renewed_on": _to_dates(np.where(renew_day[m] >= 0, renew_day[m], np.nan)),
            "churned_on": _to_dates(np.where(churn_day[m] >= 0, churn_day[m], np.nan)),
        })

    # ----------------------------------------------------------------------------------- enrolments
    def _enrollments(self):
        self.enrolled = self.has_battery & self.vpp_enabled
        self.enroll_day = np.maximum(self.pto_day, 0) + (self.u("vpp.enroll") * 45).astype(int)
        self.enrolled &= self.enroll_day < self.end_day
        self.participation_score = np.round(np.clip(self.willingness + 0.08 * self.z("vpp.score"), 0, 1), 3)
        availability = np.clip(self.willingness + 0.25 * self.z("vpp.availability"), 0, 1)
        self.availability_band = np.select([availability < 0.35, availability < 0.7], ["low", "moderate"], "high")
        # A permanent opt-out (leaving the programme) is rarer for willing customers.
        years_enrolled = np.maximum(self.end_day - self.enroll_day, 0) / 365.0
        p_leave = 1 - np.exp(-0.10 * (1.2 - self.willingness) * years_enrolled)
        leaves = self.u("vpp.leave") < p_leave
        self.opt_out_day = np.where(
            self.enrolled & leaves,
            self.enroll_day + (self.u("vpp.leave.at") * (self.end_day - self.enroll_day)).astype(int), -1)
        self.program_id = np.empty(len(self.n), dtype=object)
        for _, prog in self.ref.programs.iterrows():
            self.program_id[self.territory == prog["utility_territory"]] = prog["program_id"]

    def enrollments(self) -> pd.DataFrame:
        m = self.enrolled
        return pd.DataFrame({
            "enrollment_id": [f"ENR-{i:06d}" for i in self.n[m]],
            "household_id": self.ids[m],
            "battery_id": [f"BAT-{i:06d}" for i in self.n[m]],
            "program_id": self.program_id[m],
            "enrolled_on": _to_dates(self.enroll_day[m]),
            "participation_score": self.participation_score[m],
            "seasonal_availability_band": self.availability_band[m],
            "opted_out_on": _to_dates(np.where(self.opt_out_day[m] >= 0, self.opt_out_day[m], np.nan)),
        })

    def households(self) -> pd.DataFrame:
        first_touch_day = self.signed_day - self.conversion_days
        return pd.DataFrame({
            "household_id": self.ids,
            "created_at": pd.to_datetime(first_touch_day * 86400 + 15 * 3600, unit="s", utc=True),
            "state": self.state,
            "utility_territory": self.territory,
            "feeder_id": self.feeder_id,
            "tariff_id": self.tariff_id.astype(str),
            "latitude": self.latitude,
            "longitude": self.longitude,
            "timezone": self.timezone,
            "home_type": self.home_type,
            "floor_area_sqft": self.floor_area.astype(np.int32),
            "occupants": self.occupants.astype(np.int32),
            "year_built": self.year_built.astype(np.int32),
            "income_band": self.income_band,
            "ev_owner_flag": self.ev_owner,
            "electrification_profile": self.electrification,
            "roof_profile": self.roof_profile,
            "central_ac_flag": self.has_ac,
        })
