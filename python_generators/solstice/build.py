"""Build a generated pack with dbt on DuckDB, and export the release (Parquet + CSV + dictionary)."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from .charts import render_charts
from .validation_report import write_report
from .config import work_dir
from .errors import SolsticeError
from .generate import MANIFEST, log
from .resources import check_disk_for_build, check_disk_for_release, explain_resource_failure, memory_limit
from .validate import check_raw_pack

# The 14 tables of the schema, in the schema's order, with the key each release file is sorted by
# (so an unchanged rebuild releases byte-identical files).
SCHEMA_TABLES = {
    "households": "household_id",
    "subscriber_contracts": "contract_id",
    "installation_pipeline": "project_id",
    "solar_systems": "system_id",
    "battery_systems": "battery_id",
    "utility_tariffs": "tariff_id",
    "daily_generation_consumption": "household_id, date",
    "dispatch_events": "dispatch_event_id",
    "vpp_program_enrollment": "enrollment_id",
    "outage_events": "outage_event_id",
    "billing_and_savings": "household_id, billing_month",
    "service_tickets": "ticket_id",
    "channel_attribution": "household_id",
    "portfolio_kpis_daily": "date, state",
}
# Documented companions of the schema tables (models/marts/companions/), released beside them in companions/:
# what the schema's columns leave out, so those stay exactly as published.
COMPANION_TABLES = {
    "household_tariffs": "household_id",
    "tariff_rate_periods": "tariff_id, season, period",
    "tariff_billing_rules": "tariff_id",
    "portfolio_kpi_components_daily": "date, state",
}
# The schema's optional sub-daily tables (premium), each with the monthly model whose month-partitioned Parquet
# it is: released as built. hourly_energy is a view over the hours stored once by int_telemetry_hours_metered.
SUB_DAILY_TABLES = {
    "hourly_energy": "int_telemetry_hours_metered",
    "dispatch_intervals": "dispatch_intervals",
}
TOOLS = ["dbt-core", "dbt-duckdb", "duckdb", "pvlib", "numpy", "pandas", "pyarrow", "solstice-pack"]


def database_path(root: Path, pack: str) -> Path:
    return work_dir(root) / "data" / f"solstice_{pack}.duckdb"


def hourly_path(root: Path, pack: str) -> Path:
    """Month-partitioned Parquet of the models built month by month (macros/month_partition.sql)."""
    return database_path(root, pack).with_suffix(".hourly")


def spark_path(root: Path, pack: str) -> Path:
    """The Spark target's working state (Derby metastore_db/, spark-warehouse/, derby.log) for a pack."""
    return work_dir(root) / "data" / f"spark_{pack}"


def build_marker(root: Path, pack: str) -> Path:
    """Written only when `dbt build` passed; removed when a build starts. No marker, no release."""
    return database_path(root, pack).with_suffix(".build-passed.json")


def ensure_unlocked(db: Path) -> None:
    """A DuckDB file has one writer: say clearly who holds it instead of failing deep inside dbt."""
    import duckdb

    if not db.exists():
        return
    try:
        duckdb.connect(str(db)).close()
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        holder = str(exc).split("Conflicting lock is held in", 1)[-1].split(". See", 1)[0].strip()
        raise SolsticeError(f"{db} is in use by another process ({holder}). Close it (a notebook, a DuckDB "
                            "shell, `dbt docs serve` or another build) and run the command again.")


def pack_manifest(raw: Path, pack: str | None = None) -> dict:
    path = raw / MANIFEST
    if not path.exists():
        raise SolsticeError(
            f"no generated pack at {raw} ({MANIFEST} is missing). Generate it first: `solstice generate --pack "
            f"{pack or raw.name}` (or `make pack PACK={pack or raw.name}`).")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise SolsticeError(f"{path} is corrupt ({exc}); regenerate the pack with `solstice generate`.")


def dbt_env(root: Path, pack: str) -> dict:
    env = dict(os.environ)
    env["SOLSTICE_DB"] = str(database_path(root, pack))
    env["SOLSTICE_SPARK_DIR"] = str(spark_path(root, pack))
    env.setdefault("DBT_PROFILES_DIR", str(root))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return env


def dbt_command(root: Path, pack: str, args: list[str], vars_: dict | None = None) -> None:
    dbt = Path(sys.executable).parent / "dbt"
    command = [str(dbt), *args, "--project-dir", str(root), "--profiles-dir", str(root)]
    if vars_:
        command += ["--vars", json.dumps(vars_)]
    log("$ dbt " + " ".join(args))
    result = subprocess.run(command, cwd=root, env=dbt_env(root, pack))
    if result.returncode != 0:
        raise SolsticeError(f"`dbt {' '.join(args)}` failed (exit {result.returncode}); see the dbt output above "
                            "and target/run_results.json.")


def pack_vars(raw: Path, pack: str, sub_daily: bool | None = None, rebuild_months: list[str] | None = None) -> dict:
    config = pack_manifest(raw, pack)["config"]
    vars_ = {
        "pack": config["pack"],
        "raw_root": str(raw.resolve()),
        "pack_start_date": config["start_date"],
        "pack_end_date": config["end_date"],
        "sub_daily": bool(config.get("sub_daily", False) if sub_daily is None else sub_daily),
    }
    if rebuild_months:
        vars_["rebuild_months"] = rebuild_months
    return vars_


def spark_vars(raw: Path, pack: str) -> dict:
    """What the Spark target reads from the pack manifest that Spark's file sources cannot (they skip files named
    `_*`, such as _pack.json): its config and generator version, as the var `pack_manifest`."""
    manifest = pack_manifest(raw, pack)
    return {"pack_manifest": {"config": manifest["config"], "generator_version": manifest.get("generator_version")}}


def dbt_build(root: Path, pack: str, raw: Path, select: str | None = None, sub_daily: bool | None = None,
              rebuild_months: list[str] | None = None, selector: str | None = None, target: str = "dev") -> None:
    vars_ = pack_vars(raw, pack, sub_daily, rebuild_months)
    check_raw_pack(root, raw)
    if rebuild_months:
        _refuse_months_of_a_pack_never_built(root, pack, target)
    if target == "spark":
        vars_.update(spark_vars(raw, pack))
        _spark_build(root, pack, vars_, select, selector, rebuild_months)
        return
    db = database_path(root, pack)
    db.parent.mkdir(parents=True, exist_ok=True)
    ensure_unlocked(db)
    marker = build_marker(root, pack)
    marker.unlink(missing_ok=True)
    complete = not select and not selector
    if complete and not rebuild_months:
        # A full build replaces everything: start from an empty database, so rebuilding never grows the file
        # (DuckDB does not give freed blocks back), and from no month partitions of an earlier pack.
        for path in (db, db.with_suffix(".duckdb.wal")):
            path.unlink(missing_ok=True)
        shutil.rmtree(hourly_path(root, pack), ignore_errors=True)
    check_disk_for_build(root, pack, raw)
    started = time.perf_counter()
    try:
        # A partial build runs the tests of the models selected, not those that also read models left out
        # (dbt's default, eager, would run them against tables that do not exist yet).
        selection = ["--select", select, "--indirect-selection", "cautious"] if select else []
        selection += ["--selector", selector] if selector else []
        dbt_command(root, pack, ["build", *selection], vars_)
    except SolsticeError:
        explain_resource_failure(root, pack_manifest(raw)["config"])
        raise
    if complete:  # only a complete build may be released
        marker.write_text(json.dumps({"pack": pack, "raw_root": str(raw.resolve()),
                                      "finished_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}))
    log(f"dbt build finished in {time.perf_counter() - started:.1f} s -> {db}")


def _refuse_months_of_a_pack_never_built(root: Path, pack: str, target: str) -> None:
    """--rebuild-months keeps the other months as built: with none built yet, say so before dbt starts (each
    monthly model would refuse too, but only once the build reached it)."""
    if target == "spark":
        built, flag = spark_path(root, pack) / "spark-warehouse", " --target spark"
        months = built.glob("*.db/*__by_month/month=*")
    else:
        built, flag = hourly_path(root, pack), ""
        months = built.glob("*/month=*")
    if next(months, None) is None:
        raise SolsticeError(f"--rebuild-months recomputes months of a pack built before, and no month of pack "
                            f"{pack} is built ({built} holds none). Build it whole first: `solstice build --pack "
                            f"{pack}{flag}`, without --rebuild-months.")


def _spark_build(root: Path, pack: str, vars_: dict, select: str | None, selector: str | None,
                 rebuild_months: list[str] | None) -> None:
    """`dbt build --target spark`: the same project on a local PySpark session. Its metastore and tables live
    under data/spark_<pack>/; a complete build starts from an empty one. The release is written from DuckDB
    builds only, so a Spark build writes no release marker."""
    state = spark_path(root, pack)
    if not select and not selector and not rebuild_months:
        shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    selection = ["--select", select, "--indirect-selection", "cautious"] if select else []
    selection += ["--selector", selector] if selector else []
    dbt_command(root, pack, ["build", "--target", "spark", *selection], vars_)
    log(f"dbt build on Spark finished in {time.perf_counter() - started:.1f} s -> {state}")


def read_database(db: Path):
    """A read-only connection to a built pack, with the build's memory limit (not DuckDB's default of 80 % of RAM)."""
    import duckdb

    return duckdb.connect(str(db), read_only=True, config={"memory_limit": memory_limit()})


def release(root: Path, pack: str, raw: Path, csv_compression: str = "none") -> Path:
    """Export every mart to release/<pack>/ — written aside and swapped in only when complete. The CSV mirrors
    are <table>.csv, or <table>.csv.gz with csv_compression="gzip" (the premium packs: their daily table is
    110 M rows, about 8 GiB of plain CSV)."""
    import duckdb

    db = database_path(root, pack)
    raw_manifest = pack_manifest(raw, pack)
    if not db.exists():
        raise SolsticeError(f"no built database at {db}; run `solstice build --pack {pack}` first.")
    if not build_marker(root, pack).exists():
        raise SolsticeError(f"the last build of pack {pack} did not complete with every test passing, so it is not "
                            f"released (the previous release, if any, is untouched). Fix the failures and run "
                            f"`solstice build --pack {pack}` again.")
    ensure_unlocked(db)
    target = work_dir(root) / "release" / pack
    check_disk_for_release(raw_manifest["config"], target, csv_compression)
    staging = target.parent / f".{pack}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "parquet").mkdir(parents=True)
    (staging / "csv").mkdir()
    counts = {}
    csv_suffix, csv_options = {"none": ("csv", "header, delimiter ','"),
                               "gzip": ("csv.gz", "header, delimiter ',', compression gzip")}[csv_compression]
    try:
        with read_database(db) as con:
            for tables, folder in ((SCHEMA_TABLES, staging), (COMPANION_TABLES, staging / "companions")):
                (folder / "parquet").mkdir(parents=True, exist_ok=True)
                (folder / "csv").mkdir(exist_ok=True)
                for table, key in tables.items():
                    try:
                        counts[table] = con.execute(f"select count(*) from marts.{table}").fetchall()[0][0]
                    except duckdb.CatalogException:
                        raise SolsticeError(f"mart {table} is missing from {db}; run `solstice build --pack {pack}`.")
                    parquet = folder / "parquet" / f"{table}.parquet"
                    con.execute(f"copy (select * from marts.{table} order by {key}) to '{parquet}' "
                                "(format parquet, compression zstd)")
                    # The CSV mirror reads the sorted Parquet file back in its order: one sort per table, not two.
                    con.execute(f"copy (select * from read_parquet('{parquet}')) to "
                                f"'{folder / 'csv' / table}.{csv_suffix}' ({csv_options})")
        counts.update(release_sub_daily(root, pack, staging / "parquet"))
        (staging / "manifest.json").write_text(json.dumps({
            "pack": pack,
            "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "config": raw_manifest.get("config"),
            "csv_compression": csv_compression,
            "raw_row_counts": raw_manifest.get("row_counts"),
            "row_counts": counts,
            "tool_versions": {tool: _version(tool) for tool in TOOLS},
        }, indent=2) + "\n")
        (staging / "DATA_DICTIONARY.md").write_text(data_dictionary(root, counts))
        with read_database(db) as con:
            render_charts(con, staging / "charts")
            verdicts = write_report(con, staging / "validation", pack, int(raw_manifest["config"]["seed"]))
        log(_verdicts(verdicts))
        old = target.parent / f".{pack}.old-{os.getpid()}"
        if target.exists():
            target.rename(old)
        staging.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log(f"release written: {target} ({sum(counts.values()):,} rows in {len(counts)} tables)")
    return target


def release_sub_daily(root: Path, pack: str, parquet: Path) -> dict:
    """Put the sub-daily marts, if built, into the release as they are on disk: <table>/month=YYYY-MM/*.parquet,
    hard-linked (no second copy of the largest tables) where the release is on the same disk."""
    import duckdb

    with duckdb.connect(str(database_path(root, pack)), read_only=True) as con:
        built_marts = {name for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
    counts = {}
    for table, stored_by in SUB_DAILY_TABLES.items():
        files = sorted((hourly_path(root, pack) / stored_by).glob("month=*/*.parquet"))
        if table not in built_marts or not files:
            continue
        for source in files:
            target = parquet / table / source.parent.name / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        with duckdb.connect() as con:
            counts[table] = con.execute("select count(*) from read_parquet(?)", [[str(f) for f in files]]).fetchone()[0]
    return counts


def charts(root: Path, pack: str) -> Path:
    """Render the charts again into an existing release (e.g. after editing charts.py)."""
    written = _rewrite_release_folder(root, pack, "charts", render_charts)
    log(f"{len(written)} charts written: {work_dir(root) / 'release' / pack / 'charts'}")
    return work_dir(root) / "release" / pack / "charts"


def validate(root: Path, pack: str, raw: Path) -> dict:
    """Write the validation report into the pack's release again; return the verdict counts."""
    seed = int(pack_manifest(raw, pack)["config"]["seed"])
    counts = _rewrite_release_folder(root, pack, "validation", lambda con, out: write_report(con, out, pack, seed))
    log(f"{_verdicts(counts)} -> {work_dir(root) / 'release' / pack / 'validation' / 'VALIDATION_REPORT.md'}")
    return counts


def _rewrite_release_folder(root: Path, pack: str, folder: str, write):
    """Run `write(connection, out_dir)` aside and swap the result in as release/<pack>/<folder>."""
    db = database_path(root, pack)
    target = work_dir(root) / "release" / pack
    if not (target / "manifest.json").exists():
        raise SolsticeError(f"no release of pack {pack} at {target}; run `solstice release --pack {pack}` first.")
    ensure_unlocked(db)
    partial = target / f".{folder}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    try:
        with read_database(db) as con:
            result = write(con, partial)
        shutil.rmtree(target / folder, ignore_errors=True)
        partial.rename(target / folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return result


def _verdicts(counts: dict) -> str:
    return (f"validation: {counts.get('pass', 0)} pass, {counts.get('fail', 0)} fail, "
            f"{counts.get('insufficient_data', 0)} insufficient data; weather vs TMY: "
            f"{counts.get('tmy_fail', 0)} city failing")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def data_dictionary(root: Path, counts: dict) -> str:
    """Markdown dictionary of the 14 tables (and the sub-daily and companion tables released), from the dbt
    manifest's model and column descriptions."""
    manifest_path = root / os.environ.get("DBT_TARGET_PATH", "target") / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"nodes": {}}
    models = {n["name"]: n for n in manifest["nodes"].values() if n.get("resource_type") == "model"}
    lines = ["# Solstice Residential Energy Simulation Pack — data dictionary", "",
             "Generated from the dbt documentation of the marts. Parquet is canonical; CSV mirrors it.", ""]
    for table in [*SCHEMA_TABLES, *(t for t in SUB_DAILY_TABLES if t in counts), *COMPANION_TABLES]:
        node = models.get(table, {})
        where = ["", f"Companion table: `companions/parquet/{table}.parquet` (and CSV)."] if table in COMPANION_TABLES else []
        lines += [f"## `{table}`", *where, "", node.get("description", "").strip(), "",
                  f"Rows: {counts.get(table, 0):,}", "", "| column | type | description |", "|---|---|---|"]
        for name, column in node.get("columns", {}).items():
            description = " ".join(column.get("description", "").split()).replace("|", "\\|")
            lines.append(f"| `{name}` | {column.get('data_type', '')} | {description} |")
        lines.append("")
    return "\n".join(lines)
