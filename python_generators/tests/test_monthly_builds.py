"""Month-by-month builds: the hourly work runs one month at a time (the monthly_parquet materialization), and
that must not change a single value. Checked on the dev pack (built with the sub-daily marts):
every monthly model equals the same SQL run over the whole pack at once; rebuilding one month gives identical
marts and leaves the other months' files untouched; the sub-daily marts add up to the daily marts (a dbt test
that runs in the build, checked here to have run)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import solstice

MONTHLY_MODELS = {
    "staging": ["base_fleet__telemetry_duplicate_copies"],
    "intermediate": ["int_telemetry_hours_filled", "int_telemetry_hours_metered", "int_household_days_metered",
                     "int_household_days_billed"],
    "marts": ["dispatch_intervals"],
}
MARTS = ["households", "subscriber_contracts", "installation_pipeline", "solar_systems", "battery_systems",
         "utility_tariffs", "daily_generation_consumption", "dispatch_events", "vpp_program_enrollment",
         "outage_events", "billing_and_savings", "service_tickets", "channel_attribution", "portfolio_kpis_daily",
         "hourly_energy", "dispatch_intervals"]


def _differences(con, left: str, right: str) -> int:
    return con.execute(f"select count(*) from ((select * from {left} except all select * from {right}) "
                       f"union all (select * from {right} except all select * from {left}))").fetchone()[0]


def test_monthly_models_equal_the_whole_pack_computed_at_once(dev_release, root, tmp_path):
    workdir, _ = dev_release
    db = workdir / "data" / "solstice_dev.duckdb"
    models = [m for names in MONTHLY_MODELS.values() for m in names]
    # Compile the models: run without the month bounds, their SQL computes the whole pack in one query.
    env = {**os.environ, "SOLSTICE_DB": str(db), "DBT_PROFILES_DIR": str(root)}
    dbt = Path(sys.executable).parent / "dbt"
    raw = workdir / "data" / "raw" / "dev"
    compiled = subprocess.run(
        [str(dbt), "compile", "--select", " ".join(models), "--project-dir", str(root), "--profiles-dir", str(root),
         "--target-path", str(tmp_path / "target"), "--vars", json.dumps({"raw_root": str(raw), "sub_daily": True})],
        cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert compiled.returncode == 0, compiled.stdout[-3000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    sql = {n["name"]: n["compiled_code"] for n in manifest["nodes"].values() if n["name"] in models}
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        for schema, names in MONTHLY_MODELS.items():
            for name in names:
                whole = f"({sql[name].rstrip().rstrip(';')})"
                rows = con.execute(f"select count(*) from {schema}.{name}").fetchone()[0]
                assert rows == con.execute(f"select count(*) from {whole}").fetchone()[0], name
                assert _differences(con, f"{schema}.{name}", whole) == 0, name
        # the months are really separate files, one per month of the pack
        stored = workdir / "data" / "solstice_dev.hourly" / "int_telemetry_hours_metered"
        files = sorted(p.parent.name for p in stored.glob("*/*"))
        assert files == ["month=2025-06", "month=2025-07"]


def test_rebuilding_one_month_gives_identical_marts(dev_release, tmp_path):
    workdir, _ = dev_release
    copy = tmp_path / "work"
    shutil.copytree(workdir / "data", copy / "data")
    partitions = copy / "data" / "solstice_dev.hourly" / "int_household_days_billed"
    june, july = partitions / "month=2025-06" / "data_0.parquet", partitions / "month=2025-07" / "data_0.parquet"
    before = {path: path.stat().st_mtime_ns for path in (june, july)}

    result = solstice(["build", "--pack", "dev", "--rebuild-months", "2025-07"], copy)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "int_household_days_billed 2025-07 (1/1)" in result.stdout
    assert june.stat().st_mtime_ns == before[june], "a month outside --rebuild-months was rewritten"
    assert july.stat().st_mtime_ns != before[july], "the month asked for was not rebuilt"

    with duckdb.connect() as con:
        con.execute(f"attach '{workdir / 'data' / 'solstice_dev.duckdb'}' as whole (read_only)")
        con.execute(f"attach '{copy / 'data' / 'solstice_dev.duckdb'}' as rebuilt (read_only)")
        for mart in MARTS:
            assert _differences(con, f"whole.marts.{mart}", f"rebuilt.marts.{mart}") == 0, mart


def test_a_tariff_edit_reprices_the_bills_and_rewrites_no_stored_hour(dev_release, root, tmp_path):
    """The README's "Change a tariff and rebuild": every rate of every plan raised by 0.125 USD/kWh, then
    `--select utility_tariff_plans+`. Each day's bill without the system rises by 0.125 x its grid-up load and
    with the system by 0.125 x its imports (summed here from the stored hours); the energy is unchanged; the
    stored hours and the daily energy are not rewritten (the tariffs are applied as the hours are read)."""
    workdir, _ = dev_release
    project, copy = tmp_path / "project", tmp_path / "work"
    shutil.copytree(root, project, ignore=shutil.ignore_patterns(
        ".*", "data", "release", "target", "logs", "python_generators", "benchmarks", "docs"))
    shutil.copytree(workdir / "data", copy / "data")
    seed = project / "seeds" / "utility_tariff_plans.csv"
    with duckdb.connect() as con:
        con.execute(f"""copy (select * replace (summer_peak_rate + 0.125 as summer_peak_rate,
                                                 winter_peak_rate + 0.125 as winter_peak_rate,
                                                 offpeak_rate + 0.125 as offpeak_rate)
                              from read_csv('{seed}')) to '{seed}' (header)""")
    hourly = copy / "data" / "solstice_dev.hourly"
    kept = {path: path.stat().st_mtime_ns for model in ("int_telemetry_hours_metered", "int_household_days_metered")
            for path in (hourly / model).glob("*/*.parquet")}
    billed = {path: path.stat().st_mtime_ns for path in (hourly / "int_household_days_billed").glob("*/*.parquet")}
    assert len(kept) == 4 and len(billed) == 2

    result = solstice(["build", "--pack", "dev", "--sub-daily", "--select", "utility_tariff_plans+"], copy, project)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert {path: path.stat().st_mtime_ns for path in kept} == kept, "a tariff edit rewrote stored hours"
    assert all(path.stat().st_mtime_ns != before for path, before in billed.items()), "the bills were not rebuilt"

    with duckdb.connect() as con:
        con.execute(f"attach '{workdir / 'data' / 'solstice_dev.duckdb'}' as before (read_only)")
        con.execute(f"attach '{copy / 'data' / 'solstice_dev.duckdb'}' as after (read_only)")
        hours = f"read_parquet('{hourly}/int_telemetry_hours_metered/*/*.parquet')"
        days, worst = con.execute(f"""
            with hours as (
                select household_id, local_date as date,
                       sum(case when grid_up_flag then home_load_kwh else 0 end) as grid_up_load_kwh,
                       sum(grid_import_kwh) as import_kwh
                from {hours} group by all
            )
            select count(*), max(greatest(
                abs(a.bill_without_system_usd - b.bill_without_system_usd - 0.125 * hours.grid_up_load_kwh),
                abs(a.bill_with_system_usd - b.bill_with_system_usd - 0.125 * hours.import_kwh),
                abs(a.home_load_kwh - b.home_load_kwh) + abs(a.solar_generation_kwh - b.solar_generation_kwh)))
            from after.marts.daily_generation_consumption as a
            inner join before.marts.daily_generation_consumption as b using (household_id, date)
            inner join hours using (household_id, date)""").fetchone()
        assert days == con.execute("select count(*) from before.marts.daily_generation_consumption").fetchone()[0]
        assert worst < 1e-6
        raised = con.execute("select count(*) from after.marts.daily_generation_consumption as a inner join "
                             "before.marts.daily_generation_consumption as b using (household_id, date) "
                             "where a.bill_without_system_usd > b.bill_without_system_usd + 0.01").fetchone()[0]
        assert raised > days / 2


@pytest.mark.parametrize("target", ["dev", "spark"])
def test_rebuilding_months_of_a_pack_never_built_is_refused_before_dbt_starts(dev_raw, tmp_path, target):
    result = solstice(["build", "--pack", "dev", "--raw", str(dev_raw), "--rebuild-months", "2025-07",
                       "--target", target], tmp_path)
    assert result.returncode == 2
    assert "no month of pack dev is built" in result.stderr and "Build it whole first" in result.stderr
    assert "$ dbt" not in result.stderr + result.stdout and not (tmp_path / "data").exists()


def test_rebuilding_a_month_of_a_model_never_built_whole_is_refused(dev_release, tmp_path):
    """A model whose other months are not on disk (added since the last build, say) cannot be completed by
    rebuilding one month: the materialization stops with the fix."""
    workdir, _ = dev_release
    copy = tmp_path / "work"
    shutil.copytree(workdir / "data", copy / "data")
    shutil.rmtree(copy / "data" / "solstice_dev.hourly" / "int_telemetry_hours_filled" / "month=2025-06")
    result = solstice(["build", "--pack", "dev", "--select", "int_telemetry_hours_filled",
                       "--rebuild-months", "2025-07"], copy)
    assert result.returncode == 2
    assert "int_telemetry_hours_filled: month 2025-06 is not on disk" in result.stdout
    assert "without rebuild_months" in result.stdout


def test_sub_daily_marts_are_built_tested_and_released(dev_release):
    workdir, result = dev_release
    assert "assert_sub_daily_marts_sum_to_daily_marts" in result.stdout  # the sums test ran (and passed)
    release = workdir / "release" / "dev" / "parquet"
    manifest = json.loads((workdir / "release" / "dev" / "manifest.json").read_text())
    with duckdb.connect() as con:
        for table in ("hourly_energy", "dispatch_intervals"):
            months = sorted(p.name for p in (release / table).iterdir())
            assert months == ["month=2025-06", "month=2025-07"], table
            rows = con.execute(f"select count(*) from read_parquet('{release / table}/*/*.parquet')").fetchone()[0]
            assert rows == manifest["row_counts"][table] > 0, table
        # one row per home and local hour: 24 a day, 23/25 on daylight-saving days (none in June-July)
        per_day = con.execute(f"select distinct count(*) from read_parquet('{release}/hourly_energy/*/*.parquet') "
                              "group by household_id, local_date").fetchall()
        assert per_day == [(24,)]


def test_only_the_sub_daily_marts_the_build_made_are_released(dev_release, tmp_path, monkeypatch):
    """The stored hours are built for every pack; hourly_energy is released only where the build made the mart."""
    from solstice.build import release_sub_daily

    workdir, _ = dev_release
    copy = tmp_path / "work"
    shutil.copytree(workdir / "data", copy / "data")
    monkeypatch.delenv("SOLSTICE_WORKDIR", raising=False)
    linked = release_sub_daily(copy, "dev", tmp_path / "with")
    assert set(linked) == {"hourly_energy", "dispatch_intervals"}
    with duckdb.connect(str(copy / "data" / "solstice_dev.duckdb")) as con:
        con.execute("drop view marts.hourly_energy")
    assert set(release_sub_daily(copy, "dev", tmp_path / "without")) == {"dispatch_intervals"}
    assert not (tmp_path / "without" / "hourly_energy").exists()
