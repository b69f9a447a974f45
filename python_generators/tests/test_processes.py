"""The processes moved out of the simulator and the population (faults.py, churn.py, feed.py, pv.py, the home grid
hours of hazards.py, the population's stages and the parameter loader) on small hand-checked inputs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from solstice import churn, faults, feed, hazards, population, pv
from solstice.config import resolve_pack
from solstice.errors import ReferenceDataError
from solstice.load import END_USES


# ------------------------------------------------------------------------------------------ parameters
def test_fill_reads_each_field_from_its_row_and_rounds_int_fields(reference):
    @dataclasses.dataclass(frozen=True)
    class Sizes:
        permit_min_days: int
        cancel_share: float

    sizes = reference.fill(Sizes, "population")
    table = reference.parameters.set_index("parameter")["value"]
    assert sizes.cancel_share == table["population_cancel_share"]
    assert sizes.permit_min_days == int(table["population_permit_min_days"])
    assert isinstance(sizes.permit_min_days, int)


def test_fill_names_a_missing_row(reference):
    @dataclasses.dataclass(frozen=True)
    class Unknown:
        no_such_parameter: float

    with pytest.raises(ReferenceDataError, match="population_no_such_parameter"):
        reference.fill(Unknown, "population")


def test_every_process_parameter_class_finds_its_rows(reference):
    """A parameters dataclass with a field the seed lacks would fail the first generation; check them all here."""
    reference.fill(churn.ChurnParameters, "churn")
    reference.fill(feed.FeedParameters, "feed")
    reference.fill(population.PopulationParameters, "population")
    faults.FaultParameters.from_reference(reference)


def test_household_attribute_shares_are_weights_of_known_categories(reference):
    table = reference.household_attributes
    assert (table["share"] >= 0).all()
    # every condition's shares sum to 1, except the yes/no attributes (a share per condition), the delay factors and
    # the contract terms (integer weights)
    grouped = table[~table["attribute"].isin(["central_ac", "battery_attach", "project_delay_factor",
                                              "contract_term_years"])]
    sums = grouped.groupby(["attribute", "condition"])["share"].sum()
    assert sums.to_numpy() == pytest.approx(1.0), sums[abs(sums - 1) > 1e-9]
    profiles = set(reference.attribute("roof_profile")["category"])
    for attribute in ("azimuth_band", "shading_band"):
        assert set(table.loc[table["attribute"] == attribute, "condition"]) == profiles
    assert set(table.loc[table["attribute"] == "central_ac", "condition"]) == set(reference.territories["climate_zone"])
    assert set(table.loc[table["attribute"] == "battery_attach", "condition"]) == set(reference.tariffs["tariff_type"])
    terms = table[table["attribute"] == "contract_term_years"]
    assert set(terms["condition"]) == set(reference.products["subscription_type"])
    assert terms["category"].astype(int).between(1, 30).all()
    shading = set(reference.design_factors.loc[reference.design_factors["factor_type"] == "shading", "band"])
    assert set(table.loc[table["attribute"] == "shading_band", "category"]) == shading


# ------------------------------------------------------------------------------------------ PV
def test_shading_loss_is_the_design_factors_complement_and_deepest_at_low_sun():
    loss = {"low": 0.03, "moderate": 0.12, "high": 0.25}
    zenith = np.array([[0.0], [60.0], [90.0]])  # sun overhead, at 30 degrees, on the horizon
    high = pv.shading_factor(np.array(["high"]), zenith, loss, 1.6, 1.1, 0.95)[:, 0]
    # 1 - 0.25 x (1.6 - 1.1 sin(elevation)): overhead 1 - 0.125, at 30 degrees 1 - 0.2625, on the horizon 1 - 0.4
    assert high == pytest.approx([0.875, 0.7375, 0.6])
    low = pv.shading_factor(np.array(["low"]), zenith, loss, 1.6, 1.1, 0.95)[:, 0]
    assert low == pytest.approx([1 - 0.015, 1 - 0.0315, 1 - 0.048])


def test_faults_cut_the_inverter_output():
    roofs = pv.Roofs(territory=np.zeros(3, int), latitude=np.zeros(3), longitude=np.zeros(3), tilt1=np.zeros(3),
                     az1=np.zeros(3), tilt2=np.zeros(3), az2=np.zeros(3), share1=np.ones(3),
                     shading_band=np.array(["low"] * 3), kw_dc=np.full(3, 5.0), kw_ac=np.full(3, 5.0),
                     losses_pct=np.zeros(3), pto_day=np.zeros(3))
    dc = np.full((1, 3), 0.5)  # half the rating: 2.5 kW DC on every system
    ones = np.ones((1, 3))
    derate = np.array([[False, True, False]])
    off = np.array([[False, False, True]])
    ac = pv.ac_output(dc, ones, ones, roofs, derate, off, 0.6, 0.96)[0]
    assert ac[2] == 0.0
    assert 0.55 < ac[1] / ac[0] < 0.62  # 60 % of the DC, a little less after the inverter's part-load loss
    assert ac[0] == pytest.approx(2.5 * 0.96, rel=0.03)


# ------------------------------------------------------------------------------------------ grid
def test_home_grid_hours_cover_outages_by_the_half_hour_and_prepare_for_major_ones():
    t0 = pd.Timestamp("2025-06-01", tz="UTC")
    outages = pd.DataFrame({
        "feeder_id": ["F1", "F2"],
        "started_at": [t0 + pd.Timedelta(hours=20, minutes=40), t0 + pd.Timedelta(hours=5, minutes=10)],
        "restored_at": [t0 + pd.Timedelta(hours=22, minutes=20), t0 + pd.Timedelta(hours=5, minutes=20)],
        "major_event_flag": [True, False],
    })
    down, prep = hazards.home_grid_hours(outages, np.array(["F1", "F2", "F3"]), t0, 30, storm_prep_hours=12)
    # 20:40-22:20 covers at least half of hours 21 and 22 (rounded 20.67 -> 21, 22.33 -> 22: hour 21 only)
    assert np.flatnonzero(down[:, 0]).tolist() == [21]
    assert not down[:, 1].any()  # ten minutes never cover half an hour
    assert not down[:, 2].any()
    assert np.flatnonzero(prep[:, 0]).tolist() == list(range(9, 21))  # the 12 hours before it
    assert not prep[:, 1].any()


# ------------------------------------------------------------------------------------------ faults
def service_homes(n=2):
    return faults.Homes(keys=np.arange(1, n + 1), ids=np.array([f"HH-{i:06d}" for i in range(1, n + 1)]),
                        operating=np.ones(n, bool), has_battery=np.array([True, False][:n]),
                        microinverter=np.zeros(n, bool), chemistry=np.array(["lithium_iron_phosphate"] * n),
                        pto_day=np.zeros(n, int), install_day=np.zeros(n, int), first_day=np.zeros(n, int),
                        first_hour=np.zeros(n, int))


def test_faults_open_tickets_and_switch_the_device_off_until_resolved(reference):
    params = faults.FaultParameters.from_reference(reference)
    issues = pd.DataFrame([{
        "issue_category": "battery_alert", "applies_to": "battery", "annual_rate": 50.0, "severity_high_share": 1.0,
        "severity_moderate_share": 0.0, "truck_roll_share": 1.0, "equipment_replaced_share": 0.0,
        "median_resolution_days": 3.0, "device_effect": "battery_off", "effect_median_days": 3.0}])
    effects, tickets = faults.service_faults(issues, service_homes(), np.zeros(2, int), 365, 365 * 24, params, 1)
    assert set(tickets["household_id"]) == {"HH-000001"}  # only the home with a battery
    assert len(tickets) == faults.MAX_EVENTS  # 50 a year: the truncated Poisson count is at its cap
    assert effects["battery_off"][:, 0].any() and not effects["battery_off"][:, 1].any()
    assert not effects["solar_off"].any()
    assert (tickets["severity"] == "high").all() and tickets["truck_roll_flag"].all()


def test_wearout_failures_replace_the_battery(reference):
    params = dataclasses.replace(faults.FaultParameters.from_reference(reference), wearout_replacement_days=10.0)
    chemistries = pd.DataFrame({"chemistry": ["lithium_iron_phosphate"], "wearout_weibull_scale_years": [0.01],
                                "wearout_weibull_shape": [1.0]})  # fails within days
    effects = {name: np.zeros((365 * 24, 2), bool) for name in faults.EFFECTS}
    empty = pd.DataFrame(columns=faults.TICKET_COLUMNS)
    tickets, replace_hour = faults.wearout_failures(service_homes(), chemistries, effects, empty, 0, 365,
                                                    pd.Timestamp("1970-01-01", tz="UTC"), 365 * 24, params, 3)
    battery = tickets[tickets["issue_category"] == "battery_alert"]
    assert battery["household_id"].tolist() == ["HH-000001"]
    assert battery["equipment_replaced_flag"].all()
    assert replace_hour[0] > 0 and replace_hour[1] == -1
    off = np.flatnonzero(effects["battery_off"][:, 0])
    assert off[-1] + 1 == replace_hour[0]  # off until the replacement is commissioned


# ------------------------------------------------------------------------------------------ churn
def churn_params(reference, **changes):
    return dataclasses.replace(reference.fill(churn.ChurnParameters, "churn"), **changes)


def test_service_burden_counts_serious_tickets_and_truck_rolls_double():
    t = pd.Timestamp("1970-01-11", tz="UTC")
    tickets = pd.DataFrame({"household_id": ["A", "A", "B"], "opened_at": [t, t, t],
                            "issue_category": ["inverter_fault", "customer_question", "connectivity"],
                            "truck_roll_flag": [True, False, False]})
    burden = churn.service_burden(tickets, truck_roll_extra_weight=1.0)
    assert burden == {"A": [(10, 2.0)], "B": [(10, 1.0)]}


def test_troubled_customers_leave_and_untroubled_ones_stay(reference):
    customers = churn.Customers(keys=np.array([1, 2]), ids=np.array(["A", "B"]), operating=np.array([True, True]),
                                pto_day=np.array([0, 0]), term_years=np.array([20, 20]))
    days = 365
    solar = np.ones((days, 2))
    load = np.ones((days, 2))
    burden = {"A": [(d, 2.0) for d in range(0, days, 30)]}  # a truck roll every month
    churn_day, renew_day = churn.decide(customers, solar, load, 0, 0, days, burden,
                                        churn_params(reference, base_monthly_hazard=0.2), seed=5)
    assert 0 <= churn_day[0] < 60  # a hazard of 0.2 e^2 > 1 in the first month
    assert renew_day.tolist() == [-1, -1]
    quiet = churn.decide(customers, solar, load, 0, 0, days, {}, churn_params(reference, base_monthly_hazard=0.0), 5)
    assert quiet[0].tolist() == [-1, -1]


def test_contracts_past_their_term_before_the_pack_renewed(reference):
    customers = churn.Customers(keys=np.array([1]), ids=np.array(["A"]), operating=np.array([True]),
                                pto_day=np.array([0]), term_years=np.array([1]))
    start = 800  # two one-year terms ended before the pack
    _, renew_day = churn.decide(customers, np.ones((900, 1)), np.ones((900, 1)), 0, start, start + 30, {},
                                churn_params(reference, base_monthly_hazard=0.0), seed=1)
    assert renew_day[0] == 2 * round(365.25)


def test_daily_totals_add_each_homes_hours_by_its_local_day():
    values = np.arange(6, dtype=float).reshape(3, 2)  # 3 hours, 2 homes
    local_day = np.array([[10, 11], [10, 11], [11, 12]])
    totals = churn.daily_totals(values, local_day, day0=10)
    assert totals.tolist() == [[0 + 2, 0], [4, 1 + 3], [0, 5]]


# ------------------------------------------------------------------------------------------ feed
def test_defect_bands_split_the_rate_in_the_seeds_order(reference):
    params = reference.fill(feed.FeedParameters, "feed")
    bands = feed.defect_bands(params)
    assert bands[0] == 0 and np.all(np.diff(bands) >= 0) and bands[-1] < 1  # the rest are readings in Wh


def test_a_clean_feed_has_one_row_per_active_hour_in_its_month(reference):
    params = reference.fill(feed.FeedParameters, "feed")
    hours = 48
    epoch_us = (pd.date_range("2025-01-31", periods=hours, freq="1h", tz="UTC").asi8 // 1000)
    months = {"2025-01": (0, 24), "2025-02": (24, 48)}
    active = np.zeros((hours, 2), bool)
    active[20:30, 0] = True
    batt = {name: np.full((hours, 2), 1.0) for name in feed.ENERGY_COLUMNS}
    batt.update(soc=np.full((hours, 2), 50.0), soh=np.full((hours, 2), 99.0), grid_up=np.ones((hours, 2), bool))
    uses = {name: np.full((hours, 2), 0.1) for name in (*END_USES, "critical")}
    tables = feed.telemetry_partitions(np.array([1, 2]), np.array(["A", "B"]), active, batt, np.zeros((hours, 2), bool),
                                       uses, epoch_us, months, 0.0, params, seed=1)
    # readings arrive 65 minutes after their hour starts: the 23:00 reading of 31 January arrives in February
    assert {m: t.num_rows for m, t in tables.items()} == {"2025-01": 3, "2025-02": 7}
    assert set(tables["2025-01"].column("household_id").to_pylist()) == {"A"}


# ------------------------------------------------------------------------------------------ population
@pytest.fixture(scope="module")
def dev_population(root, reference):
    config = resolve_pack(root, "dev", households=400, known_states=reference.states)
    return population.Population(config, reference, config.household_numbers())


def test_population_stages_flow_into_each_other(dev_population):
    pop = dev_population
    project, assets, enrollment = pop.project, pop.assets, pop.enrollment
    assert not (project.cancelled & project.operating).any()  # a cancelled project is never commissioned
    assert (project.pto_day[project.operating] >= project.install_day[project.operating]).all()
    assert not (assets.has_battery & ~project.battery_attached).any()
    assert not (enrollment.enrolled & ~assets.has_battery).any()
    assert (enrollment.enroll_day[enrollment.enrolled] >= project.pto_day[enrollment.enrolled]).all()


def test_a_subset_of_households_is_drawn_the_same(root, reference, dev_population):
    config = resolve_pack(root, "dev", households=400, known_states=reference.states)
    part = population.Population(config, reference, np.arange(101, 201))
    whole = dev_population
    for stage in ("homes", "project", "assets", "contract", "enrollment"):
        for field in dataclasses.fields(getattr(part, stage)):
            mine = getattr(getattr(part, stage), field.name)
            theirs = getattr(getattr(whole, stage), field.name)[100:200]
            assert np.array_equal(np.asarray(mine, dtype=object), np.asarray(theirs, dtype=object)), (stage, field.name)
