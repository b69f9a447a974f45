"""The customer population: homes, their acquisition, install projects, assets, contracts and enrolments.

Built as a data flow, one entity table per stage (struct-of-arrays, one element per household), each stage a
function of the tables before it:

    homes = draw_homes(...)                       territory, feeder, tariff, dwelling, occupants, appliances
    acquisition = acquire(homes, ...)             adoption timing and the marketing journey (customers.py)
    project = run_projects(homes, acquisition)    permit, install, PTO or cancellation; battery attachment
    assets = design_assets(homes, project)        the PV system and the battery
    contract = sign_contracts(homes, project, assets)
    enrollment = enroll(homes, project, assets)   VPP programme enrolment and opt-out

Each household's attributes are pure functions of (seed, household number), drawn with counter-based
streams, so any subset of households can be generated alone and come out the same.
"""

from __future__ import annotations

import dataclasses
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


class Draws:
    """The households' random streams: uniform and standard normal draws by stream name (streams.py)."""

    def __init__(self, seed: int, numbers: np.ndarray):
        self.seed, self.n = seed, numbers

    def u(self, stream, size=None):
        return streams.uniform(self.seed, self.n, stream, size)

    def z(self, stream, size=None):
        return streams.normal(self.seed, self.n, stream, size)


# ----------------------------------------------------------------------------------------------- households
@dataclasses.dataclass
class Homes:
    """Where each household lives and what its home is like."""

    t_idx: np.ndarray  # row of the territory table
    territory: np.ndarray
    state: np.ndarray
    timezone: np.ndarray
    climate_zone: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray
    feeder_id: np.ndarray
    tariff_id: np.ndarray
    tariff_type: np.ndarray
    home_type: np.ndarray
    floor_area: np.ndarray
    occupants: np.ndarray
    year_built: np.ndarray
    income_band: np.ndarray
    electrification: np.ndarray
    ev_owner: np.ndarray
    heat_pump: np.ndarray
    roof_profile: np.ndarray
    has_ac: np.ndarray
    willingness: np.ndarray  # latent: willingness to let the battery be dispatched (never exported as such)


def pack_territories(territories: pd.DataFrame, states: tuple[str, ...]) -> pd.DataFrame:
    """The territories of the pack's states (all when none are chosen)."""
    terr = territories
    if states:
        terr = terr[terr["state"].isin(states)]
    return terr.reset_index(drop=True)


def draw_homes(terr: pd.DataFrame, tariffs: pd.DataFrame, n: int, draw: Draws) -> Homes:
    t_idx = streams.choice(draw.u("hh.territory"), terr["household_weight"])
    territory = terr["utility_territory"].to_numpy()[t_idx]
    state = terr["state"].to_numpy()[t_idx]
    feeders = terr["feeder_count"].to_numpy()[t_idx]
    feeder_no = np.minimum((draw.u("hh.feeder") * feeders).astype(int), feeders - 1) + 1
    codes = {t: territory_code(t) for t in terr["utility_territory"]}

    # Tariff plan within the territory, by plan share.
    tariff_id = np.empty(n, dtype=object)
    tariff_type = np.empty(n, dtype=object)
    u_tariff = draw.u("hh.tariff")
    for name, group in tariffs.groupby("utility_territory", sort=False):
        mask = territory == name
        pick = streams.choice(u_tariff[mask], group["plan_share"])
        tariff_id[mask] = group["tariff_id"].to_numpy()[pick]
        tariff_type[mask] = group["tariff_type"].to_numpy()[pick]
    if any(v is None for v in tariff_id):
        missing = sorted(set(territory[[v is None for v in tariff_id]]))
        from .errors import ReferenceDataError

        raise ReferenceDataError(f"seeds/utility_tariff_plans.csv has no plan for territory: {', '.join(missing)}.")

    h = streams.choice(draw.u("hh.home_type"), HOME_TYPES[1])
    electrification = np.array(ELECTRIFICATION[0])[streams.choice(draw.u("hh.electrification"), ELECTRIFICATION[1])]
    climate_zone = terr["climate_zone"].to_numpy()[t_idx]
    return Homes(
        t_idx=t_idx, territory=territory, state=state, timezone=terr["timezone"].to_numpy()[t_idx],
        climate_zone=climate_zone,
        latitude=np.round(terr["latitude"].to_numpy()[t_idx] + 0.5 * (draw.u("hh.lat") - 0.5), 4),
        longitude=np.round(terr["longitude"].to_numpy()[t_idx] + 0.5 * (draw.u("hh.lon") - 0.5), 4),
        feeder_id=np.array([f"{s}-{codes[t]}-F{f:02d}" for s, t, f in zip(state, territory, feeder_no)]),
        tariff_id=tariff_id, tariff_type=tariff_type,
        home_type=np.array(HOME_TYPES[0])[h],
        floor_area=np.round(np.array(HOME_TYPES[2])[h] * np.exp(0.3 * draw.z("hh.area")), -1).clip(500, 6000),
        occupants=1 + streams.choice(draw.u("hh.occupants"), [0.15, 0.33, 0.2, 0.2, 0.09, 0.03]),
        year_built=(1950 + 74 * draw.u("hh.year_built") ** 0.8).astype(int),
        income_band=np.array(INCOME_BANDS[0])[streams.choice(draw.u("hh.income"), INCOME_BANDS[1])],
        electrification=electrification,
        ev_owner=draw.u("hh.ev") < np.array([EV_SHARE[e] for e in electrification]),
        heat_pump=np.isin(electrification, ["heat_pump", "full_electrified"]),
        roof_profile=np.array(ROOF_PROFILES[0])[streams.choice(draw.u("hh.roof"), ROOF_PROFILES[1])],
        has_ac=draw.u("hh.ac") < np.array([AC_SHARE[c] for c in climate_zone]),
        willingness=np.clip(draw.u("hh.willingness") ** 0.7, 0.02, 0.99),
    )


# ----------------------------------------------------------------------------------------------- acquisition
@dataclasses.dataclass
class Acquisition:
    """When each household signed and the marketing journey that brought it (customers.py)."""

    campaign_row: np.ndarray  # the converting (last-touch) campaign: row of the channel seed
    territory_adoption: pd.DataFrame  # per territory: its Bass adoption coefficients
    signed_day: np.ndarray
    conversion_days: np.ndarray
    journeys: customers.Journeys
    lead_source: np.ndarray  # the pipeline's lead source: the journey's first touch


def acquire(terr: pd.DataFrame, homes: Homes, ref: Reference, start_day: int, end_day: int, draw: Draws) -> Acquisition:
    """Signing days from the territories' adoption curves, and each customer's journey (customers.py)."""
    ch = ref.channels.reset_index(drop=True)
    pick = streams.choice(draw.u("acq.channel"), ch["channel_weight"])
    adoption = customers.territory_adoption(terr, ref.tariffs, ref.incentives,
                                            customers.AdoptionParameters.from_reference(ref))
    book_start = start_day - int(ref.parameter("adoption_book_gap_days")) - int(
        round(ref.parameter("adoption_book_years") * 365))
    last_day = end_day - int(ref.parameter("adoption_last_signing_days_before_end"))
    signed_day = customers.adoption_days(
        adoption["bass_p"].to_numpy()[homes.t_idx], adoption["bass_q"].to_numpy()[homes.t_idx],
        draw.u("acq.adoption"), book_start, last_day, int(ref.parameter("adoption_market_start_day")))
    conversion_days = customers.conversion_days(
        ch["median_conversion_days"].to_numpy()[pick], ch["conversion_days_sigma"].to_numpy()[pick],
        draw.z("acq.conversion"))
    max_touches = int(ref.parameter("journey_max_touches"))
    draws = {name: draw.u(f"acq.journey.{name}") for name in ("count", "origin", "origin_pick", "gap")}
    draws.update({name: draw.u(f"acq.journey.{name}", max_touches) for name in ("mid", "mid_pick", "hour")})
    journeys = customers.plan_journeys(ch, pick, signed_day, conversion_days, draws, max_touches,
                                       ref.parameter("journey_close_gap_mean_days"))
    return Acquisition(campaign_row=pick, territory_adoption=adoption, signed_day=signed_day,
                       conversion_days=conversion_days, journeys=journeys,
                       lead_source=ch["channel"].to_numpy()[journeys.first_campaign])


# ----------------------------------------------------------------------------------------------- install projects
@dataclasses.dataclass
class Project:
    """The install project after signing: its milestones (-1: not reached in the pack) or its cancellation."""

    permit_day: np.ndarray
    install_day: np.ndarray
    pto_day: np.ndarray  # permission to operate: the system's commissioning
    cancel_day: np.ndarray
    cancelled: np.ndarray
    cancellation_reason: np.ndarray
    operating: np.ndarray  # has a commissioned system inside or before the pack
    battery_attached: np.ndarray


def run_projects(terr: pd.DataFrame, homes: Homes, acquisition: Acquisition, reasons: pd.DataFrame, end_day: int,
                 draw: Draws) -> Project:
    slow = np.where(np.isin(homes.state, ["CA", "HI", "NJ", "MA"]), 1.3, 1.0)
    permit = np.round(21 * slow * np.exp(0.5 * draw.z("proj.permit"))).astype(int) + 3
    install = np.round(18 * np.exp(0.5 * draw.z("proj.install"))).astype(int) + 2
    pto = np.round(12 * slow * np.exp(0.6 * draw.z("proj.pto"))).astype(int) + 2
    signed_day = acquisition.signed_day
    permit_day = signed_day + permit
    install_day = permit_day + install
    pto_day = install_day + pto

    reasons = reasons.reset_index(drop=True)
    cancelled = draw.u("proj.cancel") < 0.11
    reason_idx = streams.choice(draw.u("proj.cancel.reason"), reasons["weight"])
    cancellation_reason = np.where(cancelled, reasons["cancellation_reason"].to_numpy()[reason_idx], None)
    stage = np.where(cancelled, reasons["stage"].to_numpy()[reason_idx], "")
    u_at = draw.u("proj.cancel.at")
    cancel_day = np.where(
        stage == "before_permit", signed_day + (u_at * permit).astype(int),
        np.where(stage == "before_install", permit_day + (u_at * install).astype(int),
                 install_day + (u_at * pto).astype(int)))
    # Dates after a cancellation never happen; dates after the pack's end have not happened yet.
    permit_day = np.where(cancelled & (stage == "before_permit"), -1, permit_day)
    install_day = np.where(cancelled & np.isin(stage, ["before_permit", "before_install"]), -1, install_day)
    pto_day = np.where(cancelled, -1, pto_day)
    permit_day, install_day, pto_day = (np.where(value >= end_day, -1, value)
                                        for value in (permit_day, install_day, pto_day))
    cancel_day = np.where(cancelled & (cancel_day < end_day), cancel_day, -1)
    cancelled = cancelled & (cancel_day >= 0)
    cancellation_reason = np.where(cancelled, cancellation_reason, None)

    saifi = terr["saifi_per_year"].to_numpy()[homes.t_idx] * terr["caidi_minutes"].to_numpy()[homes.t_idx]
    outage_push = np.clip(saifi / 150.0, 0.5, 1.5)
    attach_p = np.array([BATTERY_ATTACH[t] for t in homes.tariff_type]) * outage_push
    attach_p *= np.where(np.isin(homes.income_band, ["upper_middle", "higher"]), 1.15, 0.85)
    return Project(permit_day=permit_day, install_day=install_day, pto_day=pto_day, cancel_day=cancel_day,
                   cancelled=cancelled, cancellation_reason=cancellation_reason, operating=pto_day >= 0,
                   battery_attached=draw.u("proj.battery") < np.clip(attach_p, 0.05, 0.95))


# ----------------------------------------------------------------------------------------------- assets
@dataclasses.dataclass
class Assets:
    """The PV system the design tool laid out and the battery installed with it."""

    module_watts: np.ndarray
    module_count: np.ndarray
    kw_dc: np.ndarray
    kw_ac: np.ndarray
    dc_ac_ratio: np.ndarray
    inverter_type: np.ndarray
    losses_pct: np.ndarray
    azimuth_band: np.ndarray
    shading_band: np.ndarray
    tilt1: np.ndarray
    az1: np.ndarray
    tilt2: np.ndarray
    az2: np.ndarray
    share1: np.ndarray  # share of the modules on the primary plane
    expected_annual_kwh: np.ndarray  # the design tool's estimate, not the simulated outcome
    battery_model: np.ndarray
    chemistry: np.ndarray
    usable_kwh: np.ndarray
    power_kw: np.ndarray
    rte: np.ndarray
    reserve_pct: np.ndarray
    has_program: np.ndarray  # the territory has a VPP programme
    vpp_enabled: np.ndarray
    has_battery: np.ndarray  # a battery attached to an operating system


def design_assets(terr: pd.DataFrame, homes: Homes, project: Project, ref: Reference, draw: Draws) -> Assets:
    n = len(homes.t_idx)
    eia = terr["eia_annual_kwh_per_customer"].to_numpy()[homes.t_idx]
    yield_kwh = terr["pvwatts_kwh_per_kw"].to_numpy()[homes.t_idx]
    module_watts = np.where(draw.u("pv.module") < 0.5, 400, 430)
    offset = 0.65 + 0.4 * draw.u("pv.offset")
    load_guess = eia * (homes.floor_area / 1800) ** 0.4 * np.where(homes.ev_owner, 1.25, 1.0)
    target_kw = np.clip(load_guess * offset / yield_kwh, 2.8, 16.0)
    module_count = np.maximum(7, np.round(target_kw * 1000 / module_watts)).astype(int)
    kw_dc = np.round(module_count * module_watts / 1000.0, 3)
    inverter_type = np.array(INVERTERS)[streams.choice(draw.u("pv.inverter"), [0.25, 0.45, 0.30])]
    inverter_type = np.where(project.battery_attached & (draw.u("pv.hybrid") < 0.5), "hybrid", inverter_type)
    dc_ac_ratio = np.round(1.1 + 0.2 * draw.u("pv.dcac"), 2)
    losses_pct = np.round(12.0 + 4.0 * draw.u("pv.losses"), 1)

    bands_u, shade_u = draw.u("pv.azimuth_band"), draw.u("pv.shading")
    azimuth_band = np.empty(n, dtype=object)
    shading_band = np.empty(n, dtype=object)
    for profile, (az_w, sh_w) in ROOF_GEOMETRY.items():
        m = homes.roof_profile == profile
        azimuth_band[m] = np.array(AZIMUTH_BANDS)[streams.choice(bands_u[m], az_w)]
        shading_band[m] = np.array(SHADING_BANDS)[streams.choice(shade_u[m], sh_w)]
    pitch = ROOF_PITCHES_DEG[streams.choice(draw.u("pv.pitch"), [0.2, 0.3, 0.25, 0.15, 0.1])]
    pitch = np.where(homes.home_type == "small_multifamily", 10.0, pitch)
    jitter = np.round((draw.u("pv.az_jitter") - 0.5) * 4) * 5  # -10..+10 in 5 degree steps
    south = 180 + jitter
    az1 = np.select([azimuth_band == "south", azimuth_band == "southwest", azimuth_band == "east_west"],
                    [south, 220 + jitter, 90 + jitter], default=south)
    az2 = np.select([azimuth_band == "east_west", azimuth_band == "mixed"],
                    [270 + jitter, np.where(draw.u("pv.mixed_side") < 0.5, 90 + jitter, 270 + jitter)], default=az1)
    share1 = np.select([azimuth_band == "east_west", azimuth_band == "mixed"], [0.5, 0.6], 1.0)

    design = ref.design_factors.set_index(["factor_type", "band"])["annual_factor"]
    az_factor = np.array([design[("azimuth", b)] for b in azimuth_band])
    sh_factor = np.array([design[("shading", b)] for b in shading_band])
    # The install tool's design estimate (PVWatts-style), not the simulated outcome.
    expected_annual_kwh = np.round(kw_dc * yield_kwh * az_factor * sh_factor * (1 - (losses_pct - 14) / 100), 0)

    bm = ref.battery_models.reset_index(drop=True)
    pick = streams.choice(draw.u("bat.model"), bm["market_share"])
    usable_kwh = bm["usable_kwh"].to_numpy()[pick] * np.where(draw.u("bat.stack") < 0.2, 2, 1)
    # Customers in outage-prone places keep a deeper backup reserve; so do those less willing to let the
    # battery be dispatched (fewer kWh left to give a call), which their participation score reflects.
    risk = np.clip(terr["saifi_per_year"].to_numpy()[homes.t_idx] * terr["caidi_minutes"].to_numpy()[homes.t_idx] / 120,
                   0.5, 2)
    reserve_choice = streams.choice(draw.u("bat.reserve") ** (0.3 + 1.4 * homes.willingness), [0.15, 0.45, 0.25, 0.15])
    has_program = np.isin(homes.territory, list(set(ref.programs["utility_territory"])))
    return Assets(
        module_watts=module_watts, module_count=module_count, kw_dc=kw_dc, kw_ac=np.round(kw_dc / dc_ac_ratio, 3),
        dc_ac_ratio=dc_ac_ratio, inverter_type=inverter_type, losses_pct=losses_pct, azimuth_band=azimuth_band,
        shading_band=shading_band, tilt1=pitch, az1=az1, tilt2=pitch, az2=az2, share1=share1,
        expected_annual_kwh=expected_annual_kwh,
        battery_model=bm["battery_model"].to_numpy()[pick], chemistry=bm["chemistry"].to_numpy()[pick],
        usable_kwh=usable_kwh,
        power_kw=bm["power_kw"].to_numpy()[pick] * np.where(usable_kwh > bm["usable_kwh"].to_numpy()[pick], 2, 1),
        rte=bm["round_trip_efficiency"].to_numpy()[pick],
        reserve_pct=np.clip(np.array([10.0, 20.0, 30.0, 50.0])[reserve_choice] * np.where(risk > 1.2, 1.4, 1.0),
                            5, 80).round(0),
        has_program=has_program,
        vpp_enabled=project.battery_attached & has_program & (draw.u("bat.vpp") < 0.35 + 0.6 * homes.willingness),
        has_battery=project.battery_attached & project.operating,
    )


# ----------------------------------------------------------------------------------------------- contracts
@dataclasses.dataclass
class Contract:
    """The subscription each customer signed, as sales quoted it (CRM facts, not computed bills)."""

    subscription_type: np.ndarray
    term_years: np.ndarray
    flex_rate: np.ndarray
    monthly_minimum: np.ndarray
    escalator: np.ndarray
    vpp_eligible: np.ndarray


def sign_contracts(homes: Homes, project: Project, assets: Assets, ref: Reference, draw: Draws) -> Contract:
    products = ref.products.reset_index(drop=True)
    pick = streams.choice(draw.u("ct.product"), products["product_weight"])
    subscription_type = products["subscription_type"].to_numpy()[pick]
    u_term = draw.u("ct.term")
    term_years = np.select(
        [subscription_type == "subscription_flex", subscription_type == "loan_like", subscription_type == "ppa"],
        [1 + (u_term * 3).astype(int), np.array([10, 15, 20])[(u_term * 3).astype(int)],
         np.where(u_term < 0.7, 25, 20)],
        default=np.where(u_term < 0.6, 20, 25)).astype(np.int32)
    # Contract prices as sales quoted them (CRM facts, not computed bills): the design tool's expected
    # production valued at what a solar kWh saves on the home's tariff - self-consumed at the off-peak
    # rate, the rest exported - less the product's discount to the utility (PPAs and leases are sold 10-30 %
    # below it; seed contract_products). The battery is priced once: a PPA has no fixed part, so its
    # per-kWh price counts the exports a battery shifts to the peak (85 % round trip); the other products
    # price the solar alone and add a monthly battery charge.
    tariffs = ref.tariffs.set_index("tariff_id").loc[homes.tariff_id]
    peak = 0.5 * (tariffs["summer_peak_rate"].to_numpy() + tariffs["winter_peak_rate"].to_numpy())
    exported_value = tariffs["net_billing_export_rate"].to_numpy()
    ppa = subscription_type == "ppa"
    exported_value = np.where(project.battery_attached & ppa, np.maximum(exported_value, 0.85 * peak), exported_value)
    self_share = ref.parameter("contract_quote_self_consumed_share")
    value_per_kwh = self_share * tariffs["offpeak_rate"].to_numpy() + (1 - self_share) * exported_value
    low, high = (products[c].to_numpy()[pick] / 100 for c in ("discount_pct_min", "discount_pct_max"))
    price_per_kwh = value_per_kwh * (1 - (low + (high - low) * draw.u("ct.discount")))
    per_kwh = np.isin(subscription_type, ["ppa", "subscription_flex"])
    expected_month_kwh = assets.expected_annual_kwh / 12
    minimum = products["minimum_share_of_expected"].to_numpy()[pick] * expected_month_kwh * price_per_kwh
    battery_charge = ref.parameter("contract_battery_charge_usd_per_month") * (0.8 + 0.4 * draw.u("ct.bat"))
    minimum = minimum + np.where(project.battery_attached & ~ppa, battery_charge, 0.0)
    return Contract(
        subscription_type=subscription_type, term_years=term_years,
        flex_rate=np.round(np.where(per_kwh, price_per_kwh, 0.0), 4), monthly_minimum=np.round(minimum, 2),
        escalator=np.round(products["escalator_pct_max"].to_numpy()[pick] * np.where(
            draw.u("ct.esc.zero") < 0.2, 0.0, draw.u("ct.esc")), 1),
        vpp_eligible=project.battery_attached & assets.has_program,
    )


# ----------------------------------------------------------------------------------------------- enrolments
@dataclasses.dataclass
class Enrollment:
    """VPP programme enrolment of the homes with a battery that opted in."""

    enrolled: np.ndarray
    enroll_day: np.ndarray
    participation_score: np.ndarray
    availability_band: np.ndarray
    opt_out_day: np.ndarray  # -1: stays enrolled
    program_id: np.ndarray  # the territory's programme (None where there is none)


def enroll(homes: Homes, project: Project, assets: Assets, programs: pd.DataFrame, end_day: int,
           draw: Draws) -> Enrollment:
    enrolled = assets.has_battery & assets.vpp_enabled
    enroll_day = np.maximum(project.pto_day, 0) + (draw.u("vpp.enroll") * 45).astype(int)
    enrolled &= enroll_day < end_day
    availability = np.clip(homes.willingness + 0.25 * draw.z("vpp.availability"), 0, 1)
    # A permanent opt-out (leaving the programme) is rarer for willing customers.
    years_enrolled = np.maximum(end_day - enroll_day, 0) / 365.0
    p_leave = 1 - np.exp(-0.10 * (1.2 - homes.willingness) * years_enrolled)
    leaves = draw.u("vpp.leave") < p_leave
    program_id = np.empty(len(enrolled), dtype=object)
    for _, prog in programs.iterrows():
        program_id[homes.territory == prog["utility_territory"]] = prog["program_id"]
    return Enrollment(
        enrolled=enrolled, enroll_day=enroll_day,
        participation_score=np.round(np.clip(homes.willingness + 0.08 * draw.z("vpp.score"), 0, 1), 3),
        availability_band=np.select([availability < 0.35, availability < 0.7], ["low", "moderate"], "high"),
        opt_out_day=np.where(enrolled & leaves,
                             enroll_day + (draw.u("vpp.leave.at") * (end_day - enroll_day)).astype(int), -1),
        program_id=program_id,
    )


# ----------------------------------------------------------------------------------------------- the population
class Population:
    """All per-household entity tables of a pack, built for the households numbered in `numbers`, and their
    exports as the CRM, install and VPP systems would deliver them."""

    def __init__(self, config: PackConfig, ref: Reference, numbers: np.ndarray):
        self.config = config
        self.ref = ref
        self.n = np.asarray(numbers, dtype=np.int64)
        self.ids = np.array([f"HH-{i:06d}" for i in self.n])
        self.start_day = (config.start_date - EPOCH).days
        self.end_day = (config.end_date - EPOCH).days  # exclusive
        draw = Draws(config.seed, self.n)
        self.draw = draw
        self.territory_table = pack_territories(ref.territories, config.states)
        terr = self.territory_table
        self.homes = draw_homes(terr, ref.tariffs, len(self.n), draw)
        self.acquisition = acquire(terr, self.homes, ref, self.start_day, self.end_day, draw)
        self.project = run_projects(terr, self.homes, self.acquisition, ref.cancellation_reasons, self.end_day, draw)
        self.assets = design_assets(terr, self.homes, self.project, ref, draw)
        self.contract = sign_contracts(self.homes, self.project, self.assets, ref, draw)
        self.enrollment = enroll(self.homes, self.project, self.assets, ref.programs, self.end_day, draw)

    # ----------------------------------------------------------------------------------- exports
    def households(self) -> pd.DataFrame:
        h, a = self.homes, self.acquisition
        first_touch_day = a.signed_day - a.conversion_days
        return pd.DataFrame({
            "household_id": self.ids,
            "created_at": pd.to_datetime(first_touch_day * 86400 + 15 * 3600, unit="s", utc=True),
            "state": h.state,
            "utility_territory": h.territory,
            "feeder_id": h.feeder_id,
            "tariff_id": h.tariff_id.astype(str),
            "latitude": h.latitude,
            "longitude": h.longitude,
            "timezone": h.timezone,
            "home_type": h.home_type,
            "floor_area_sqft": h.floor_area.astype(np.int32),
            "occupants": h.occupants.astype(np.int32),
            "year_built": h.year_built.astype(np.int32),
            "income_band": h.income_band,
            "ev_owner_flag": h.ev_owner,
            "electrification_profile": h.electrification,
            "roof_profile": h.roof_profile,
            "central_ac_flag": h.has_ac,
        })

    def touches(self) -> pd.DataFrame:
        """Marketing touches before signature, as the marketing platform logs them (with their cost)."""
        ch = self.ref.channels.reset_index(drop=True)
        j = self.acquisition.journeys
        width = j.campaign.shape[1]
        cost = customers.touch_costs(ch, j, self.assets.kw_dc, self.draw.z("acq.touch.cost", width),
                                     self.draw.z("acq.touch.close_cost"))
        at = customers.touch_timestamps(j, self.homes.timezone)
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

    def projects(self) -> pd.DataFrame:
        p = self.project

        def day_or_null(days):
            return _to_dates(np.where(days >= 0, days, np.nan))

        return pd.DataFrame({
            "project_id": [f"PRJ-{i:06d}" for i in self.n],
            "household_id": self.ids,
            "lead_source": self.acquisition.lead_source,
            "signed_date": _to_dates(self.acquisition.signed_day),
            "permit_ready_date": day_or_null(p.permit_day),
            "install_date": day_or_null(p.install_day),
            "pto_date": day_or_null(p.pto_day),
            "battery_attachment_flag": p.battery_attached,
            "cancelled_date": day_or_null(p.cancel_day),
            "cancellation_reason": p.cancellation_reason,
        })

    def solar_systems(self) -> pd.DataFrame:
        m, a = self.project.operating, self.assets
        return pd.DataFrame({
            "system_id": [f"SYS-{i:06d}" for i in self.n[m]],
            "household_id": self.ids[m],
            "project_id": [f"PRJ-{i:06d}" for i in self.n[m]],
            "module_count": a.module_count[m].astype(np.int32),
            "module_watts": a.module_watts[m].astype(np.int32),
            "kw_dc": a.kw_dc[m],
            "kw_ac": a.kw_ac[m],
            "inverter_type": a.inverter_type[m],
            "azimuth_band": a.azimuth_band[m],
            "primary_tilt_deg": a.tilt1[m],
            "primary_azimuth_deg": a.az1[m].astype(float),
            "secondary_tilt_deg": np.where(a.share1[m] < 1, a.tilt2[m], np.nan),
            "secondary_azimuth_deg": np.where(a.share1[m] < 1, a.az2[m], np.nan),
            "primary_plane_share": a.share1[m],
            "shading_band": a.shading_band[m],
            "system_losses_pct": a.losses_pct[m],
            "expected_annual_kwh": a.expected_annual_kwh[m],
            "commission_date": _to_dates(self.project.pto_day[m]),
        })

    def battery_systems(self) -> pd.DataFrame:
        a = self.assets
        m = a.has_battery
        return pd.DataFrame({
            "battery_id": [f"BAT-{i:06d}" for i in self.n[m]],
            "household_id": self.ids[m],
            "project_id": [f"PRJ-{i:06d}" for i in self.n[m]],
            "battery_model": a.battery_model[m],
            "chemistry": a.chemistry[m],
            "usable_kwh": a.usable_kwh[m],
            "power_kw": a.power_kw[m],
            "round_trip_efficiency": a.rte[m],
            "reserve_setting_pct": a.reserve_pct[m],
            "vpp_enabled_flag": a.vpp_enabled[m],
            "install_date": _to_dates(self.project.install_day[m]),
        })

    def contracts(self, churn_day: np.ndarray, renew_day: np.ndarray) -> pd.DataFrame:
        m, c = self.project.operating, self.contract
        return pd.DataFrame({
            "contract_id": [f"CT-{i:06d}" for i in self.n[m]],
            "household_id": self.ids[m],
            "subscription_type": c.subscription_type[m],
            "term_years": c.term_years[m],
            "contract_start_date": _to_dates(self.project.pto_day[m]),
            "monthly_minimum_payment_usd": c.monthly_minimum[m],
            "flex_rate_usd_per_kwh": c.flex_rate[m],
            "escalator_pct": c.escalator[m],
            "battery_included_flag": self.project.battery_attached[m],
            "vpp_eligible_flag": c.vpp_eligible[m],
            "renewed_on": _to_dates(np.where(renew_day[m] >= 0, renew_day[m], np.nan)),
            "churned_on": _to_dates(np.where(churn_day[m] >= 0, churn_day[m], np.nan)),
        })

    def enrollments(self) -> pd.DataFrame:
        e = self.enrollment
        m = e.enrolled
        return pd.DataFrame({
            "enrollment_id": [f"ENR-{i:06d}" for i in self.n[m]],
            "household_id": self.ids[m],
            "battery_id": [f"BAT-{i:06d}" for i in self.n[m]],
            "program_id": e.program_id[m],
            "enrolled_on": _to_dates(e.enroll_day[m]),
            "participation_score": e.participation_score[m],
            "seasonal_availability_band": e.availability_band[m],
            "opted_out_on": _to_dates(np.where(e.opt_out_day[m] >= 0, e.opt_out_day[m], np.nan)),
        })
