"""The semantic layer answers exactly: metrics from `mf query` (MetricFlow over models/semantic/) equal the same
figures written by hand in SQL on the published marts of the built dev pack — a ratio at month grain and by
state (summed parts, not averaged daily ratios), a simple total, a last-day-of-period count and two cumulative
metrics."""

from __future__ import annotations

import csv
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

MF = Path(sys.executable).parent / "mf"


@pytest.fixture(scope="module")
def semantic_project(dev_release, root, tmp_path_factory):
    """A folder `mf` can run in: the project's dbt_project.yml and profiles.yml with the semantic manifest the
    pack's build wrote (mf reads <project>/target/semantic_manifest.json, and the tests never write into the
    working copy's target/). Returns (folder, database)."""
    workdir, _ = dev_release
    project = tmp_path_factory.mktemp("semantic")
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(root / name, project / name)
    (project / "target").mkdir()
    shutil.copy(workdir / "dbt-target" / "semantic_manifest.json", project / "target" / "semantic_manifest.json")
    return project, workdir / "data" / "solstice_dev.duckdb"


def mf_query(semantic_project, tmp_path, metrics: list[str], group_by: list[str]) -> list[dict]:
    project, db = semantic_project
    out = tmp_path / f"{'-'.join(metrics)}.csv"
    env = {**os.environ, "SOLSTICE_DB": str(db), "DBT_PROJECT_DIR": str(project), "DBT_PROFILES_DIR": str(project),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    result = subprocess.run([str(MF), "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by),
                             "--csv", str(out)], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and out.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    with out.open() as handle:
        return list(csv.DictReader(handle))


def by_key(rows: list[dict], key: str, metric: str) -> dict:
    return {row[key][:10]: (float(row[metric]) if row[metric] not in ("", None) else None) for row in rows}


def sql(db: Path, query: str) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return {str(key): value for key, value in con.execute(query).fetchall()}


def assert_same(from_mf: dict, by_hand: dict):
    assert by_hand, "the hand-written query found nothing to compare"
    assert set(from_mf) >= set(by_hand), (sorted(from_mf), sorted(by_hand))
    for key, expected in by_hand.items():
        got = from_mf[key]
        if expected is None:
            assert got is None, (key, got)
        else:
            assert got is not None and math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9), (key, got, expected)


def test_participation_rate_by_month_and_by_state(semantic_project, tmp_path):
    """Share of device dispatch calls that participated, from `dispatch_events` directly."""
    _, db = semantic_project
    monthly = mf_query(semantic_project, tmp_path, ["participation_rate"], ["metric_time__month"])
    assert_same(by_key(monthly, "metric_time__month", "participation_rate"), sql(db, """
        select cast(date_trunc('month', date) as date), avg(case when participated_flag then 1.0 else 0.0 end)
        from marts.dispatch_events group by 1"""))
    by_state = mf_query(semantic_project, tmp_path, ["participation_rate"], ["state_day__state"])
    assert_same(by_key(by_state, "state_day__state", "participation_rate"), sql(db, """
        select households.state, avg(case when events.participated_flag then 1.0 else 0.0 end)
        from marts.dispatch_events as events
        inner join marts.households as households on events.household_id = households.household_id
        group by 1"""))


def test_bill_reduction_and_ticket_rate_by_month(semantic_project, tmp_path):
    """The average bill reduction is the mean of each home-day's own reduction (0 to 100 %, homes with a bill);
    tickets per active home-day. Both from the published daily facts and tickets."""
    _, db = semantic_project
    rows = mf_query(semantic_project, tmp_path, ["avg_bill_reduction_pct", "service_ticket_rate"],
                    ["metric_time__month"])
    assert_same(by_key(rows, "metric_time__month", "avg_bill_reduction_pct"), sql(db, """
        select cast(date_trunc('month', date) as date),
            avg(100 * greatest(least(customer_savings_usd, bill_without_system_usd), 0) / bill_without_system_usd)
        from marts.daily_generation_consumption where bill_without_system_usd > 0 group by 1"""))
    assert_same(by_key(rows, "metric_time__month", "service_ticket_rate"), sql(db, """
        with pack_days as (
            select min(date) as first_day, max(date) as last_day from marts.daily_generation_consumption
        ),
        home_days as (
            select cast(date_trunc('month', date) as date) as month, count(*) as home_days
            from marts.daily_generation_consumption group by 1
        ),
        tickets as (
            select cast(date_trunc('month', open_date) as date) as month, count(*) as tickets
            from marts.service_tickets, pack_days where open_date between first_day and last_day group by 1
        )
        select home_days.month, coalesce(tickets.tickets, 0) / home_days.home_days
        from home_days left join tickets on home_days.month = tickets.month"""))


def test_simple_total_and_fleet_size_by_state(semantic_project, tmp_path):
    """A simple metric (energy delivered on dispatch calls) and the homes in service on the pack's last day."""
    _, db = semantic_project
    rows = mf_query(semantic_project, tmp_path, ["total_dispatched_kwh", "active_households"], ["state_day__state"])
    dispatched = {key: value for key, value in by_key(rows, "state_day__state", "total_dispatched_kwh").items()
                  if value}
    assert_same(dispatched, sql(db, """
        select households.state, sum(events.delivered_kwh)
        from marts.dispatch_events as events
        inner join marts.households as households on events.household_id = households.household_id
        group by 1 having sum(events.delivered_kwh) > 0"""))
    assert_same(by_key(rows, "state_day__state", "active_households"), sql(db, """
        select households.state, count(*)
        from marts.daily_generation_consumption as days
        inner join marts.households as households on days.household_id = households.household_id
        where days.date = (select max(date) from marts.daily_generation_consumption)
        group by 1"""))


def test_cumulative_metrics_run_over_the_days(semantic_project, tmp_path):
    """Grid value from the first day to each day, and dispatched energy from the first of each month."""
    _, db = semantic_project
    rows = mf_query(semantic_project, tmp_path,
                    ["estimated_grid_value_usd_to_date", "total_dispatched_kwh_month_to_date"], ["metric_time__day"])
    days = "select distinct date from marts.daily_generation_consumption"
    assert_same(by_key(rows, "metric_time__day", "estimated_grid_value_usd_to_date"), sql(db, f"""
        select days.date, coalesce(sum(events.grid_value_usd), 0)
        from ({days}) as days left join marts.dispatch_events as events on events.date <= days.date
        group by 1"""))
    assert_same(by_key(rows, "metric_time__day", "total_dispatched_kwh_month_to_date"), sql(db, f"""
        select days.date, coalesce(sum(events.delivered_kwh), 0)
        from ({days}) as days left join marts.dispatch_events as events
            on events.date <= days.date and date_trunc('month', events.date) = date_trunc('month', days.date)
        group by 1"""))
