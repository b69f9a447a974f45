"""Generate a pack's raw layer: the exports of CRM, install ops, the device fleet, the VPP platform,
grid and market feeds and the support desk, as Parquet under one folder.

The folder is written aside and moved into place only when complete, so an interrupted run never
leaves a half-written pack that looks finished.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import __version__
from .config import PackConfig
from .devices import Simulator
from .errors import ConfigError, stop_if_requested
from .population import Population
from .reference import Reference
from .resources import check_disk_for_generate, keep_freed_memory
from .validate import arrow_schema, raw_contract
from . import hazards, markets
from .programmes import CALL_PARAMETERS, schedule_calls, territory_days
from .weather import build_territories, weather_frame
from .world import Clock

MANIFEST = "_pack.json"
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 1}


def log(message: str) -> None:
    stop_if_requested()
    print(f"[solstice] {message}", file=sys.stderr, flush=True)


def to_arrow(frame: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    """The frame as Arrow with exactly the documented columns and types (even when empty or all-null)."""
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


def write_table(frame: pd.DataFrame, path: Path, schema: pa.Schema) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    table = to_arrow(frame, schema)
    pq.write_table(table, path, **PARQUET_OPTIONS)
    return table.num_rows


def write_by_month(frame: pd.DataFrame, folder: Path, time_column: str, schema: pa.Schema) -> int:
    """Hive-style month partitions (month=YYYY-MM, by the UTC timestamp) of a shared feed."""
    frame = frame.sort_values(time_column, kind="stable")
    months = frame[time_column].dt.strftime("%Y-%m").to_numpy()
    table = to_arrow(frame, schema)
    bounds = np.concatenate([[0], np.flatnonzero(months[1:] != months[:-1]) + 1, [len(months)]])
    for start, end in zip(bounds[:-1], bounds[1:]):
        target = folder / f"month={months[start]}" / "part-00000.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table.slice(start, end - start), target, **PARQUET_OPTIONS)
    return table.num_rows


def prepare_output(out: Path, config: PackConfig) -> Path:
    """Check the target folder and return a fresh staging folder beside it."""
    out = out.resolve()
    if out.exists():
        manifest = out / MANIFEST
        if manifest.exists():
            try:
                previous = json.loads(manifest.read_text()).get("config", {}).get("pack")
            except (json.JSONDecodeError, OSError):
                previous = None
            if previous not in (None, config.pack):
                raise ConfigError(
                    f"--out {out} already holds the {previous!r} pack; choose another folder "
                    f"(e.g. data/raw/{config.pack}) or delete it first.")
        elif any(out.iterdir()):
            raise ConfigError(f"--out {out} is not empty and holds no Solstice pack; choose an empty or new folder.")
    parent = out.parent
    blocker = next((p for p in (out, *out.parents) if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise ConfigError(f"{blocker} is a file, not a folder; choose a writable --out folder.")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create {parent} ({exc.strerror}); choose a writable --out folder.")
    if not os.access(parent, os.W_OK):
        raise ConfigError(f"{parent} is not writable; choose a writable --out folder.")
    staging = parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    return staging


def publish(staging: Path, out: Path) -> None:
    """Swap the finished staging folder into place (the old pack is removed only after success)."""
    stop_if_requested()
    out = out.resolve()
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def generate(config: PackConfig, ref: Reference, out: Path, jobs: int = 1, start_method: str | None = None,
             spark: str | None = None) -> dict:
    """Generate the pack into `out`. `jobs` worker processes started with `start_method` (default:
    default_start_method()), or, with `spark` (a Spark master URL such as local[2]), one Spark task per
    household batch (spark_generate.py); none of them changes a byte of the output."""
    started = time.perf_counter()
    start_method = start_method or default_start_method()  # a bad SOLSTICE_START_METHOD fails before any work
    check_disk_for_generate(config.to_dict(), out)
    with contextlib.ExitStack() as stack:
        runner = None
        if spark is not None:  # Spark starts (or says why it cannot) before anything is written
            from .spark_generate import SparkBatches, spark_session

            runner = SparkBatches(stack.enter_context(spark_session(spark)))
        staging = prepare_output(out, config)
        try:
            counts = _generate_into(config, ref, staging, started, jobs, start_method, runner)
            manifest = {
                "config": config.to_dict(),
                "generator_version": __version__,
                "row_counts": counts,
            }
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
            publish(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    log(f"done: {sum(counts.values()):,} raw rows in {time.perf_counter() - started:.1f} s -> {out}")
    return counts


_SIMULATOR: Simulator | None = None
_ROOT: Path | None = None
_PART_PREFIX = "part-"


def _simulate_batch(job):
    """Simulate one batch and write its telemetry parts; returns only the small per-household results."""
    b, idx = job
    keep_freed_memory()  # in every worker, however it was started (pool, spawn, Spark executor)
    result = _SIMULATOR.run(idx)
    rows = 0
    for month, table in result.telemetry.items():
        target = _ROOT / "fleet" / "telemetry_hourly" / f"month={month}" / f"{_PART_PREFIX}{b:05d}.parquet"
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, target, **PARQUET_OPTIONS)
        rows += table.num_rows
    result.telemetry = None
    return idx, result, rows


def default_start_method() -> str:
    """`fork` where the platform has it (workers share the built world copy-on-write), else `spawn`.
    SOLSTICE_START_METHOD (fork, spawn, forkserver) overrides it; the output does not depend on it."""
    chosen = os.environ.get("SOLSTICE_START_METHOD")
    available = multiprocessing.get_all_start_methods()
    if chosen:
        if chosen not in available:
            raise ConfigError(f"SOLSTICE_START_METHOD={chosen!r} is not available here; use one of "
                              f"{', '.join(available)}.")
        return chosen
    return "fork" if "fork" in available else "spawn"


def _set_worker_state(simulator: Simulator, root: Path, part_prefix: str) -> None:
    global _SIMULATOR, _ROOT, _PART_PREFIX
    _SIMULATOR, _ROOT, _PART_PREFIX = simulator, root, part_prefix


def _init_worker(state: tuple | None) -> None:
    """Worker start: die quietly when the pool is terminated (only the main process cleans up), and take the
    simulator - inherited under `fork`, received (pickled once per worker) under `spawn` / `forkserver`."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if state is not None:
        _set_worker_state(*state)


@contextlib.contextmanager
def _pool(workers: int, state: tuple, start_method: str | None = None):
    """The batch simulator in this process (one worker) or in a pool of worker processes. Under `fork` the
    workers inherit the shared world built before the pool starts; under `spawn` each receives a copy."""
    _set_worker_state(*state)
    if workers <= 1:
        yield None
        return
    method = start_method or default_start_method()
    inherited = method == "fork"
    with multiprocessing.get_context(method).Pool(workers, initializer=_init_worker,
                                                  initargs=(None if inherited else state,)) as pool:
        yield pool


def _generate_into(config: PackConfig, ref: Reference, root: Path, started: float, jobs: int,
                   start_method: str | None = None, runner=None) -> dict:
    counts: dict[str, int] = {}
    schemas = {table: arrow_schema(columns) for table, columns in raw_contract(ref.root).items()}

    def emit(table: str, frame: pd.DataFrame) -> None:
        counts[table] = write_table(frame, root / f"{table}.parquet", schemas[table])

    numbers = config.household_numbers()
    shard = f", shard {config.shard[0]}/{config.shard[1]} ({len(numbers):,} households)" if config.shard[1] > 1 else ""
    log(f"pack {config.pack}: {config.households:,} households x {config.months} months from {config.start}, "
        f"seed {config.seed}{shard}")
    pop = Population(config, ref, numbers)
    territories = pop.territory_table
    clock = Clock.for_pack(config, territories["timezone"].unique())
    normals = ref.climate_normals
    worlds = build_territories(config, clock, territories, ref)
    log(f"weather for {len(worlds)} territories on {len(clock.times):,} hours ({time.perf_counter() - started:.1f} s)")

    # Grid and market feeds ----------------------------------------------------------------------------
    # Hazard weather (storm days, heat waves, cold snaps) drives major-event outages and scarcity prices.
    hazard_params = hazards.HazardParameters.from_reference(ref)
    hazard_days = {
        name: hazards.daily_hazards(config.seed, w.row, normals[normals["utility_territory"] == name],
                                    ref.storm_climatology[ref.storm_climatology["state"] == w.row["state"]],
                                    w.local_day, w.local_month, w.temp_air, hazard_params)
        for name, w in worlds.items()
    }
    market_params = markets.MarketParameters.from_reference(ref)
    prices, lmp_hourly = [], {}
    for region in sorted(territories["market_region"].unique()):
        anchor_name = territories.loc[territories["market_region"] == region, "utility_territory"].iloc[0]
        anchor, anchor_hazard = worlds[anchor_name], hazard_days[anchor_name]
        region_row = ref.market_regions[ref.market_regions["market_region"] == region].iloc[0]
        solar = anchor.ghi / max(anchor.ghi.max(), 1.0)
        frame = markets.market_prices(config.seed, clock.times, region_row, anchor.temp_air, solar,
                                      anchor_hazard.day, anchor_hazard.heat, anchor_hazard.cold, market_params)
        prices.append(frame)
        lmp_hourly[region] = frame["lmp_usd_per_mwh"].to_numpy().reshape(-1, 4).mean(axis=1)
    counts["grid/market_prices"] = write_by_month(pd.concat(prices, ignore_index=True), root / "grid" / "market_prices",
                                                  "interval_start_at", schemas["grid/market_prices"])
    emit("grid/weather_hourly", pd.concat([weather_frame(w, clock.times) for w in worlds.values()], ignore_index=True))
    grid_outages = pd.concat([hazards.outages(config.seed, clock.times, w.row, hazard_days[name], w.local_day,
                                              w.local_hour, w.in_pack, hazard_params)
                              for name, w in worlds.items()], ignore_index=True)
    emit("grid/outages", grid_outages)

    # Programme calls --------------------------------------------------------------------------------
    calls = []
    call_params = {name: ref.parameter(f"programmes_{name}") for name in CALL_PARAMETERS}
    for _, program in ref.programs.iterrows():
        if program["utility_territory"] not in worlds:
            continue
        world = worlds[program["utility_territory"]]
        days = territory_days(world.local_day, world.in_pack, world.temp_air,
                              normals[normals["utility_territory"] == program["utility_territory"]])
        frame = schedule_calls(program, days, world.local_day, world.local_hour,
                               lmp_hourly[world.row["market_region"]], clock.times, call_params, config.seed)
        frame["call_seq"] = np.arange(1, len(frame) + 1)
        frame["duration_hours"] = int(program["duration_hours"])
        calls.append(frame)
    calls = pd.concat(calls, ignore_index=True) if calls else pd.DataFrame()
    public_calls = calls[["call_id", "program_id", "dispatch_type", "event_start_at", "event_end_at",
                          "requested_kw_per_device"]] if len(calls) else pd.DataFrame(
        columns=["call_id", "program_id", "dispatch_type", "event_start_at", "event_end_at", "requested_kw_per_device"])
    emit("vpp/dispatch_calls", public_calls)

    # Households, batch by batch -----------------------------------------------------------------------
    simulator = Simulator(pop, clock, worlds, grid_outages, calls)
    part_prefix = f"part-s{config.shard[0]:03d}-" if config.shard[1] > 1 else "part-"
    churn_day = np.full(len(numbers), -1, dtype=np.int64)
    renew_day = np.full(len(numbers), -1, dtype=np.int64)
    tickets, responses = [], []
    telemetry_rows = 0
    batches = [np.arange(first, min(first + config.batch_size, len(numbers)))
               for first in range(0, len(numbers), config.batch_size)]
    households_started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if runner is not None:  # Spark: one task per batch, the same _simulate_batch on the executors
            results = runner.run((simulator, root, part_prefix), list(enumerate(batches)))
        else:
            pool = stack.enter_context(_pool(min(jobs, len(batches)), (simulator, root, part_prefix), start_method))
            results = pool.imap(_simulate_batch, enumerate(batches)) if pool else map(_simulate_batch, enumerate(batches))
        for b, (idx, result, rows) in enumerate(results):
            churn_day[idx], renew_day[idx] = result.churn_day, result.renew_day
            tickets.append(result.tickets)
            responses.append(result.responses)
            telemetry_rows += rows
            per_batch = (time.perf_counter() - households_started) / (b + 1)
            left = "" if runner is not None else f", about {per_batch * (len(batches) - b - 1):.0f} s left"
            log(f"households {idx[-1] + 1:,}/{len(numbers):,} (batch {b + 1}/{len(batches)}): "
                f"{telemetry_rows:,} telemetry rows, {time.perf_counter() - started:.1f} s{left}")
    counts["fleet/telemetry_hourly"] = telemetry_rows

    # Entity exports -------------------------------------------------------------------------------------
    emit("crm/households", pop.households())
    emit("crm/subscriber_contracts", pop.contracts(churn_day, renew_day))
    emit("crm/acquisition_touches", pop.touches())
    emit("installs/installation_projects", pop.projects())
    emit("installs/solar_systems", pop.solar_systems())
    emit("installs/battery_systems", pop.battery_systems())
    emit("vpp/program_enrollments", pop.enrollments())
    emit("vpp/device_responses", pd.concat(responses, ignore_index=True))
    emit("support/service_tickets", pd.concat(tickets, ignore_index=True))
    return counts
