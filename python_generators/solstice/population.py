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
from .errors import ReferenceDataError
from .reference import Reference
from .world import territory_code

EPOCH = dt.date(1970, 1, 1)



@dataclasses.dataclass(frozen=True)
class PopulationParameters:
    """Calibration constants of the population (seeds/simulation_parameters.csv, process `population`, rows
    `population_<field>`); the categorical shares are in seeds/household_attributes.csv."""

    floor_area_log_sigma: float
    floor_area_min_sqft: float
    floor_area_max_sqft: float
    year_built_first: float
    year_built_span: float
    year_built_skew: float
    willingness_exponent: float
    willingness_min: float
    willingness_max: float
    permit_median_days: float
    permit_log_sigma: float
    permit_min_days: int
    install_median_days: float
    install_log_sigma: float
    install_min_days: int
    pto_median_days: float
    pto_log_sigma: float
    pto_min_days: int
    cancel_share: float
    battery_outage_reference_minutes: float
    battery_outage_push_min: float
    battery_outage_push_max: float
    battery_higher_income_factor: float
    battery_lower_income_factor: float
    battery_attach_min: float
    battery_attach_max: float
    module_watts_small: int
    module_watts_large: int
    module_large_share: float
    offset_min: float
    offset_span: float
    load_reference_floor_area_sqft: float
    load_floor_area_exponent: float
    load_ev_factor: float
    system_min_kw: float
    system_max_kw: float
    system_min_modules: int
    hybrid_share_with_battery: float
    dc_ac_ratio_min: float
    dc_ac_ratio_span: float
    losses_min_pct: float
    losses_span_pct: float
    design_reference_losses_pct: float
    flat_roof_tilt_deg: float
    mixed_primary_share: float
    battery_stack_share: float
    reserve_risk_reference_minutes: float
    reserve_risk_min: float
    reserve_risk_max: float
    reserve_exponent_base: float
    reserve_exponent_willingness: float
    reserve_risk_threshold: float
    reserve_risk_factor: float
    reserve_min_pct: float
    reserve_max_pct: float
    vpp_enable_base: float
    vpp_enable_willingness: float
    enroll_max_days: float
    participation_score_sigma: float
    availability_sigma: float
    availability_low_below: float
    availability_moderate_below: float
    programme_leave_rate_per_year: float
    programme_leave_willingness_reference: float


def _categories(ref: Reference, name: str, condition: str = "*") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(categories, shares, values) of a household attribute (seeds/household_attributes.csv), in seed order."""
    rows = ref.attribute(name, condition)
    return rows["category"].to_numpy(), rows["share"].to_numpy(), rows["value"].to_numpy(float)


def _share_by(ref: Reference, name: str) -> dict[str, float]:
    """Share of the `yes` category of a yes/no attribute, by condition (climate zone, tariff type)."""
    table = ref.household_attributes
    rows = table[table["attribute"] == name]
    return dict(zip(rows["condition"], rows["share"]))


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


def draw_homes(terr: pd.DataFrame, ref: Reference, n: int, params: PopulationParameters, draw: Draws) -> Homes:
    tariffs = ref.tariffs
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
        raise ReferenceDataError(f"seeds/utility_tariff_plans.csv has no plan for territory: {', '.join(missing)}.")

    home_types, home_shares, home_areas = _categories(ref, "home_type")
    h = streams.choice(draw.u("hh.home_type"), home_shares)
    profiles, profile_shares, ev_shares = _categories(ref, "electrification")
    e = streams.choice(draw.u("hh.electrification"), profile_shares)
    electrification = profiles[e]
    occupants, occupant_shares, _ = _categories(ref, "occupants")
    incomes, income_shares, _ = _categories(ref, "income_band")
    roofs, roof_shares, _ = _categories(ref, "roof_profile")
    ac_share = _share_by(ref, "central_ac")
    climate_zone = terr["climate_zone"].to_numpy()[t_idx]
    return Homes(
        t_idx=t_idx, territory=territory, state=state, timezone=terr["timezone"].to_numpy()[t_idx],
        climate_zone=climate_zone,
        latitude=np.round(terr["latitude"].to_numpy()[t_idx] + 0.5 * (draw.u("hh.lat") - 0.5), 4),
        longitude=np.round(terr["longitude"].to_numpy()[t_idx] + 0.5 * (draw.u("hh.lon") - 0.5), 4),
        feeder_id=np.array([f"{s}-{codes[t]}-F{f:02d}" for s, t, f in zip(state, territory, feeder_no)]),
        tariff_id=tariff_id, tariff_type=tariff_type,
        home_type=home_types.astype(str)[h],
        floor_area=np.round(home_areas[h] * np.exp(params.floor_area_log_sigma * draw.z("hh.area")), -1).clip(
            params.floor_area_min_sqft, params.floor_area_max_sqft),
        occupants=occupants.astype(int)[streams.choice(draw.u("hh.occupants"), occupant_shares)],
        year_built=(params.year_built_first + params.year_built_span
                    * draw.u("hh.year_built") ** params.year_built_skew).astype(int),
        income_band=incomes.astype(str)[streams.choice(draw.u("hh.income"), income_shares)],
        electrification=electrification.astype(str),
        ev_owner=draw.u("hh.ev") < ev_shares[e],
        heat_pump=np.isin(electrification, ["heat_pump", "full_electrified"]),
        roof_profile=roofs.astype(str)[streams.choice(draw.u("hh.roof"), roof_shares)],
        has_ac=draw.u("hh.ac") < np.array([ac_share[c] for c in climate_zone]),
        willingness=np.clip(draw.u("hh.willingness") ** params.willingness_exponent, params.willingness_min,
                            params.willingness_max),
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


def run_projects(terr: pd.DataFrame, homes: Homes, acquisition: Acquisition, ref: Reference, end_day: int,
                 params: PopulationParameters, draw: Draws) -> Project:
    p = params
    delay = ref.household_attributes[ref.household_attributes["attribute"] == "project_delay_factor"]
    delay = dict(zip(delay["condition"], delay["value"].astype(float)))
    slow = np.array([delay.get(state, delay["*"]) for state in homes.state], dtype=float)
    permit = np.round(p.permit_median_days * slow * np.exp(p.permit_log_sigma * draw.z("proj.permit"))).astype(int) \
        + p.permit_min_days
    install = np.round(p.install_median_days * np.exp(p.install_log_sigma * draw.z("proj.install"))).astype(int) \
        + p.install_min_days
    pto = np.round(p.pto_median_days * slow * np.exp(p.pto_log_sigma * draw.z("proj.pto"))).astype(int) + p.pto_min_days
    signed_day = acquisition.signed_day
    permit_day = signed_day + permit
    install_day = permit_day + install
    pto_day = install_day + pto

    reasons = ref.cancellation_reasons.reset_index(drop=True)
    cancelled = draw.u("proj.cancel") < p.cancel_share
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
    outage_push = np.clip(saifi / p.battery_outage_reference_minutes, p.battery_outage_push_min,
                          p.battery_outage_push_max)
    attach = _share_by(ref, "battery_attach")
    attach_p = np.array([attach[t] for t in homes.tariff_type]) * outage_push
    attach_p *= np.where(np.isin(homes.income_band, ["upper_middle", "higher"]), p.battery_higher_income_factor,
                         p.battery_lower_income_factor)
    return Project(permit_day=permit_day, install_day=install_day, pto_day=pto_day, cancel_day=cancel_day,
                   cancelled=cancelled, cancellation_reason=cancellation_reason, operating=pto_day >= 0,
                   battery_attached=draw.u("proj.battery") < np.clip(attach_p, p.battery_attach_min,
                                                                     p.battery_attach_max))


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


def design_assets(terr: pd.DataFrame, homes: Homes, project: Project, ref: Reference, params: PopulationParameters,
                  draw: Draws) -> Assets:
    p = params
    n = len(homes.t_idx)
    eia = terr["eia_annual_kwh_per_customer"].to_numpy()[homes.t_idx]
    yield_kwh = terr["pvwatts_kwh_per_kw"].to_numpy()[homes.t_idx]
    module_watts = np.where(draw.u("pv.module") < 1 - p.module_large_share, p.module_watts_small, p.module_watts_large)
    offset = p.offset_min + p.offset_span * draw.u("pv.offset")
    load_guess = eia * (homes.floor_area / p.load_reference_floor_area_sqft) ** p.load_floor_area_exponent * np.where(
        homes.ev_owner, p.load_ev_factor, 1.0)
    target_kw = np.clip(load_guess * offset / yield_kwh, p.system_min_kw, p.system_max_kw)
    module_count = np.maximum(p.system_min_modules, np.round(target_kw * 1000 / module_watts)).astype(int)
    kw_dc = np.round(module_count * module_watts / 1000.0, 3)
    inverters, inverter_shares, _ = _categories(ref, "inverter_type")
    inverter_type = inverters.astype(str)[streams.choice(draw.u("pv.inverter"), inverter_shares)]
    inverter_type = np.where(project.battery_attached & (draw.u("pv.hybrid") < p.hybrid_share_with_battery), "hybrid",
                             inverter_type)
    dc_ac_ratio = np.round(p.dc_ac_ratio_min + p.dc_ac_ratio_span * draw.u("pv.dcac"), 2)
    losses_pct = np.round(p.losses_min_pct + p.losses_span_pct * draw.u("pv.losses"), 1)

    bands_u, shade_u = draw.u("pv.azimuth_band"), draw.u("pv.shading")
    azimuth_band = np.empty(n, dtype=object)
    shading_band = np.empty(n, dtype=object)
    for profile in _categories(ref, "roof_profile")[0]:
        m = homes.roof_profile == profile
        bands, band_shares, _ = _categories(ref, "azimuth_band", profile)
        azimuth_band[m] = bands.astype(str)[streams.choice(bands_u[m], band_shares)]
        bands, band_shares, _ = _categories(ref, "shading_band", profile)
        shading_band[m] = bands.astype(str)[streams.choice(shade_u[m], band_shares)]
    _, pitch_shares, pitches = _categories(ref, "roof_pitch")
    pitch = pitches[streams.choice(draw.u("pv.pitch"), pitch_shares)]
    pitch = np.where(homes.home_type == "small_multifamily", p.flat_roof_tilt_deg, pitch)
    jitter = np.round((draw.u("pv.az_jitter") - 0.5) * 4) * 5  # -10..+10 in 5 degree steps
    south = 180 + jitter
    az1 = np.select([azimuth_band == "south", azimuth_band == "southwest", azimuth_band == "east_west"],
                    [south, 220 + jitter, 90 + jitter], default=south)
    az2 = np.select([azimuth_band == "east_west", azimuth_band == "mixed"],
                    [270 + jitter, np.where(draw.u("pv.mixed_side") < 0.5, 90 + jitter, 270 + jitter)], default=az1)
    # Band geometry: an east-west array splits evenly; a mixed roof keeps most modules on the south plane.
    share1 = np.select([azimuth_band == "east_west", azimuth_band == "mixed"], [0.5, p.mixed_primary_share], 1.0)

    design = ref.design_factors.set_index(["factor_type", "band"])["annual_factor"]
    az_factor = np.array([design[("azimuth", b)] for b in azimuth_band])
    sh_factor = np.array([design[("shading", b)] for b in shading_band])
    # The install tool's design estimate (PVWatts-style), not the simulated outcome.
    expected_annual_kwh = np.round(kw_dc * yield_kwh * az_factor * sh_factor
                                   * (1 - (losses_pct - p.design_reference_losses_pct) / 100), 0)

    bm = ref.battery_models.reset_index(drop=True)
    pick = streams.choice(draw.u("bat.model"), bm["market_share"])
    usable_kwh = bm["usable_kwh"].to_numpy()[pick] * np.where(draw.u("bat.stack") < p.battery_stack_share, 2, 1)
    # Customers in outage-prone places keep a deeper backup reserve; so do those less willing to let the
    # battery be dispatched (fewer kWh left to give a call), which their participation score reflects.
    risk = np.clip(terr["saifi_per_year"].to_numpy()[homes.t_idx] * terr["caidi_minutes"].to_numpy()[homes.t_idx]
                   / p.reserve_risk_reference_minutes, p.reserve_risk_min, p.reserve_risk_max)
    _, reserve_shares, reserves = _categories(ref, "battery_reserve")
    reserve_exponent = p.reserve_exponent_base + p.reserve_exponent_willingness * homes.willingness
    reserve_choice = streams.choice(draw.u("bat.reserve") ** reserve_exponent, reserve_shares)
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
        reserve_pct=np.clip(reserves[reserve_choice] * np.where(risk > p.reserve_risk_threshold, p.reserve_risk_factor,
                                                                1.0), p.reserve_min_pct, p.reserve_max_pct).round(0),
        has_program=has_program,
        vpp_enabled=project.battery_attached & has_program & (
            draw.u("bat.vpp") < p.vpp_enable_base + p.vpp_enable_willingness * homes.willingness),
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
    # Term by product, from the product's term weights (seed household_attributes, contract_term_years).
    u_term = draw.u("ct.term")
    term_years = np.zeros(len(subscription_type), dtype=np.int32)
    terms = ref.household_attributes[ref.household_attributes["attribute"] == "contract_term_years"]
    for product in np.unique(subscription_type):
        rows = terms[terms["condition"] == product]
        if rows.empty:
            raise ReferenceDataError(f"seeds/household_attributes.csv has no contract_term_years rows for {product!r}.")
        m = subscription_type == product
        term_years[m] = rows["category"].astype(int).to_numpy()[streams.choice(u_term[m], rows["share"])]
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
    round_trip = ref.parameter("contract_quote_battery_round_trip")
    exported_value = np.where(project.battery_attached & ppa, np.maximum(exported_value, round_trip * peak),
                              exported_value)
    self_share = ref.parameter("contract_quote_self_consumed_share")
    value_per_kwh = self_share * tariffs["offpeak_rate"].to_numpy() + (1 - self_share) * exported_value
    low, high = (products[c].to_numpy()[pick] / 100 for c in ("discount_pct_min", "discount_pct_max"))
    price_per_kwh = value_per_kwh * (1 - (low + (high - low) * draw.u("ct.discount")))
    per_kwh = np.isin(subscription_type, ["ppa", "subscription_flex"])
    expected_month_kwh = assets.expected_annual_kwh / 12
    minimum = products["minimum_share_of_expected"].to_numpy()[pick] * expected_month_kwh * price_per_kwh
    battery_charge = ref.parameter("contract_battery_charge_usd_per_month") * (
        ref.parameter("contract_battery_charge_min_share") + ref.parameter("contract_battery_charge_span_share")
        * draw.u("ct.bat"))
    minimum = minimum + np.where(project.battery_attached & ~ppa, battery_charge, 0.0)
    return Contract(
        subscription_type=subscription_type, term_years=term_years,
        flex_rate=np.round(np.where(per_kwh, price_per_kwh, 0.0), 4), monthly_minimum=np.round(minimum, 2),
        escalator=np.round(products["escalator_pct_max"].to_numpy()[pick] * np.where(
            draw.u("ct.esc.zero") < ref.parameter("contract_no_escalator_share"), 0.0, draw.u("ct.esc")), 1),
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
           params: PopulationParameters, draw: Draws) -> Enrollment:
    p = params
    enrolled = assets.has_battery & assets.vpp_enabled
    enroll_day = np.maximum(project.pto_day, 0) + (draw.u("vpp.enroll") * p.enroll_max_days).astype(int)
    enrolled &= enroll_day < end_day
    availability = np.clip(homes.willingness + p.availability_sigma * draw.z("vpp.availability"), 0, 1)
    # A permanent opt-out (leaving the programme) is rarer for willing customers.
    years_enrolled = np.maximum(end_day - enroll_day, 0) / 365.0
    p_leave = 1 - np.exp(-p.programme_leave_rate_per_year
                         * (p.programme_leave_willingness_reference - homes.willingness) * years_enrolled)
    leaves = draw.u("vpp.leave") < p_leave
    program_id = np.empty(len(enrolled), dtype=object)
    for _, prog in programs.iterrows():
        program_id[homes.territory == prog["utility_territory"]] = prog["program_id"]
    return Enrollment(
        enrolled=enrolled, enroll_day=enroll_day,
        participation_score=np.round(
            np.clip(homes.willingness + p.participation_score_sigma * draw.z("vpp.score"), 0, 1), 3),
        availability_band=np.select(
            [availability < p.availability_low_below, availability < p.availability_moderate_below],
            ["low", "moderate"], "high"),
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
        params = ref.fill(PopulationParameters, "population")
        self.homes = draw_homes(terr, ref, len(self.n), params, draw)
        self.acquisition = acquire(terr, self.homes, ref, self.start_day, self.end_day, draw)
        self.project = run_projects(terr, self.homes, self.acquisition, ref, self.end_day, params, draw)
        self.assets = design_assets(terr, self.homes, self.project, ref, params, draw)
        self.contract = sign_contracts(self.homes, self.project, self.assets, ref, draw)
        self.enrollment = enroll(self.homes, self.project, self.assets, ref.programs, self.end_day, params, draw)

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
