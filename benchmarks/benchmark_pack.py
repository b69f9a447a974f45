"""Benchmark a pack end to end: generation, `dbt build` (all tests) and release.

Prints wall seconds per step, raw rows per second, household-years per second and the peak resident
memory of the whole process tree (generator workers and dbt included), sampled every 0.1 s.

    .venv/bin/python benchmarks/benchmark_pack.py --pack mvp
"""

from __future__ import annotations

import argparse
import json
import os
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


def timed(command: list[str]) -> tuple[float, int]:
    """Run a command; return its wall seconds and the peak RSS of its process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_bytes(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{err[-3000:]}")
    return time.perf_counter() - started, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pack", default="mvp")
    args = parser.parse_args()

    generate_s, generate_peak = timed([str(BIN / "solstice"), "generate", "--pack", args.pack])
    build_s, build_peak = timed([str(BIN / "solstice"), "build", "--pack", args.pack])
    release_s, release_peak = timed([str(BIN / "solstice"), "release", "--pack", args.pack])

    manifest = json.loads((ROOT / "data" / "raw" / args.pack / "_pack.json").read_text())
    config = manifest["config"]
    raw_rows = sum(manifest["row_counts"].values())
    household_years = config["households"] * config["months"] / 12
    results = json.loads((ROOT / "target" / "run_results.json").read_text())
    gib = 1024**3
    print(f"pack                       {args.pack}: {config['households']:,} households x {config['months']} months")
    print(f"raw rows                   {raw_rows:,} ({manifest['row_counts']['fleet/telemetry_hourly']:,} telemetry)")
    print(f"generate wall s            {generate_s:8.1f}   peak RSS {generate_peak / gib:5.2f} GiB")
    print(f"dbt build wall s           {build_s:8.1f}   peak RSS {build_peak / gib:5.2f} GiB   "
          f"({len(results['results'])} nodes)")
    print(f"release wall s             {release_s:8.1f}   peak RSS {release_peak / gib:5.2f} GiB")
    print(f"generate + build wall s    {generate_s + build_s:8.1f}")
    print(f"raw rows / s (generate)    {raw_rows / generate_s:12,.0f}")
    print(f"household-years / s        {household_years / (generate_s + build_s):8.1f}  (generate + build)")
    print(f"peak RSS (any step)        {max(generate_peak, build_peak, release_peak) / gib:5.2f} GiB")


if __name__ == "__main__":
    main()
