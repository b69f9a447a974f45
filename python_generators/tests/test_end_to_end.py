"""End to end: `solstice pack --pack dev` generates, builds with every dbt test and releases all 14 tables
exactly as the schema defines them (a physically impossible raw reading failing the build is in
test_safe_releases.py, with what it does to the release)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from conftest import solstice
from schema_contract import ENUMS, SCHEMA
from solstice.build import COMPANION_TABLES


def test_dbt_build_passes_every_test(dev_release):
    _, result = dev_release
    assert "Completed successfully" in result.stdout
    assert " ERROR=0 " in result.stdout and "WARN=0" in result.stdout


def test_release_holds_the_14_schema_tables_exactly(dev_release):
    workdir, _ = dev_release
    release = workdir / "release" / "dev"
    assert sorted(p.stem for p in (release / "parquet").glob("*.parquet")) == sorted(SCHEMA)
    assert sorted(p.stem for p in (release / "csv").glob("*.csv")) == sorted(SCHEMA)
    with duckdb.connect() as con:
        for table, columns in SCHEMA.items():
            described = con.execute(f"describe select * from '{release}/parquet/{table}.parquet'").fetchall()
            assert [(name, kind) for name, kind, *_ in described] == columns, table
            rows = con.execute(f"select count(*) from '{release}/parquet/{table}.parquet'").fetchall()[0][0]
            assert rows > 0, f"{table} is empty in the dev pack"
            csv_rows = con.execute(f"select count(*) from read_csv('{release}/csv/{table}.csv')").fetchall()[0][0]
            assert csv_rows == rows, table
        for (table, column), allowed in ENUMS.items():
            seen = {v for (v,) in con.execute(
                f"select distinct {column} from '{release}/parquet/{table}.parquet' where {column} is not null"
            ).fetchall()}
            assert seen <= allowed, (table, column, seen - allowed)


def test_gzip_csv_mirrors_hold_the_same_rows(dev_release, tmp_path):
    """`--csv-compression gzip` (the premium packs' setting) writes <table>.csv.gz with the Parquet's rows."""
    workdir, _ = dev_release
    copy = tmp_path / "work"
    shutil.copytree(workdir / "data", copy / "data")
    result = solstice(["release", "--pack", "dev", "--csv-compression", "gzip"], copy)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    release = copy / "release" / "dev"
    assert sorted(p.name for p in (release / "csv").iterdir()) == sorted(f"{table}.csv.gz" for table in SCHEMA)
    assert json.loads((release / "manifest.json").read_text())["csv_compression"] == "gzip"
    with duckdb.connect() as con:
        for table in SCHEMA:
            rows = con.execute(f"select count(*) from read_csv('{release}/csv/{table}.csv.gz')").fetchone()[0]
            assert rows == pq.read_metadata(release / "parquet" / f"{table}.parquet").num_rows, table


def test_release_manifest_and_dictionary(dev_release):
    workdir, _ = dev_release
    release = workdir / "release" / "dev"
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["config"]["pack"] == "dev" and manifest["config"]["seed"] == 42
    assert set(manifest["row_counts"]) == set(SCHEMA) | {"hourly_energy", "dispatch_intervals"} | set(COMPANION_TABLES)
    for table in SCHEMA:
        assert pq.read_metadata(release / "parquet" / f"{table}.parquet").num_rows == manifest["row_counts"][table]
    assert manifest["tool_versions"]["dbt-core"].startswith("1.11.")
    dictionary = (release / "DATA_DICTIONARY.md").read_text()
    for table, columns in SCHEMA.items():
        assert f"## `{table}`" in dictionary
        for name, _ in columns:
            assert f"| `{name}` |" in dictionary, (table, name)


def test_release_ships_the_companions_beside_the_schema_tables(dev_release):
    """The documented companions are released in companions/ with their rows and dictionary entries; the KPI parts
    have exactly the rows of portfolio_kpis_daily and rebuild its ratios."""
    workdir, _ = dev_release
    release = workdir / "release" / "dev"
    companions = release / "companions"
    assert sorted(p.stem for p in (companions / "parquet").glob("*.parquet")) == sorted(COMPANION_TABLES)
    assert sorted(p.stem for p in (companions / "csv").glob("*.csv")) == sorted(COMPANION_TABLES)
    dictionary = (release / "DATA_DICTIONARY.md").read_text()
    manifest = json.loads((release / "manifest.json").read_text())
    for table in COMPANION_TABLES:
        assert f"## `{table}`" in dictionary
        assert pq.read_metadata(companions / "parquet" / f"{table}.parquet").num_rows == manifest["row_counts"][table]
    with duckdb.connect() as con:
        mismatched = con.execute(f"""
            select count(*) from '{release}/parquet/portfolio_kpis_daily.parquet' as kpis
            full outer join '{companions}/parquet/portfolio_kpi_components_daily.parquet' as parts
                using (date, state)
            where kpis.date is null or parts.date is null
                or kpis.participation_rate is distinct from
                    parts.dispatch_participations_count / nullif(parts.dispatch_events_count, 0)
                or abs(kpis.service_ticket_rate - parts.tickets_opened_count / parts.active_households) > 1e-12
                or abs(kpis.avg_bill_reduction_pct - parts.bill_reduction_pct_sum / parts.homes_billed_count) > 1e-9
        """).fetchone()[0]
    assert mismatched == 0


def test_the_build_leaves_the_working_copy_target_alone(dev_release, root, dbt_target_outside_the_working_copy):
    """dbt wrote the pack's manifest where DBT_TARGET_PATH said (the build's own folder), not into the
    project's target/."""
    workdir, _ = dev_release
    assert (workdir / "dbt-target" / "manifest.json").exists()
    theirs = root / "target" / "manifest.json"
    started = (dbt_target_outside_the_working_copy / "session-started").stat().st_mtime
    assert not theirs.exists() or theirs.stat().st_mtime < started


def test_release_ships_the_charts(dev_release):
    """Every chart page is a full-size PNG with data drawn on it, not a blank or an error placeholder."""
    import matplotlib.image as mpimg
    import numpy as np

    from solstice.charts import CHARTS

    workdir, _ = dev_release
    charts = workdir / "release" / "dev" / "charts"
    assert sorted(p.name for p in charts.glob("*.png")) == sorted(CHARTS)
    for name in CHARTS:
        pixels = mpimg.imread(charts / name)
        assert pixels.shape[:2] == (900, 1400), name
        coloured = (np.ptp(pixels[..., :3], axis=2) > 0.2).mean()  # saturated pixels: lines, bars, fills
        assert coloured > 0.01, f"{name} has almost nothing plotted ({coloured:.2%} coloured pixels)"


def test_every_analysis_compiles_and_answers_on_the_pack(dev_release, root, tmp_path):
    """The example queries in analyses/ run against the built pack and return rows."""
    workdir, _ = dev_release
    db = workdir / "data" / "solstice_dev.duckdb"
    env = {**os.environ, "SOLSTICE_DB": str(db), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    vars_ = json.dumps({"raw_root": str(workdir / "data" / "raw" / "dev")})
    dbt = Path(sys.executable).parent / "dbt"
    compiled = subprocess.run([str(dbt), "compile", "--select", "resource_type:analysis", "--vars", vars_,
                               "--target-path", str(tmp_path), "--profiles-dir", str(root)],
                              cwd=root, env=env, capture_output=True, text=True)
    assert compiled.returncode == 0, compiled.stdout[-3000:]
    queries = sorted((tmp_path / "compiled" / "solstice" / "analyses").glob("*.sql"))
    assert [q.stem for q in queries] == sorted(p.stem for p in (root / "analyses").glob("*.sql"))
    with duckdb.connect(str(db), read_only=True) as con:
        for query in queries:
            result = con.execute(query.read_text())
            rows = result.fetchall()
            assert rows, f"{query.stem} returned no rows"
            first_column = [row[0] for row in rows]
            assert None not in first_column, f"{query.stem} has rows without a {result.description[0][0]}"


def test_release_ships_the_validation_report(dev_release):
    """The report lists every metric with a verdict; a 2-month pack is too short for the annual ones."""
    workdir, result = dev_release
    report = workdir / "release" / "dev" / "validation" / "VALIDATION_REPORT.md"
    text = report.read_text()
    assert "validation: " in result.stdout + result.stderr
    assert ("| Annual consumption of baseline homes (no programme heat pump or electrification, no EV; heating fuel at "
            "the state's RECS mix) | CA |") in text
    assert "insufficient data" in text and "**FAIL**" not in text
    assert "## Weather process against real TMY weather" in text and "`723170TYA.CSV`" in text
    assert len(list(report.parent.glob("validation_*.png"))) >= 8
