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

from .config import work_dir
from .errors import SolsticeError
from .generate import MANIFEST, log
from .validate import check_raw_pack

# The 14 tables of the schema, in the schema's order: the release contract.
SCHEMA_TABLES = [
    "households", "subscriber_contracts", "installation_pipeline", "solar_systems", "battery_systems",
    "utility_tariffs", "daily_generation_consumption", "dispatch_events", "vpp_program_enrollment",
    "outage_events", "billing_and_savings", "service_tickets", "channel_attribution", "portfolio_kpis_daily",
]
TOOLS = ["dbt-core", "dbt-duckdb", "duckdb", "pvlib", "numpy", "pandas", "pyarrow", "solstice-pack"]


def database_path(root: Path, pack: str) -> Path:
    return work_dir(root) / "data" / f"solstice_{pack}.duckdb"


def pack_manifest(raw: Path) -> dict:
    path = raw / MANIFEST
    if not path.exists():
        raise SolsticeError(
            f"no generated pack at {raw} ({MANIFEST} is missing). Run `solstice generate --pack <name>` first.")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise SolsticeError(f"{path} is corrupt ({exc}); regenerate the pack with `solstice generate`.")


def dbt_env(root: Path, pack: str) -> dict:
    env = dict(os.environ)
    env["SOLSTICE_DB"] = str(database_path(root, pack))
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


def pack_vars(raw: Path) -> dict:
    config = pack_manifest(raw)["config"]
    return {
        "pack": config["pack"],
        "raw_root": str(raw.resolve()),
        "pack_start_date": config["start_date"],
        "pack_end_date": config["end_date"],
    }


def dbt_build(root: Path, pack: str, raw: Path, select: str | None = None) -> None:
    vars_ = pack_vars(raw)
    check_raw_pack(root, raw)
    database_path(root, pack).parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    dbt_command(root, pack, ["build", *(["--select", select] if select else [])], vars_)
    log(f"dbt build finished in {time.perf_counter() - started:.1f} s -> {database_path(root, pack)}")


def release(root: Path, pack: str, raw: Path) -> Path:
    """Export every mart to release/<pack>/ — written aside and swapped in only when complete."""
    import duckdb

    db = database_path(root, pack)
    raw_manifest = pack_manifest(raw)
    if not db.exists():
        raise SolsticeError(f"no built database at {db}; run `solstice build --pack {pack}` first.")
    target = work_dir(root) / "release" / pack
    staging = target.parent / f".{pack}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "parquet").mkdir(parents=True)
    (staging / "csv").mkdir()
    counts = {}
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            for table in SCHEMA_TABLES:
                relation = f"marts.{table}"
                try:
                    counts[table] = con.execute(f"select count(*) from {relation}").fetchall()[0][0]
                except duckdb.CatalogException:
                    raise SolsticeError(f"mart {table} is missing from {db}; run `solstice build --pack {pack}`.")
                con.execute(f"copy {relation} to '{staging / 'parquet' / table}.parquet' (format parquet, compression zstd)")
                con.execute(f"copy {relation} to '{staging / 'csv' / table}.csv' (header, delimiter ',')")
        (staging / "manifest.json").write_text(json.dumps({
            "pack": pack,
            "built_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "config": raw_manifest.get("config"),
            "raw_row_counts": raw_manifest.get("row_counts"),
            "row_counts": counts,
            "tool_versions": {tool: _version(tool) for tool in TOOLS},
        }, indent=2) + "\n")
        (staging / "DATA_DICTIONARY.md").write_text(data_dictionary(root, counts))
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


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def data_dictionary(root: Path, counts: dict) -> str:
    """Markdown dictionary of the 14 tables, from the dbt manifest's model and column descriptions."""
    manifest_path = root / "target" / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"nodes": {}}
    models = {n["name"]: n for n in manifest["nodes"].values() if n.get("resource_type") == "model"}
    lines = ["# Solstice Residential Energy Simulation Pack — data dictionary", "",
             "Generated from the dbt documentation of the marts. Parquet is canonical; CSV mirrors it.", ""]
    for table in SCHEMA_TABLES:
        node = models.get(table, {})
        lines += [f"## `{table}`", "", node.get("description", "").strip(), "",
                  f"Rows: {counts.get(table, 0):,}", "", "| column | type | description |", "|---|---|---|"]
        for name, column in node.get("columns", {}).items():
            description = " ".join(column.get("description", "").split()).replace("|", "\\|")
            lines.append(f"| `{name}` | {column.get('data_type', '')} | {description} |")
        lines.append("")
    return "\n".join(lines)
