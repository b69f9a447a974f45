"""Benchmark a pack end to end: generation, `dbt build` (all tests) and release.

Prints, per step: wall seconds, rows per second, household-years per second, the peak resident memory of
the whole process tree (generator workers and dbt included) and the peak disk the step added, sampled every
0.1 s; then the sizes of the raw pack, the DuckDB file, the month partitions and the release; and NREL PySAM's
household-years per second on all cores in the same run (benchmarks/pysam_reference.py), as a ratio.

    .venv/bin/python benchmarks/benchmark_pack.py --pack mvp          (make benchmark PACK=mvp)
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            ppid, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def disk_used() -> int:
    return shutil.disk_usage(ROOT).used


def size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


def timed(command: list[str]) -> tuple[float, int, int]:
    """Run a command; return its wall seconds, the peak RSS of its process tree and the peak disk it added. The
    command's output (progress, dbt's log) passes through to stderr, so the figures on stdout stay apart."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak, disk_before, disk_peak = 0, disk_used(), 0
    done = threading.Event()

    def sample():
        nonlocal peak, disk_peak
        while not done.is_set():
            peak = max(peak, tree_rss_bytes(process.pid))
            disk_peak = max(disk_peak, disk_used() - disk_before)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    tail = collections.deque(maxlen=40)  # the end of the output, repeated if the command fails
    for line in process.stdout:
        sys.stderr.write(line)
        tail.append(line)
    process.wait()
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{''.join(tail)}")
    return time.perf_counter() - started, peak, disk_peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pack", default="mvp")
    parser.add_argument("--pysam-homes", type=int, default=200, help="home-years PySAM simulates for its figure")
    parser.add_argument("--skip-generate", action="store_true", help="time build and release of the pack on disk")
    args = parser.parse_args()

    solstice = str(BIN / "solstice")
    steps = {}
    if not args.skip_generate:
        steps["generate"] = timed([solstice, "generate", "--pack", args.pack])
    steps["dbt build"] = timed([solstice, "build", "--pack", args.pack])
    steps["release"] = timed([solstice, "release", "--pack", args.pack])

    manifest = json.loads((ROOT / "data" / "raw" / args.pack / "_pack.json").read_text())
    config = manifest["config"]
    raw_rows = sum(manifest["row_counts"].values())
    telemetry_rows = manifest["row_counts"]["fleet/telemetry_hourly"]
    household_years = config["households"] * config["months"] / 12
    results = json.loads((ROOT / "target" / "run_results.json").read_text())
    gib = 1024**3
    print(f"pack                       {args.pack}: {config['households']:,} households x {config['months']} months, "
          f"{telemetry_rows:,} hourly readings ({raw_rows:,} raw rows)")
    for step, (wall, rss, disk) in steps.items():
        print(f"{step:<18} wall s {wall:8.1f}   {telemetry_rows / wall:12,.0f} hourly rows/s   "
              f"{household_years / wall:8.1f} household-years/s   peak RSS {rss / gib:5.2f} GiB   "
              f"peak disk +{disk / gib:5.2f} GiB")
    total = sum(wall for wall, _, _ in steps.values())
    print(f"{'end to end':<18} wall s {total:8.1f}   {household_years / total:8.1f} household-years/s   "
          f"peak RSS {max(rss for _, rss, _ in steps.values()) / gib:5.2f} GiB   ({len(results['results'])} dbt nodes)")
    data = ROOT / "data"
    sizes = {"raw": size(data / "raw" / args.pack), "database": size(data / f"solstice_{args.pack}.duckdb"),
             "month partitions": size(data / f"solstice_{args.pack}.hourly"),
             "release": size(ROOT / "release" / args.pack)}
    print("disk                       " + ", ".join(f"{name} {value / gib:.2f} GiB" for name, value in sizes.items())
          + f"; total {sum(sizes.values()) / gib:.2f} GiB (hard-linked sub-daily files counted in both)")
    if "generate" in steps:
        try:
            sys.path.insert(0, str(Path(__file__).parent))
            from pysam_reference import pysam_household_years_per_second

            pysam = pysam_household_years_per_second(n_homes=args.pysam_homes)
        except RuntimeError as exc:
            print(f"PySAM reference           skipped: {exc}")
            return
        ours = household_years / steps["generate"][0]
        print(f"PySAM reference            {pysam['household_years_per_s']:.1f} household-years/s on {pysam['jobs']} "
              f"processes ({pysam['household_years']} home-years in {pysam['wall_s']:.1f} s); generation is "
              f"{ours / pysam['household_years_per_s']:.1f}x that ({ours:.1f} household-years/s)")


if __name__ == "__main__":
    main()
