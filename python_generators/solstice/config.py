"""Pack configuration: named packs from `packs.yml`, overridden by command-line values, validated."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
from pathlib import Path

import yaml

from .errors import ConfigError

PROJECT_MARKER = "dbt_project.yml"


def project_root(start: Path | None = None) -> Path:
    """The repository root: the nearest folder holding dbt_project.yml, from `start` (cwd) upwards,
    falling back to the checkout this package was installed from."""
    candidates = [Path(start or Path.cwd()).resolve()]
    candidates.append(Path(__file__).resolve().parents[2])
    for base in candidates:
        for folder in (base, *base.parents):
            if (folder / PROJECT_MARKER).is_file():
                return folder
    raise ConfigError(
        "cannot find the Solstice project (no dbt_project.yml here or above). "
        "Run the command from inside your clone of the repository."
    )


def work_dir(root: Path) -> Path:
    """Where data/ (raw packs, DuckDB files) and release/ go: the project, or $SOLSTICE_WORKDIR."""
    return Path(os.environ.get("SOLSTICE_WORKDIR") or root).resolve()


CSV_COMPRESSIONS = ("none", "gzip")


@dataclasses.dataclass(frozen=True)
class PackConfig:
    """Everything that defines a pack. Same config and seed => byte-identical raw output."""

    pack: str
    households: int
    months: int
    start: str  # YYYY-MM, first local month of the pack
    seed: int
    states: tuple[str, ...] = ()  # empty = every state in seeds/territories.csv
    batch_size: int = 500
    shard: tuple[int, int] = (1, 1)  # (index, count): simulate only this contiguous block of households
    # Share of telemetry readings delivered with a defect real feeds have (duplicate, gap, late, spike,
    # negative reading, Wh instead of kWh); staging quarantines or repairs them. 0 gives a clean feed.
    defect_rate: float = 0.001
    # Build the sub-daily marts (hourly energy, dispatch intervals) too; the generator writes the same raw data.
    sub_daily: bool = False
    # How `solstice release` writes the CSV mirrors: plain <table>.csv ("none") or <table>.csv.gz ("gzip").
    csv_compression: str = "none"

    def household_numbers(self):
        """The household numbers (1-based) this run simulates: all, or this shard's contiguous block."""
        import numpy as np

        index, count = self.shard
        return np.array_split(np.arange(1, self.households + 1), count)[index - 1]

    @property
    def start_date(self) -> dt.date:
        year, month = (int(x) for x in self.start.split("-"))
        return dt.date(year, month, 1)

    @property
    def end_date(self) -> dt.date:
        """First local day after the pack (exclusive end)."""
        index = self.start_date.year * 12 + self.start_date.month - 1 + self.months
        return dt.date(index // 12, index % 12 + 1, 1)

    def to_dict(self) -> dict:
        out = dataclasses.asdict(self)
        out["states"] = list(self.states)
        out["shard"] = f"{self.shard[0]}/{self.shard[1]}"
        out["start_date"] = self.start_date.isoformat()
        out["end_date"] = self.end_date.isoformat()
        return out

    def dbt_vars(self, raw_dir: Path) -> dict:
        """The dbt vars this pack implies (the only place they are derived)."""
        return {
            "pack": self.pack,
            "raw_root": str(raw_dir),
            "pack_start_date": self.start_date.isoformat(),
            "pack_end_date": self.end_date.isoformat(),
            "sub_daily": self.sub_daily,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True)


def load_packs(root: Path) -> tuple[str, dict]:
    path = root / "packs.yml"
    try:
        doc = yaml.safe_load(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path} is missing: restore it from the repository (git checkout packs.yml).")
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML ({exc}). Fix the file or restore it with git.")
    if not isinstance(doc, dict) or not isinstance(doc.get("packs"), dict):
        raise ConfigError(f"{path} must have a top-level 'packs:' mapping of pack name to settings.")
    return doc.get("default_pack", "mvp"), doc["packs"]


def _as_int(name: str, value, minimum: int, example: int) -> int:
    if isinstance(value, bool):
        value = str(value)
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {value!r} (for example {name} {example}).")
    if number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {number} (for example {name} {example}).")
    return number


def resolve_pack(
    root: Path,
    pack: str | None = None,
    households=None,
    months=None,
    start=None,
    seed=None,
    states=None,
    batch_size=None,
    shard=None,
    defect_rate=None,
    sub_daily=None,
    csv_compression=None,
    known_states: set[str] | None = None,
) -> PackConfig:
    """A validated PackConfig: the named pack's settings with any given overrides applied."""
    default, packs = load_packs(root)
    name = pack or default
    if name not in packs:
        raise ConfigError(f"unknown pack {name!r}. Choose one of: {', '.join(sorted(packs))} (defined in packs.yml).")
    base = dict(packs[name])
    chosen = {
        "households": households if households is not None else base.get("households"),
        "months": months if months is not None else base.get("months"),
        "start": start if start is not None else base.get("start"),
        "seed": seed if seed is not None else base.get("seed", 42),
        "batch_size": batch_size if batch_size is not None else base.get("batch_size", 500),
    }
    n_households = _as_int("--households", chosen["households"], 1, 500)
    n_months = _as_int("--months", chosen["months"], 1, 12)
    if n_months > 120:
        raise ConfigError(f"--months must be at most 120 (ten years), got {n_months}; split longer runs by --start.")
    seed_value = _as_int("--seed", chosen["seed"], 0, 42)
    batch = _as_int("--batch-size", chosen["batch_size"], 1, 500)
    start_text = str(chosen["start"]).strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})", start_text)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise ConfigError(f"--start must be a month as YYYY-MM between 2000-01 and 2100-12 (for example --start 2025-01), "
                          f"got {start_text!r}.")
    if states is None:
        states = base.get("states", [])
    if isinstance(states, str):
        states = [s for s in states.split(",") if s.strip()]
    state_codes = tuple(sorted({s.strip().upper() for s in states}))
    if known_states is not None:
        unknown = sorted(set(state_codes) - known_states)
        if unknown:
            raise ConfigError(
                f"unknown state(s) {', '.join(unknown)}. The pack covers: {', '.join(sorted(known_states))} "
                "(add a territory to seeds/territories.csv to cover another state)."
            )
    rate_text = defect_rate if defect_rate is not None else base.get("defect_rate", 0.001)
    try:
        rate = float(str(rate_text).strip())
    except ValueError:
        raise ConfigError(f"--defect-rate must be a number between 0 and 0.2 (for example --defect-rate 0.001), "
                          f"got {rate_text!r}.")
    if not 0 <= rate <= 0.2:
        raise ConfigError(f"--defect-rate must be between 0 and 0.2 (for example --defect-rate 0.001), got {rate}.")
    shard_value = (1, 1)
    if shard not in (None, ""):
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(shard))
        if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
            raise ConfigError(f"--shard must be I/N with 1 <= I <= N (e.g. 2/4), got {shard!r}.")
        shard_value = (int(match.group(1)), int(match.group(2)))
        if shard_value[1] > n_households:
            raise ConfigError(f"--shard {shard} splits {n_households} households into more shards than households.")
    sub_daily_value = base.get("sub_daily", False) if sub_daily is None else sub_daily
    if not isinstance(sub_daily_value, bool):
        raise ConfigError(f"sub_daily of pack {name!r} in packs.yml must be true or false, got {sub_daily_value!r}.")
    compression = base.get("csv_compression", "none") if csv_compression is None else csv_compression
    if compression not in CSV_COMPRESSIONS:
        raise ConfigError(f"csv_compression of pack {name!r} must be one of {', '.join(CSV_COMPRESSIONS)}, "
                          f"got {compression!r}.")
    return PackConfig(
        pack=name,
        households=n_households,
        months=n_months,
        start=start_text,
        seed=seed_value,
        states=state_codes,
        batch_size=batch,
        shard=shard_value,
        defect_rate=rate,
        sub_daily=sub_daily_value,
        csv_compression=compression,
    )
