"""A home's monthly utility bill can be recomputed from the release alone: the hourly energy (`hourly_energy`),
the home's plan (`household_tariffs`), its prices (`tariff_rate_periods`) and billing rules
(`tariff_billing_rules`), and it matches `billing_and_savings`. The recomputation is written here independently
of the dbt models, from the tables' documentation (doc `monthly_utility_bill`)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict

import duckdb
import pytest


def _season_has(row: dict, month: int) -> bool:
    start, end = row["season_start_month"], row["season_end_month"]
    return start <= month <= end if start <= end else (month >= start or month <= end)


def _price(periods: list[dict], day: dt.date, hour: int) -> dict:
    """The tariff_rate_periods row that prices this local hour."""
    for row in periods:
        if not _season_has(row, day.month):
            continue
        in_window = row["peak_start_hour"] <= hour < row["peak_end_hour"] and (
            not row["peak_weekdays_only"] or day.isoweekday() <= 5)
        if (row["period"] == "peak") == in_window:
            return row
    raise AssertionError(f"no rate period for {day} {hour}h")


def recompute_bills(hours: list[dict], periods: list[dict], rules: dict) -> dict:
    """{billing month 'YYYY-MM': (bill without, bill with)} for one home, month after month."""
    months: dict = defaultdict(lambda: defaultdict(float))
    days = defaultdict(set)
    for h in hours:
        day, price = h["local_date"], _price(periods, h["local_date"], h["local_hour"])
        m = months[(day.year, day.month)]
        days[(day.year, day.month)].add(day)
        rate = price["import_rate_usd_per_kwh"]
        m["import_kwh"] += h["grid_import_kwh"]
        m["export_kwh"] += h["grid_export_kwh"]
        m["import_usd"] += h["grid_import_kwh"] * rate
        m["export_usd"] += h["grid_export_kwh"] * price["export_rate_usd_per_kwh"]
        if h["grid_up_flag"]:
            m["load_usd"] += h["home_load_kwh"] * rate
        if price["period"] == "peak":
            m["peak_import_kw"] = max(m["peak_import_kw"], h["grid_import_kwh"])
            if h["grid_up_flag"]:
                m["peak_load_kw"] = max(m["peak_load_kw"], h["home_load_kwh"])
    ordered = sorted(months)
    first = ordered[0][0] * 12 + ordered[0][1] - 1
    true_up_month = (rules["true_up_month"] - 1) if rules["true_up_month"] else (first + 11) % 12
    bank, bills, history = 0.0, {}, {}
    for key in ordered:
        m, index = months[key], key[0] * 12 + key[1] - 1
        share = len(days[key]) / calendar.monthrange(*key)[1]
        fixed = rules["fixed_monthly_charge_usd"] * share
        minimum = rules["minimum_monthly_bill_usd"] * share
        ratchet = rules["demand_ratchet_pct"] / 100
        earlier = [history[i] for i in range(index - 11, index) if i in history]
        kw_with = max([m["peak_import_kw"]] + [ratchet * e[0] for e in earlier])
        kw_without = max([m["peak_load_kw"]] + [ratchet * e[1] for e in earlier])
        history[index] = (m["peak_import_kw"], m["peak_load_kw"])
        non_bypassable = rules["non_bypassable_charge_usd_per_kwh"] * m["import_kwh"]
        if rules["export_regime"] == "net_metering":  # kWh bank
            available = bank + m["export_kwh"]
            netted = min(available, m["import_kwh"])
            bank = available - netted
            billed_kwh = m["import_kwh"] - netted
            energy = non_bypassable + ((m["import_usd"] - non_bypassable) * billed_kwh / m["import_kwh"]
                                       if m["import_kwh"] > 0 else 0.0)
        else:  # dollar bank against the offsettable energy charge
            offsettable = m["import_usd"] - non_bypassable
            available = bank + m["export_usd"]
            covered = min(available, offsettable)
            bank = available - covered
            energy = non_bypassable + offsettable - covered
        payment = 0.0
        if rules["credit_true_up"] != "carry_forward" and (index - true_up_month) % 12 == 0:
            if rules["credit_true_up"] == "annual_payout" and rules["export_regime"] == "net_metering":
                payment = bank * rules["true_up_rate_usd_per_kwh"]
            bank = 0.0
        demand_rate = next(p["demand_charge_usd_per_kw"] for p in periods
                           if p["period"] == "peak" and _season_has(p, key[1]))
        without = max(fixed + m["load_usd"] + demand_rate * kw_without, minimum)
        with_system = max(fixed + energy + demand_rate * kw_with, minimum) - payment
        bills[f"{key[0]:04d}-{key[1]:02d}"] = (without, with_system)
    return bills


def _rows(con, sql: str, *params) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def test_a_months_bill_is_recomputed_from_the_release_alone(dev_release):
    workdir, _ = dev_release
    parquet = workdir / "release" / "dev" / "parquet"
    companions = parquet.parent / "companions" / "parquet"
    with duckdb.connect() as con:
        rules = {r["tariff_id"]: r for r in _rows(con, f"select * from '{companions}/tariff_billing_rules.parquet'")}
        periods = defaultdict(list)
        for r in _rows(con, f"select * from '{companions}/tariff_rate_periods.parquet'"):
            periods[r["tariff_id"]].append(r)
        # a few homes: the first on each export regime, and the first on a plan with a demand charge
        homes = _rows(con, f"""
            with plans as (
                select h.household_id, h.tariff_id, r.export_regime,
                       exists (select 1 from '{companions}/tariff_rate_periods.parquet' p
                               where p.tariff_id = h.tariff_id and p.demand_charge_usd_per_kw > 0) as has_demand
                from '{companions}/household_tariffs.parquet' h
                join '{companions}/tariff_billing_rules.parquet' r using (tariff_id)
                where h.household_id in (select household_id from '{parquet}/billing_and_savings.parquet')
            )
            select min(household_id) as household_id from plans group by export_regime
            union
            select min(household_id) from plans where has_demand
            order by 1""")
        assert len(homes) >= 3, "the dev pack should have homes on both export regimes and on a demand plan"
        checked = 0
        for home in (h["household_id"] for h in homes):
            tariff = _rows(con, f"select tariff_id from '{companions}/household_tariffs.parquet' "
                                "where household_id = ?", home)[0]["tariff_id"]
            hours = _rows(con, f"""
                select local_date, local_hour, grid_import_kwh, grid_export_kwh, home_load_kwh, grid_up_flag
                from read_parquet('{parquet}/hourly_energy/*/*.parquet') where household_id = ?
                order by interval_start_at""", home)
            recomputed = recompute_bills(hours, periods[tariff], rules[tariff])
            published = _rows(con, f"""
                select billing_month, utility_bill_without_system_usd, utility_bill_with_system_usd
                from '{parquet}/billing_and_savings.parquet' where household_id = ?""", home)
            assert published, home
            for row in published:
                without, with_system = recomputed[row["billing_month"]]
                assert row["utility_bill_without_system_usd"] == pytest.approx(without, abs=0.01), (home, row)
                assert row["utility_bill_with_system_usd"] == pytest.approx(with_system, abs=0.01), (home, row)
                checked += 1
        assert checked >= 3
