"""`dbt source freshness` on a generated pack, in the pack's simulated time: the feeds of a freshly generated pack
pass; a device feed that stopped hours before the pack's export warns, and one a day behind errs."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

FEEDS = {"source.solstice.fleet.telemetry_hourly", "source.solstice.grid.market_prices",
         "source.solstice.grid.weather_hourly"}


def export_moment(raw: Path) -> dt.datetime:
    """The pack's export moment, as the sources YAML defines it: noon UTC the day after the last local day."""
    end = dt.date.fromisoformat(json.loads((raw / "_pack.json").read_text())["config"]["end_date"])
    return dt.datetime.combine(end, dt.time(12), tzinfo=dt.timezone.utc)


def freshness(raw: Path, root: Path, tmp_path: Path) -> tuple[int, dict]:
    """Runs `dbt source freshness` on a raw pack; returns the exit code and {source: (status, age in hours)}."""
    target = tmp_path / "target"
    env = {**os.environ, "SOLSTICE_DB": str(tmp_path / "solstice_dev.duckdb"),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    dbt = Path(sys.executable).parent / "dbt"
    result = subprocess.run([str(dbt), "source", "freshness", "--vars", json.dumps({"raw_root": str(raw)}),
                             "--target-path", str(target), "--project-dir", str(root), "--profiles-dir", str(root)],
                            cwd=root, env=env, capture_output=True, text=True, timeout=600)
    sources = target / "sources.json"
    assert sources.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    results = json.loads(sources.read_text())["results"]
    return result.returncode, {r["unique_id"]: (r["status"], r["max_loaded_at_time_ago_in_s"] / 3600) for r in results}


def stop_telemetry_early(raw: Path, out: Path, hours: float) -> Path:
    """A copy of the raw pack whose device feed received nothing in the last `hours` before the export."""
    shutil.copytree(raw, out)
    cutoff = export_moment(raw) - dt.timedelta(hours=hours)
    for part in (out / "fleet" / "telemetry_hourly").rglob("*.parquet"):
        table = pq.read_table(part)
        pq.write_table(table.filter(pc.less_equal(table["received_at"], cutoff)), part)
    return out


def test_a_freshly_generated_pack_is_fresh(dev_raw, root, tmp_path):
    code, results = freshness(dev_raw, root, tmp_path)
    assert code == 0
    assert set(results) == FEEDS
    for source, (status, age) in results.items():
        assert status == "pass", (source, status, age)
        assert 0 <= age < 6, (source, age)  # the last hour of the pack, delivered minutes after it ends


@pytest.mark.parametrize("hours, status, code", [(12, "warn", 0), (30, "error", 1)])
def test_a_device_feed_that_stopped_early_is_stale(dev_raw, root, tmp_path, hours, status, code):
    stale = stop_telemetry_early(dev_raw, tmp_path / "dev", hours)
    exit_code, results = freshness(stale, root, tmp_path)
    telemetry_status, age = results["source.solstice.fleet.telemetry_hourly"]
    assert telemetry_status == status and age >= hours, (telemetry_status, age)
    assert results["source.solstice.grid.market_prices"][0] == "pass"
    assert exit_code == code
