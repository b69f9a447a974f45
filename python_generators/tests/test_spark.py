"""The same pack on both engines: the dev pack (with the sub-daily marts) built by dbt on DuckDB and on Apache
Spark (profiles.yml's `spark` target, a local PySpark session) gives the same marts, row by row: keys, flags,
texts, dates and timestamps exactly, money to the cent, every other number (energy, rates, shares) to 1e-6.

Spark's tables are Parquet files under the pack's Spark folder (data/spark_<pack>/spark-warehouse/<schema>.db/);
they are read here with DuckDB, so the comparison needs no second Spark session. A Spark build that cannot start
(no Java, no pyspark) fails this test with dbt's message: it never skips."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import solstice
from solstice.build import SUB_DAILY_TABLES
from test_monthly_builds import MARTS

COMPANIONS = ["household_tariffs", "portfolio_kpi_components_daily", "tariff_billing_rules", "tariff_rate_periods"]
MONEY_TOLERANCE = 0.01  # to the cent: a half-cent rounding may land on either side on two engines
NUMBER_TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def both_engines(dev_release):
    """(DuckDB database, Spark warehouse folder) of the dev pack, the Spark one built by `solstice build --pack
    dev --sub-daily --target spark --selector spark_equivalence` (every model, seed, unit and singular test,
    and the generic tests of the marts: selectors.yml) beside the DuckDB build of `dev_release`."""
    workdir, _ = dev_release
    result = solstice(["build", "--pack", "dev", "--sub-daily", "--target", "spark", "--selector", "spark_equivalence"],
                      workdir)
    assert result.returncode == 0, "the Spark build failed:\n" + result.stdout[-6000:] + result.stderr[-3000:]
    return workdir / "data" / "solstice_dev.duckdb", workdir / "data" / "spark_dev" / "spark-warehouse"


def _spark_files(warehouse: Path, name: str) -> str:
    """A mart's Parquet files on Spark: a table's folder, or the `<model>__by_month` partitions of the monthly
    model that stores it (hourly_energy is a view over int_telemetry_hours_metered's)."""
    table = warehouse / "marts.db" / name
    if table.is_dir():
        return str(table / "*.parquet")
    stored, = warehouse.glob(f"*.db/{SUB_DAILY_TABLES.get(name, name)}__by_month")
    return str(stored / "month=*" / "*.parquet")


def _is_money(column: str) -> bool:
    return column.endswith("_usd") or "_usd_" in column or column in {
        "monthly_minimum_payment", "fixed_monthly_charge", "summer_peak_rate", "offpeak_rate",
        "net_billing_export_rate", "flex_rate_per_kwh"}


def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Instants as naive UTC (DuckDB gives them with a time zone, Spark's Parquet without), decimals as floats,
    rows in one order: by every column, numbers rounded so a 1e-12 difference cannot reorder rows."""
    frame = frame.copy()
    for column in frame.columns:
        series = frame[column]
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            frame[column] = series.dt.tz_convert("UTC").dt.tz_localize(None)
        elif series.dtype == object and series.map(lambda v: type(v).__name__ == "Decimal").any():
            frame[column] = series.astype(float)
    order = frame.apply(lambda s: s.round(6) if pd.api.types.is_float_dtype(s) else s.astype(str))
    return frame.loc[order.sort_values(list(order.columns)).index].reset_index(drop=True)


@pytest.mark.parametrize("mart", MARTS + COMPANIONS)
def test_every_mart_is_the_same_on_duckdb_and_spark(both_engines, mart):
    database, warehouse = both_engines
    with duckdb.connect(str(database), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        on_duckdb = con.execute(f"select * from marts.{mart}").df()
        on_spark = con.execute(f"select * from read_parquet('{_spark_files(warehouse, mart)}', "
                               "hive_partitioning = false)").df()
    assert list(on_spark.columns) == list(on_duckdb.columns), mart
    assert len(on_duckdb) > 0 and len(on_spark) == len(on_duckdb), (mart, len(on_duckdb), len(on_spark))
    left, right = _normalised(on_duckdb), _normalised(on_spark)
    for column in left.columns:
        a, b = left[column], right[column]
        if pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b):
            tolerance = MONEY_TOLERANCE if _is_money(column) else NUMBER_TOLERANCE
            a, b = a.astype(float), b.astype(float)
            same = ((a - b).abs() <= tolerance) | (a.isna() & b.isna())
        else:
            same = (a.astype(str) == b.astype(str)) | (a.isna() & b.isna())
        assert same.all(), (f"{mart}.{column}: {int((~same).sum())} of {len(a)} rows differ, first: "
                            f"duckdb {a[~same].iloc[0]!r} vs spark {b[~same].iloc[0]!r}")


def test_a_month_of_a_monthly_model_can_be_rebuilt_on_spark(both_engines, dev_release):
    """insert overwrite by month: rebuilding one month rewrites that month's files only."""
    workdir, _ = dev_release
    database, warehouse = both_engines
    partitions = sorted((warehouse / "intermediate.db" / "int_telemetry_hours_metered__by_month").glob("month=*"))
    assert len(partitions) >= 2
    first, other = partitions[0], partitions[-1]
    before = {p: p.stat().st_mtime_ns for p in other.glob("*.parquet")}
    month = first.name.split("=")[1]
    result = solstice(["build", "--pack", "dev", "--sub-daily", "--target", "spark", "--select",
                       "int_telemetry_hours_metered", "--rebuild-months", month], workdir)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert {p: p.stat().st_mtime_ns for p in other.glob("*.parquet")} == before
    assert any(p.stat().st_mtime_ns > max(before.values(), default=0) for p in first.glob("*.parquet"))
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(f"select count(*) from read_parquet('{_spark_files(warehouse, 'hourly_energy')}')").df()
        assert rows.iloc[0, 0] == con.execute("select count(*) from marts.hourly_energy").fetchall()[0][0]
