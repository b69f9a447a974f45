"""Disk and memory: check before long work that the machine can hold the pack, and explain a build that ran
out of either in words that name the pack, the need and the setting to change."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
from pathlib import Path

from .errors import ConfigError, SolsticeError

GIB = 1024 ** 3
# Bytes per home-hour of the pack, measured on premium-25k (25,000 homes x 24 months, zstd Parquet, energy in
# whole Wh, 2026-12-07): the raw layer the generator writes; the database (daily and coarser tables) with the
# month partitions of the hourly models (the hours stored once, int_telemetry_hours_metered, 3.4 GiB of them; the
# sub-daily marts add 0.005 GiB); the release (Parquet + CSV mirrors of the 14 tables and companions, plain or
# gzip, measured on the MVP; the sub-daily Parquet is hard-linked, not copied).
RAW_BYTES_PER_HOME_HOUR = 7.3  # 2.96 GiB
BUILD_BYTES_PER_HOME_HOUR = 11.9  # database 0.71 GiB + month partitions 4.1 GiB
RELEASE_BYTES_PER_HOME_HOUR = {"none": 5.1, "gzip": 2.5}  # MVP 0.21 / 0.10 GiB
# DuckDB spills what does not fit in memory beside the database; keep this much free for it.
SPILL_HEADROOM_BYTES = 4 * GIB


def home_hours(config: dict) -> float:
    return float(config["households"]) * float(config["months"]) * 730.5


def _free(path: Path) -> int:
    path = Path(path)
    while not path.exists():
        path = path.parent
    return shutil.disk_usage(path).free


def _require(what: str, need: float, where: Path, config: dict) -> None:
    free = _free(where)
    from .generate import log

    log(f"disk: about {need / GIB:.1f} GiB needed to {what} this pack, {free / GIB:.1f} GiB free")
    if free < need:
        raise ConfigError(
            f"not enough disk to {what} pack {config['pack']} ({int(config['households']):,} households x "
            f"{config['months']} months): it needs about {need / GIB:.1f} GiB, {where} has {free / GIB:.1f} GiB free. "
            f"Free space (e.g. `rm -rf data/raw/<old pack> release/<old pack>`), point SOLSTICE_WORKDIR at a larger "
            f"disk, or choose a smaller pack (--households / --months).")


def check_disk_for_generate(config: dict, out: Path) -> None:
    """Before generating: room for the raw layer (written aside, then swapped in)."""
    _require("generate", home_hours(config) * RAW_BYTES_PER_HOME_HOUR, out, config)


def _build_bytes(config: dict) -> float:
    """The database, the month partitions, and room for DuckDB's spill."""
    return home_hours(config) * BUILD_BYTES_PER_HOME_HOUR + SPILL_HEADROOM_BYTES


def _release_bytes(config: dict, csv_compression: str) -> float:
    return home_hours(config) * RELEASE_BYTES_PER_HOME_HOUR[csv_compression]


def check_disk_for_pack(config: dict, root: Path) -> None:
    """Before `solstice pack`: room for all of it - raw layer, build and release - so a pack that cannot finish is
    refused before its generation runs (for the premium pack, most of an hour), not after."""
    from .config import work_dir

    raw = home_hours(config) * RAW_BYTES_PER_HOME_HOUR
    need = raw + _build_bytes(config) + _release_bytes(config, config.get("csv_compression", "none"))
    _require("generate, build and release", need, work_dir(root) / "data", config)


def check_disk_for_build(root: Path, pack: str, raw: Path) -> None:
    """Before building: room for the database, the month partitions and DuckDB's spill (the release checks its own
    room when it is written: a build is also used without a release, through the database and dbt docs)."""
    config = json.loads((raw / "_pack.json").read_text())["config"]
    from .config import work_dir

    _require("build", _build_bytes(config), work_dir(root) / "data", config)


def check_disk_for_release(config: dict, target: Path, csv_compression: str = "none") -> None:
    """Before writing a release: room for its Parquet and CSV (the sub-daily marts are hard-linked, not copied)."""
    _require("release", _release_bytes(config, csv_compression), target, config)


def keep_freed_memory() -> None:
    """Let this process reuse the memory it frees instead of handing it back to the kernel.

    glibc serves every allocation above its mmap threshold (at most 32 MiB by default) straight from the kernel
    and returns it on free, and trims its heap as it shrinks; the generator frees and reallocates arrays of
    (hours x homes) all the time, so the kernel zeroed and faulted in the same memory again and again: 1,000
    homes x 12 months on one worker spent 9.8 of its 24.8 s in the kernel (3 times the page faults). With a high
    threshold, no trimming and a large top pad, freed arrays are reused in place (19.2 s, 4.3 s system time,
    the same output; each worker's peak is about 0.1 GiB higher). Elsewhere than glibc (macOS, musl) this does
    nothing."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3  # <malloc.h>
    mallopt(m_mmap_threshold, 1 << 30)
    mallopt(m_trim_threshold, 2 ** 31 - 1)
    mallopt(m_top_pad, 1 << 30)


def memory_limit() -> str:
    """DuckDB's memory limit as the profile sets it (SOLSTICE_MEMORY_LIMIT, or a share of the machine's RAM)."""
    return os.environ.get("SOLSTICE_MEMORY_LIMIT", "30%")


def explain_resource_failure(root: Path, config: dict) -> None:
    """After a failed `dbt build`: if a model ran out of memory or disk, say so plainly (and how to fix it)."""
    results = root / os.environ.get("DBT_TARGET_PATH", "target") / "run_results.json"  # where dbt wrote it
    try:
        messages = [(r.get("unique_id", ""), r.get("message") or "")
                    for r in json.loads(results.read_text()).get("results", []) if r.get("status") == "error"]
    except (OSError, json.JSONDecodeError):
        return
    size = f"pack {config['pack']} ({int(config['households']):,} households x {config['months']} months)"
    for node, message in messages:
        if "Out of Memory" in message:
            ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / GIB
            raise SolsticeError(
                f"{node} ran out of memory building {size}: DuckDB's limit is {memory_limit()} of this machine's "
                f"{ram:.0f} GiB ({message.strip().splitlines()[-1][:200]}). Raise it with "
                f"SOLSTICE_MEMORY_LIMIT (e.g. `SOLSTICE_MEMORY_LIMIT=60% solstice build ...`), close other "
                f"programs, or build a smaller pack.")
        if "No space left on device" in message or "Could not write" in message:
            raise SolsticeError(
                f"{node} ran out of disk building {size} ({message.strip().splitlines()[-1][:200]}). DuckDB spills to "
                f"the .tmp folder beside the database; free space on that disk or point SOLSTICE_WORKDIR at a "
                f"larger one, then build again.")
