"""The ageing process (solstice/ageing.py) on small hand-checked inputs: PV degradation, battery calendar and cycle
fade (BLAST-Lite form), and wear-out failures with a hazard that rises with age."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from solstice import ageing


def params(k_cal=0.02, k_cyc=0.00006, ea=50_000.0, beta=1.0, n=1):
    return ageing.FadeParams(k_cal=np.full(n, k_cal), k_cyc=np.full(n, k_cyc),
                             activation_j_per_mol=np.full(n, ea), soc_beta=np.full(n, beta))


def test_pv_rates_are_log_normal_around_the_median_and_capped():
    rates = ageing.pv_degradation_rates(np.array([0.0, 1.0, -1.0, 10.0]), median_pct=0.5, sigma=0.6, max_pct=3.0)
    # 0.5 %/yr at the median; 0.5 e^0.6 = 0.911 %/yr one sigma up; 0.5 e^-0.6 = 0.274 %/yr down; the cap
    assert rates == pytest.approx([0.005, 0.009111, 0.002744, 0.03], rel=1e-3)


def test_pv_output_falls_with_age_hour_by_hour():
    age = np.array([[-0.5], [0.0], [2.0], [10.0]])  # one system, four hours of its life
    factor = ageing.pv_derate(age, np.array([0.005]))
    assert factor[:, 0] == pytest.approx([1.0, 1.0, 0.99, 0.95])


def test_calendar_stress_is_one_at_reference_and_follows_arrhenius():
    p = params()
    assert ageing.calendar_stress(np.array([25.0]), np.array([0.5]), p) == pytest.approx([1.0])
    # 35 C at Ea 50 kJ/mol: exp(50000 / 8.314 x (1/298.15 - 1/308.15)) = exp(0.6546) = 1.924
    assert ageing.calendar_stress(np.array([35.0]), np.array([0.5]), p) == pytest.approx([1.924], rel=1e-3)
    # full charge: exp(1.0 x 0.5) = 1.649 at 25 C
    assert ageing.calendar_stress(np.array([25.0]), np.array([1.0]), p) == pytest.approx([1.6487], rel=1e-4)


def test_state_of_health_adds_sqrt_calendar_and_linear_cycle_fade():
    p = params()
    # 4 reference years: 2 % x sqrt(4) = 4 %; 1,000 full cycles x 0.006 % = 6 %  => 90 %
    wear = ageing.BatteryWear(tau_years=np.array([4.0]), efc=np.array([1000.0]))
    assert ageing.state_of_health(wear, p) == pytest.approx([0.90])


def test_wear_at_start_uses_age_temperature_and_history_cycles():
    p = params(n=3)
    wear = ageing.wear_at_start(np.array([730.0, -10.0, 365.0]), np.array([25.0, 25.0, 35.0]), 0.5, 0.5, p)
    assert wear.tau_years == pytest.approx([2.0, 0.0, 1.924**2], rel=1e-3)  # installed later: no wear yet
    assert wear.efc == pytest.approx([365.0, 0.0, 182.5])


def test_a_year_of_daily_steps_equals_the_closed_form_and_a_replacement_starts_new():
    p = params()
    wear = ageing.BatteryWear(np.zeros(1), np.zeros(1))
    for _ in range(365):
        wear = ageing.wear_one_day(wear, np.array([True]), np.array([5.0]), np.array([10.0]), np.array([25.0]),
                                   np.array([0.5]), p)
    # tau = 1 reference year (2 % calendar); 0.5 cycles a day x 365 = 182.5 cycles (1.095 %)
    assert wear.tau_years == pytest.approx([1.0])
    assert ageing.state_of_health(wear, p) == pytest.approx([1 - 0.02 - 182.5 * 0.00006])
    idle = ageing.wear_one_day(wear, np.array([False]), np.array([5.0]), np.array([10.0]), np.array([25.0]),
                               np.array([0.5]), p)
    assert idle.tau_years == pytest.approx(wear.tau_years) and idle.efc == pytest.approx(wear.efc)
    new = ageing.wear_one_day(wear, np.array([True]), np.array([5.0]), np.array([10.0]), np.array([25.0]),
                              np.array([0.5]), p, replaced=np.array([True]))
    assert ageing.state_of_health(new, p) == pytest.approx([1.0])


def test_hot_and_hard_cycled_batteries_fade_faster():
    p = params(n=3)
    wear = ageing.BatteryWear(np.zeros(3), np.zeros(3))
    for _ in range(365):
        wear = ageing.wear_one_day(wear, np.ones(3, bool), np.array([2.0, 2.0, 10.0]), np.full(3, 10.0),
                                   np.array([25.0, 35.0, 25.0]), np.full(3, 0.5), p)
    soh = ageing.state_of_health(wear, p)
    assert soh[1] < soh[0] and soh[2] < soh[0]
    # the hot one: 2 % x 1.924 = 3.85 % calendar; the hard-cycled one: 365 cycles x 0.006 % = 2.19 %
    assert 1 - soh[1] == pytest.approx(0.02 * 1.924 + 73 * 0.00006, rel=1e-3)
    assert 1 - soh[2] == pytest.approx(0.02 + 365 * 0.00006, rel=1e-6)


def test_daily_fade_updates_capacity_at_the_end_of_each_day():
    p = params()
    nominal = np.array([10.0])
    fade = ageing.DailyFade(ageing.BatteryWear(np.zeros(1), np.zeros(1)), p, nominal, np.full((48, 1), 25.0),
                            np.ones((48, 1), bool), np.array([-1]))
    caps = []
    for h in range(48):
        caps.append(fade.step(h, 0.5 * fade.capacity, np.array([0.1]))[0])
    assert caps[0] == caps[22] == 10.0  # unchanged within the first day
    # after two days: tau = 2/365, 0.48 cycles (2.4 kWh a day over 10 kWh)
    expected = 10.0 * (1 - 0.02 * math.sqrt(2 / 365) - 0.00006 * 0.48)
    assert expected == pytest.approx(9.98491, abs=1e-5)
    assert caps[-1] == pytest.approx(expected)


def test_daily_fade_restores_capacity_on_the_replacement_day():
    p = params()
    worn = ageing.BatteryWear(np.array([9.0]), np.array([2000.0]))  # 6 % + 12 %: 82 %
    fade = ageing.DailyFade(worn, p, np.array([10.0]), np.full((48, 1), 25.0), np.ones((48, 1), bool),
                            np.array([30]))
    assert fade.capacity == pytest.approx([8.2])
    for h in range(24):
        fade.step(h, 0.5 * fade.capacity, np.array([0.0]))
    assert fade.soh == pytest.approx([1 - 0.02 * math.sqrt(9 + 1 / 365) - 0.12])  # the old unit, a day older
    for h in range(24, 48):
        fade.step(h, 0.5 * fade.capacity, np.array([0.0]))
    assert fade.capacity == pytest.approx([10.0])  # the new unit, commissioned in hour 30, at nameplate


def test_weibull_failure_age_is_conditional_on_survival():
    # from new, u = e^-1 is the characteristic life; a unit at its characteristic life with u = e^-1 (k = 2)
    # fails at sqrt(2) of it
    assert ageing.weibull_failure_age(np.array([0.0]), np.array([math.exp(-1)]), 12.0, 3.0) == pytest.approx([12.0])
    assert ageing.weibull_failure_age(np.array([10.0]), np.array([math.exp(-1)]), 10.0, 2.0) == pytest.approx(
        [10 * math.sqrt(2)])


def test_wear_out_hazard_rises_with_age():
    hazard = ageing.weibull_hazard(np.array([2.0, 5.0, 10.0]), 15.0, 3.0)
    assert np.all(np.diff(hazard) > 0)
    # (3/15) (10/15)^2 = 0.0889 failures per unit-year at 10 years
    assert hazard[2] == pytest.approx(0.0889, rel=1e-3)
    # sampled: older units fail more often within the same year
    u = np.random.default_rng(1).random(200_000)
    young = ageing.weibull_failure_age(np.full(u.size, 2.0), u, 15.0, 3.0) < 3.0
    old = ageing.weibull_failure_age(np.full(u.size, 10.0), u, 15.0, 3.0) < 11.0
    expected_old = 1 - math.exp(-((11 / 15) ** 3 - (10 / 15) ** 3))  # 0.0983
    assert old.mean() == pytest.approx(expected_old, abs=0.003)
    assert young.mean() < old.mean() / 3


def test_failure_days_fall_inside_the_window_only():
    # exponential (k = 1), 10-year life, installed on day 0, seen from day 3650; u = e^-0.1 -> fails at 11 years
    args = (np.array([0]), np.array([3650]))
    u, scale, shape = np.array([math.exp(-0.1)]), np.array([10.0]), np.array([1.0])
    assert ageing.failure_days(*args, 4100, u, scale, shape) == [4015]
    assert ageing.failure_days(*args, 4000, u, scale, shape) == [-1]
    assert ageing.failure_days(np.array([-1]), np.array([3650]), 9999, u, scale, shape) == [-1]  # never installed


def test_fade_params_read_the_chemistry_seed_per_home():
    seed = pd.DataFrame({"chemistry": ["lfp", "nmc"], "calendar_fade_pct_per_sqrt_year": [2.0, 3.0],
                         "cycle_fade_pct_per_efc": [0.006, 0.01], "calendar_activation_energy_j_per_mol": [4e4, 5e4]})
    p = ageing.fade_params(seed, np.array(["nmc", "lfp", None]), 1.0)
    assert p.k_cal == pytest.approx([0.03, 0.02, 0.0])
    assert p.k_cyc == pytest.approx([0.0001, 0.00006, 0.0])


@pytest.fixture(scope="module")
def three_year_pack(tmp_path_factory, root, reference):
    """The dev pack's 50 homes over 36 months (2024-2026), without feed defects: ageing needs years to show."""
    from solstice.config import resolve_pack
    from solstice.generate import generate

    out = tmp_path_factory.mktemp("packs") / "dev-36"
    config = resolve_pack(root, "dev", months=36, start="2024-01", defect_rate=0, known_states=reference.states)
    generate(config, reference, out, jobs=1)
    return out


def test_batteries_lose_health_year_after_year_and_replacements_restore_it(three_year_pack):
    """Over three calendar years every battery without a replacement reports less health each year (BLAST-Lite
    form: a fraction of a point to a few points a year), and a replaced battery reports more after the swap."""
    import duckdb

    con = duckdb.connect()
    telemetry = f"read_parquet('{three_year_pack}/fleet/telemetry_hourly/**/*.parquet', hive_partitioning = true)"
    tickets = pd.read_parquet(three_year_pack / "support" / "service_tickets.parquet")
    swapped = tickets[(tickets.issue_category == "battery_alert") & tickets.equipment_replaced_flag]
    yearly = con.sql(f"""
        select household_id, year(interval_start_at) as year, avg(battery_state_of_health_pct) as soh,
               count(*) as hours
        from {telemetry}
        where battery_state_of_health_pct is not null and year(interval_start_at) between 2024 and 2026
        group by all
    """).df().pivot(index="household_id", columns="year", values="soh").dropna()
    kept = yearly[~yearly.index.isin(swapped.household_id)]
    assert len(kept) >= 5, "the 36-month dev pack should have batteries in service all three years"
    loss = kept.diff(axis=1).iloc[:, 1:] * -1
    assert (loss > 0).all().all(), loss
    assert loss.stack().between(0.2, 6.0).all(), loss.stack().describe()

    assert len(swapped) >= 1, "seed 42's 36-month dev pack has a battery replaced under warranty"
    for _, ticket in swapped.iterrows():
        before, after = con.sql(f"""
            select avg(battery_state_of_health_pct) filter (where interval_start_at < timestamp '{ticket.opened_at}'
                       - interval 30 day),
                   max(battery_state_of_health_pct) filter (where interval_start_at > timestamp '{ticket.closed_at}')
            from {telemetry}
            where household_id = '{ticket.household_id}'
        """).fetchall()[0]
        assert after > before + 1, (ticket.household_id, before, after)
