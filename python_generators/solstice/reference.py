"""Reference data from `seeds/`: the same CSVs `dbt seed` loads, read once and checked.

Nothing here is duplicated as Python constants; a malformed seed is named with the fix.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pandas as pd

from .errors import ReferenceDataError

# The columns the generator relies on, and whether each must be numeric.
REQUIRED = {
    "territories": {
        "utility_territory": str, "state": str, "latitude": float, "longitude": float, "altitude_m": float,
        "timezone": str, "climate_zone": str, "market_region": str, "feeder_count": int,
        "saifi_per_year": float, "caidi_minutes": float, "major_event_days_per_year": float,
        "eia_annual_kwh_per_customer": float, "eia_residential_cents_per_kwh": float,
        "clearness_concentration": float, "household_weight": float,
    },
    "climate_normals": {
        "utility_territory": str, "month": int, "mean_temp_c": float, "diurnal_range_c": float,
        "clear_sky_index": float, "daily_temp_sd_c": float,
    },
    "utility_tariff_plans": {
        "tariff_id": str, "utility_territory": str, "tariff_type": str, "peak_start_hour": int,
        "peak_end_hour": int, "summer_start_month": int, "summer_end_month": int, "plan_share": float,
    },
    "vpp_programs": {
        "program_id": str, "utility_territory": str, "dispatch_type": str, "trigger": str,
        "season_start_month": int, "season_end_month": int, "window_start_hour": int, "duration_hours": int,
        "events_per_season": int, "max_kw_per_home": float, "baseline_method": str,
    },
    "battery_models": {
        "battery_model": str, "chemistry": str, "usable_kwh": float, "power_kw": float,
        "round_trip_efficiency": float, "market_share": float,
    },
    "battery_chemistries": {
        "chemistry": str, "calendar_fade_pct_per_sqrt_year": float, "cycle_fade_pct_per_efc": float,
        "calendar_activation_energy_j_per_mol": float, "wearout_weibull_scale_years": float,
        "wearout_weibull_shape": float,
    },
    "acquisition_channels": {
        "channel": str, "campaign_type": str, "channel_weight": float, "median_conversion_days": float,
        "cost_per_touch_usd": float, "touches_mean": float, "conversion_days_sigma": float,
        "same_origin_share": float, "first_touch_weight": float, "conversion_fee_usd": float,
        "commission_usd_per_w": float, "cost_sigma": float,
    },
    "adoption_incentives": {"state": str, "incentive_usd_per_w": float},
    "contract_products": {
        "subscription_type": str, "term_years": int, "product_weight": float,
        "discount_pct_min": float, "discount_pct_max": float, "minimum_share_of_expected": float,
        "escalator_pct_max": float,
    },
    "cancellation_reasons": {"cancellation_reason": str, "weight": float},
    "market_regions": {
        "market_region": str, "timezone": str, "base_lmp_usd_per_mwh": float, "solar_depression_pct": float,
        "evening_ramp_pct": float, "heat_price_pct_per_c": float, "cold_price_pct_per_c": float,
        "scarcity_heat_probability": float, "scarcity_cold_probability": float, "scarcity_hours_mean": float,
        "spike_max_usd_per_mwh": float, "spin_floor_usd_per_mwh": float, "nonspin_floor_usd_per_mwh": float,
        "price_volatility": float, "carbon_base_kg_per_mwh": float, "carbon_solar_dip_pct": float,
        "spin_share_of_lmp": float, "nonspin_share_of_lmp": float,
    },
    "storm_climatology": {
        "state": str, "month": int, "storm_share": float, "hazard": str, "temperature_link": float,
    },
    "solar_design_factors": {"factor_type": str, "band": str, "annual_factor": float},
    "household_attributes": {"attribute": str, "condition": str, "category": str, "share": float, "source": str},
    "simulation_parameters": {"process": str, "parameter": str, "value": float, "unit": str, "source": str},
    "recs_end_use_by_state": {
        "state": str, "electric_heating_share": float, "resistance_share_of_electric": float,
        "electric_water_heating_share": float, "electric_cooking_share": float, "electric_dryer_share": float,
        "pool_share_single_family": float, "latent_cooling_factor": float, "cooling_setpoint_offset_c": float,
        "source": str,
    },
    "service_issue_types": {
        "issue_category": str, "applies_to": str, "annual_rate": float, "severity_high_share": float,
        "severity_moderate_share": float, "truck_roll_share": float, "equipment_replaced_share": float,
        "median_resolution_days": float, "device_effect": str, "effect_median_days": float,
    },
}


# Enumerations the seeds must keep to: the pack schema's values, and the generator's own vocabularies.
ENUMS = {
    "territories": {"climate_zone": {"coastal", "desert", "temperate", "humid_subtropical", "mountain", "island"}},
    "utility_tariff_plans": {"tariff_type": {"flat", "tou", "demand_like", "export_sensitive"}},
    "vpp_programs": {
        "market_type": {"utility", "iso", "aggregator", "resilience"},
        "dispatch_type": {"peak_shave", "capacity_event", "emergency_event", "market_dispatch"},
        "trigger": {"hot_day", "price_spike", "daily"},
        "baseline_method": {"prior_days", "metered_discharge"},
    },
    "battery_models": {"chemistry": {"lithium_iron_phosphate", "lithium_nmc"}},
    "storm_climatology": {
        "hazard": {"tropical_storm", "winter_storm", "convective_storm", "wildfire_shutoff", "monsoon"},
    },
    "battery_chemistries": {"chemistry": {"lithium_iron_phosphate", "lithium_nmc"}},
    "acquisition_channels": {
        "channel": {"partner", "digital", "referral", "direct", "field_sales"},
        "sales_motion": {"inside_sales", "field", "partner_led", "self_serve_assisted"},
    },
    "contract_products": {"subscription_type": {"ppa", "lease", "subscription_flex", "loan_like"}},
    "cancellation_reasons": {"stage": {"before_permit", "before_install", "before_pto"}},
    "service_issue_types": {
        "issue_category": {"battery_alert", "inverter_fault", "connectivity", "production_drop", "customer_question"},
        "applies_to": {"solar", "battery", "all"},
        "device_effect": {"solar_off", "solar_derate", "battery_off", "device_offline", "none"},
    },
}


def _read(seeds_dir: Path, name: str) -> pd.DataFrame:
    path = seeds_dir / f"{name}.csv"
    hint = f"restore it with `git checkout seeds/{name}.csv`"
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError:
        raise ReferenceDataError(f"reference file {path} is missing: {hint}.")
    except UnicodeDecodeError as exc:
        raise ReferenceDataError(f"reference file {path} is not UTF-8 text ({exc}); {hint}.")
    width = len(rows[0]) if rows else 0
    for number, row in enumerate(rows[1:], start=2):
        if row and len(row) != width:
            raise ReferenceDataError(
                f"reference file {path}, line {number} has {len(row)} values but the header has {width} columns; "
                f"fix the line (quote values that contain commas) or {hint}.")
    try:
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    except FileNotFoundError:
        raise ReferenceDataError(f"reference file {path} is missing: {hint}.")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise ReferenceDataError(f"reference file {path} cannot be parsed ({exc}); fix the CSV or {hint}.")
    for column, kind in REQUIRED[name].items():
        if column not in frame.columns:
            raise ReferenceDataError(f"reference file {path} has no column {column!r}; add it or {hint}.")
        if frame[column].isna().any():
            row = int(frame.index[frame[column].isna()][0]) + 2
            raise ReferenceDataError(f"reference file {path}, line {row}: column {column!r} is empty; fill it in or {hint}.")
        if kind in (int, float):
            numbers = pd.to_numeric(frame[column], errors="coerce")
            if numbers.isna().any():
                row = int(frame.index[numbers.isna()][0]) + 2
                raise ReferenceDataError(
                    f"reference file {path}, line {row}: column {column!r} must be a number, "
                    f"got {frame[column].iloc[row - 2]!r}; correct it or {hint}."
                )
            frame[column] = numbers.astype(kind)
    if frame.empty:
        raise ReferenceDataError(f"reference file {path} has no rows; {hint}.")
    for column, allowed in ENUMS.get(name, {}).items():
        if column not in frame.columns:
            raise ReferenceDataError(f"reference file {path} has no column {column!r}; add it or {hint}.")
        unknown = ~frame[column].isin(allowed)
        if unknown.any():
            row = int(frame.index[unknown][0]) + 2
            raise ReferenceDataError(
                f"reference file {path}, line {row}: {column} {frame[column].iloc[row - 2]!r} is not one of "
                f"{', '.join(sorted(allowed))}; correct it or {hint}.")
    return frame


@dataclasses.dataclass(frozen=True)
class Reference:
    root: Path
    territories: pd.DataFrame
    climate_normals: pd.DataFrame
    tariffs: pd.DataFrame
    programs: pd.DataFrame
    battery_models: pd.DataFrame
    chemistries: pd.DataFrame
    channels: pd.DataFrame
    incentives: pd.DataFrame
    products: pd.DataFrame
    cancellation_reasons: pd.DataFrame
    issue_types: pd.DataFrame
    market_regions: pd.DataFrame
    storm_climatology: pd.DataFrame
    design_factors: pd.DataFrame
    household_attributes: pd.DataFrame  # categorical draws of the population (shares and values by category)
    parameters: pd.DataFrame
    end_use_shares: pd.DataFrame  # per state: fuels and appliances (EIA RECS 2020), for the load model

    @property
    def states(self) -> set[str]:
        return set(self.territories["state"])

    def parameter(self, name: str) -> float:
        """One calibration constant of the simulation, from seeds/simulation_parameters.csv (with its source)."""
        rows = self.parameters.loc[self.parameters["parameter"] == name, "value"]
        if rows.empty:
            raise ReferenceDataError(
                f"seeds/simulation_parameters.csv has no parameter {name!r}; add a row for it "
                f"(process, parameter, value, unit, source) or restore the file with "
                f"`git checkout seeds/simulation_parameters.csv`.")
        return float(rows.iloc[0])

    def attribute(self, name: str, condition: str = "*") -> pd.DataFrame:
        """The categories of one household attribute (seeds/household_attributes.csv) within `condition`, in
        seed order: columns category, share, value."""
        table = self.household_attributes
        rows = table[(table["attribute"] == name) & (table["condition"] == condition)]
        if rows.empty:
            raise ReferenceDataError(
                f"seeds/household_attributes.csv has no rows for attribute {name!r} (condition {condition!r}); "
                f"add them or restore the file with `git checkout seeds/household_attributes.csv`.")
        return rows[["category", "share", "value"]].reset_index(drop=True)

    def fill(self, parameters_class, prefix: str):
        """A process's parameters dataclass filled field by field from the rows named `<prefix>_<field>`
        (fields typed int are rounded to int)."""
        values = {}
        for field in dataclasses.fields(parameters_class):
            value = self.parameter(f"{prefix}_{field.name}")
            values[field.name] = int(round(value)) if field.type in (int, "int") else value
        return parameters_class(**values)


def load_reference(root: Path) -> Reference:
    seeds = root / "seeds"
    ref = Reference(
        root=root,
        territories=_read(seeds, "territories"),
        climate_normals=_read(seeds, "climate_normals"),
        tariffs=_read(seeds, "utility_tariff_plans"),
        programs=_read(seeds, "vpp_programs"),
        battery_models=_read(seeds, "battery_models"),
        chemistries=_read(seeds, "battery_chemistries"),
        channels=_read(seeds, "acquisition_channels"),
        incentives=_read(seeds, "adoption_incentives"),
        products=_read(seeds, "contract_products"),
        cancellation_reasons=_read(seeds, "cancellation_reasons"),
        issue_types=_read(seeds, "service_issue_types"),
        market_regions=_read(seeds, "market_regions"),
        storm_climatology=_read(seeds, "storm_climatology"),
        design_factors=_read(seeds, "solar_design_factors"),
        household_attributes=_read(seeds, "household_attributes"),
        parameters=_read(seeds, "simulation_parameters"),
        end_use_shares=_read(seeds, "recs_end_use_by_state"),
    )
    territories = set(ref.territories["utility_territory"])
    for label, frame in (("climate_normals", ref.climate_normals), ("utility_tariff_plans", ref.tariffs),
                         ("vpp_programs", ref.programs)):
        stray = sorted(set(frame["utility_territory"]) - territories)
        if stray:
            raise ReferenceDataError(
                f"seeds/{label}.csv names territories not in seeds/territories.csv: {', '.join(stray)}."
            )
    regions = set(ref.market_regions["market_region"])
    missing_regions = sorted(set(ref.territories["market_region"]) - regions)
    if missing_regions:
        raise ReferenceDataError(
            f"seeds/territories.csv uses market regions missing from seeds/market_regions.csv: {', '.join(missing_regions)}."
        )
    repeated = sorted(ref.parameters.loc[ref.parameters["parameter"].duplicated(), "parameter"])
    if repeated:
        raise ReferenceDataError(f"seeds/simulation_parameters.csv names a parameter twice: {', '.join(repeated)}.")
    no_shares = sorted(ref.states - set(ref.end_use_shares["state"]))
    if no_shares:
        raise ReferenceDataError(f"seeds/recs_end_use_by_state.csv has no row for state: {', '.join(no_shares)}.")
    months = ref.climate_normals.groupby("utility_territory")["month"].nunique()
    incomplete = sorted(t for t in territories if months.get(t, 0) != 12)
    if incomplete:
        raise ReferenceDataError(f"seeds/climate_normals.csv needs 12 months for: {', '.join(incomplete)}.")
    storm_months = ref.storm_climatology.groupby("state")["month"].nunique()
    no_climatology = sorted(s for s in ref.states if storm_months.get(s, 0) != 12)
    if no_climatology:
        raise ReferenceDataError(f"seeds/storm_climatology.csv needs 12 months for: {', '.join(no_climatology)}.")
    return ref
