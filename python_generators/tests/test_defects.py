"""Defective raw data as real feeds have it: the generator injects each kind at the configured rate,
staging quarantines or repairs it, and the daily facts stay right."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from solstice.config import resolve_pack
from solstice.generate import generate

SOLSTICE = Path(sys.executable).parent / "solstice"
TELEMETRY = "read_parquet('{raw}/fleet/telemetry_hourly/*/*.parquet', hive_partitioning = false)"


def telemetry_stats(raw: Path) -> dict:
    source = TELEMETRY.format(raw=raw)
    with duckdb.connect() as con:
        row = con.execute(f"""
            select
                count(*) - count(distinct (household_id, interval_start_at)) as duplicates,
                count(*) filter (where energy_unit = 'Wh') as in_wh,
                count(*) filter (where received_at > interval_start_at + interval 1 day) as late,
                count(*) filter (where energy_unit = 'kWh' and load_kwh > 100) as spikes,
                count(*) filter (where grid_import_kwh < 0) as negatives
            from {source}
        """).fetchall()[0]
    return dict(zip(["duplicates", "in_wh", "late", "spikes", "negatives"], row))


def test_the_default_feed_carries_every_kind_of_defect(dev_raw):
    stats = telemetry_stats(dev_raw)
    assert all(count > 0 for count in stats.values()), stats


def test_a_zero_defect_rate_gives_a_clean_feed(tmp_path, root, reference):
    out = tmp_path / "clean"
    generate(resolve_pack(root, "dev", defect_rate=0, known_states=reference.states), reference, out)
    assert telemetry_stats(out) == {"duplicates": 0, "in_wh": 0, "late": 0, "spikes": 0, "negatives": 0}


def test_bad_defect_rates_are_refused(root):
    from solstice.errors import ConfigError

    for bad in ("-0.1", "0.5", "often"):
        with pytest.raises(ConfigError, match="--defect-rate"):
            resolve_pack(root, "dev", defect_rate=bad)


def build_daily(raw_workdir: Path, root: Path, defect_rate: str) -> Path:
    """Generates a dev pack at this defect rate and builds (with their tests) the staging and daily models the
    comparison reads: the repairs happen upstream of them, the marts add nothing to it."""
    env = {**os.environ, "SOLSTICE_WORKDIR": str(raw_workdir)}
    daily = "+int_household_days_metered +stg_fleet__telemetry_quarantine"
    for step in (["generate", "--pack", "dev", "--defect-rate", defect_rate],
                 ["build", "--pack", "dev", "--select", daily]):
        result = subprocess.run([str(SOLSTICE), *step], cwd=root, env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return raw_workdir / "data" / "solstice_dev.duckdb"


def test_staging_repairs_keep_daily_facts_right(tmp_path_factory, root):
    clean_db = build_daily(tmp_path_factory.mktemp("clean"), root, "0")
    dirty_db = build_daily(tmp_path_factory.mktemp("dirty"), root, "0.01")  # ten times the default
    with duckdb.connect(str(dirty_db), read_only=True) as con:
        con.execute(f"attach '{clean_db}' as clean (read_only)")
        quarantined = dict(con.execute(
            "select quarantine_reason, count(*) from staging.stg_fleet__telemetry_quarantine group by 1").fetchall())
        assert set(quarantined) == {"duplicate", "negative_reading", "out_of_range"}
        # Home-days whose every reading arrived intact are identical to the clean build; so are the
        # home-days with converted Wh readings and retransmitted duplicates (both repaired exactly).
        compared = con.execute("""
            select
                count(*) as days,
                count(*) filter (where dirty.hours_filled = 0
                                 and abs(dirty.home_load_kwh - clean_days.home_load_kwh) > 1e-4) as changed_intact_days,
                count(*) filter (where dirty.hours_filled > 0) as filled_days,
                max(abs(dirty.solar_generation_kwh - clean_days.solar_generation_kwh)) as max_solar_gap_kwh
            from intermediate.int_household_days_metered as dirty
            inner join clean.intermediate.int_household_days_metered as clean_days
                using (household_id, local_date)
        """).fetchall()[0]
        days, changed_intact_days, filled_days, max_solar_gap = compared
        assert days == con.execute("select count(*) from clean.intermediate.int_household_days_metered").fetchall()[0][0]
        assert changed_intact_days == 0
        assert filled_days > 0
        assert max_solar_gap < 16  # a filled hour copies the same hour of a nearby day: at most one hour of PV apart
