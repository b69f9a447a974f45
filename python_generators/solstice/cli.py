"""The `solstice` command: generate a pack's raw data, build it with dbt, and write the release."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from .config import CSV_COMPRESSIONS, project_root, resolve_pack, work_dir
from .errors import SolsticeError, request_stop

DESCRIPTION = """\
Solstice Residential Energy Simulation Pack.

  solstice generate --pack dev --out data/raw/dev   simulate the fleet and write raw Parquet
  solstice generate --pack dev --spark 'local[2]'   the same, the household batches as Spark tasks
  solstice build    --pack dev                      dbt seed + build (all tests) on DuckDB
  solstice build    --pack dev --target spark       the same on Apache Spark (local PySpark session)
  solstice release  --pack dev                      export the 14 marts to release/<pack>/
  solstice charts   --pack dev                      render the charts of the release again
  solstice validate --pack mvp                      the validation report against published references
  solstice pack     --pack dev                      generate, build and release, end to end
  solstice packs                                    list the named packs in packs.yml

Run `solstice COMMAND --help` for a command's options. Packs: dev (50 homes x 2 months, for trying
things), mvp (the default: 5,000 homes x 12 months), premium-25k (25,000 homes x 24 months) and
premium (100,000 homes x 36 months), both with the sub-daily marts.
"""


def _add_pack_options(parser: argparse.ArgumentParser, overrides: bool) -> None:
    parser.add_argument("--pack", metavar="NAME", help="named pack from packs.yml (default: the file's default_pack, mvp)")
    if overrides:
        parser.add_argument("--households", metavar="N", help="number of households (rows of `households`)")
        parser.add_argument("--months", metavar="N", help="number of months to simulate")
        parser.add_argument("--start", metavar="YYYY-MM", help="first month, YYYY-MM (local time)")
        parser.add_argument("--seed", metavar="N", help="random seed; same config and seed give identical output")
        parser.add_argument("--states", metavar="LIST", help="comma-separated state codes to include, e.g. CA,TX (default: all)")
        parser.add_argument("--batch-size", dest="batch_size", metavar="N", help="households simulated at once (memory bound)")
        parser.add_argument("--shard", metavar="I/N", help="I/N: simulate only the I-th of N contiguous blocks of households "
                                               "(shared feeds are written whole); shards concatenate to the full pack")
        parser.add_argument("--defect-rate", dest="defect_rate", metavar="SHARE",
                            help="share of telemetry readings delivered with a feed defect (default 0.001; 0 = clean)")
        parser.add_argument("--sub-daily", dest="sub_daily", action="store_true", default=None,
                            help="also build and release the sub-daily marts (hourly_energy, dispatch_intervals); "
                                 "on for the premium packs")
        parser.add_argument("--jobs", type=int, metavar="N", default=min(os.cpu_count() or 1, 4),
                            help="worker processes for the household simulation (default: CPU cores, at most 4); "
                                 "the output does not depend on it")
        parser.add_argument("--spark", nargs="?", const="local[*]", default=None, metavar="MASTER",
                            help="simulate the household batches as Apache Spark tasks, one task per batch "
                                 "(--batch-size homes), instead of --jobs processes: a local PySpark session on "
                                 "every core, or the given master URL (e.g. local[2]); byte-identical output")


def _add_csv_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--csv-compression", dest="csv_compression", choices=CSV_COMPRESSIONS, default=None,
                        help="write the CSV mirrors plain (<table>.csv) or gzip-compressed (<table>.csv.gz); "
                             "default: as packs.yml says (gzip for the premium packs)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="solstice", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    gen = sub.add_parser("generate", help="simulate the fleet and write the raw layer as Parquet",
                         description="Simulate weather, PV, load, batteries, outages, markets, programme calls and "
                                     "customer behaviour, and write what the source systems would export.")
    _add_pack_options(gen, overrides=True)
    gen.add_argument("--out", metavar="DIR", help="output folder (default: data/raw/<pack>)")

    build = sub.add_parser("build", help="run dbt seed and dbt build (with all tests) over a generated pack",
                           description="Check the raw files against their documented contract, then run `dbt build` "
                                       "(seeds, models, data and unit tests) into data/solstice_<pack>.duckdb. "
                                       "Only a complete build with every test passing can be released.")
    _add_pack_options(build, overrides=False)
    build.add_argument("--raw", metavar="DIR", help="raw folder to build from (default: data/raw/<pack>)")
    chosen = build.add_mutually_exclusive_group()
    chosen.add_argument("--select", metavar="SELECTION", help="dbt selection, e.g. +billing_and_savings (default: everything)")
    chosen.add_argument("--selector", metavar="NAME", help="a named selection from selectors.yml, e.g. realism "
                                                           "(every model, the realism metrics and causal targets)")
    build.add_argument("--sub-daily", dest="sub_daily", action="store_true", default=None,
                       help="also build the sub-daily marts (default: as the pack was generated)")
    build.add_argument("--rebuild-months", dest="rebuild_months", metavar="LIST",
                       help="recompute only these months (YYYY-MM,...) of the models built month by month; "
                            "the other months stay as built")
    build.add_argument("--target", choices=["dev", "spark"], default="dev",
                       help="the engine: dev = DuckDB (data/solstice_<pack>.duckdb, the default), spark = a local "
                            "PySpark session (tables under data/spark_<pack>/; profiles.yml's `spark` target)")

    release = sub.add_parser("release", help="export the 14 schema tables to release/<pack>/ (Parquet, CSV, charts)",
                             description="Export the 14 marts of the last fully passing build to release/<pack>/: "
                                         "Parquet, CSV, manifest.json, DATA_DICTIONARY.md and PNG charts. The "
                                         "previous release is replaced only when the new one is complete.")
    _add_pack_options(release, overrides=False)
    _add_csv_option(release)

    charts = sub.add_parser("charts", help="render the PNG charts into release/<pack>/charts/ again",
                            description="Render market, solar, load, VPP economics and fleet KPI charts from the "
                                        "built pack into its release (`solstice release` already does this).")
    _add_pack_options(charts, overrides=False)

    validate = sub.add_parser("validate", help="write the validation report (metrics vs published references)",
                              description="Write release/<pack>/validation/VALIDATION_REPORT.md and its charts: "
                                          "every realism metric of the built pack beside its reference, tolerance, "
                                          "citation and verdict, and the weather process against real TMY weather. "
                                          "Exits 1 when a metric fails (`solstice release` writes the same report).")
    _add_pack_options(validate, overrides=False)

    pack = sub.add_parser("pack", help="generate, build and release a pack end to end",
                          description="generate + build + release in one go: what `make pack` runs.")
    _add_pack_options(pack, overrides=True)
    _add_csv_option(pack)

    sub.add_parser("packs", help="list the named packs", description="List the packs defined in packs.yml.")
    return parser


def main(argv: list[str] | None = None) -> int:
    # A job runner stops work with SIGTERM: treat it like Ctrl-C, so partial output is cleaned up.
    signal.signal(signal.SIGTERM, request_stop)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return _run(args)
    except SolsticeError as exc:
        print(f"solstice: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("solstice: interrupted; nothing partial was kept.", file=sys.stderr)
        return 130


def _run(args) -> int:
    from .reference import load_reference

    root = project_root()
    if args.command == "packs":
        from .config import load_packs

        default, packs = load_packs(root)
        for name, spec in packs.items():
            mark = " (default)" if name == default else ""
            print(f"{name}{mark}: {spec.get('households')} households x {spec.get('months')} months from "
                  f"{spec.get('start')} - {spec.get('description', '')}")
        return 0

    ref = load_reference(root) if args.command in ("generate", "pack") else None
    overrides = {}
    if args.command in ("generate", "pack"):
        overrides = dict(households=args.households, months=args.months, start=args.start, seed=args.seed,
                         states=args.states, batch_size=args.batch_size, shard=args.shard,
                         defect_rate=args.defect_rate, sub_daily=args.sub_daily, known_states=ref.states)
    if args.command in ("release", "pack"):
        overrides["csv_compression"] = args.csv_compression
    config = resolve_pack(root, args.pack, **overrides)

    from . import build as builder
    from .generate import generate
    from .resources import check_disk_for_pack

    raw = work_dir(root) / "data" / "raw" / config.pack
    if args.command == "generate":
        generate(config, ref, Path(args.out) if args.out else raw, jobs=args.jobs, spark=args.spark)
    elif args.command == "build":
        months = [m.strip() for m in args.rebuild_months.split(",") if m.strip()] if args.rebuild_months else None
        builder.dbt_build(root, config.pack, Path(args.raw).resolve() if args.raw else raw, select=args.select,
                          selector=args.selector, sub_daily=args.sub_daily, rebuild_months=months,
                          target=args.target)
    elif args.command == "release":
        builder.release(root, config.pack, raw, csv_compression=config.csv_compression)
    elif args.command == "charts":
        builder.charts(root, config.pack)
    elif args.command == "validate":
        counts = builder.validate(root, config.pack, raw)
        return 1 if counts.get("fail", 0) or counts.get("tmy_fail", 0) else 0
    elif args.command == "pack":
        check_disk_for_pack(config.to_dict(), root)
        generate(config, ref, raw, jobs=args.jobs, spark=args.spark)
        builder.dbt_build(root, config.pack, raw)
        builder.release(root, config.pack, raw, csv_compression=config.csv_compression)
    return 0


if __name__ == "__main__":
    sys.exit(main())
