"""The device telemetry feed as the gateways deliver it: hourly readings of each active home, with the defects
real feeds carry, partitioned by the UTC month they arrived in (Arrow tables, one per partition).

Defects at `defect_rate` of readings, split by the shares in seeds/simulation_parameters.csv (process `feed`):
duplicates (retransmissions), gaps (readings never delivered), late rows (days after the hour, in a later
partition), spikes and negative readings (meter faults), and readings reported in Wh instead of kWh (older
firmware; the row says so in energy_unit). Staging repairs or quarantines them (models/staging/fleet).
Energy is metered in whole Wh (`metered_kwh`).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pyarrow as pa

from . import streams
from .load import END_USES

ENERGY_COLUMNS = ("solar", "load", "critical", "charge", "discharge", "grid_import", "grid_export")


@dataclasses.dataclass(frozen=True)
class FeedParameters:
    """seeds/simulation_parameters.csv, process `feed` (parameter names `feed_<field>`). The defect shares
    split `defect_rate` in this order: duplicate, gap, late, spike, negative; the rest are readings in Wh."""

    duplicate_share: float
    gap_share: float
    late_share: float
    spike_share: float
    negative_share: float
    arrival_delay_s: float  # a reading arrives this long after its hour starts
    retransmission_delay_s: float  # a duplicate copy arrives this long after its hour starts
    late_min_days: float  # late rows arrive this many days after the hour ...
    late_extra_days: float  # ... plus up to this many more
    spike_kwh: float  # the load a spiking meter reports
    negative_offset_kwh: float  # a negative reading is -(value) - this


def defect_bands(p: FeedParameters) -> np.ndarray:
    """The defects' consecutive bands of a reading's uniform draw, as shares of `defect_rate`: duplicate
    [b0, b1), gap [b1, b2), late [b2, b3), spike [b3, b4), negative [b4, b5), Wh [b5, 1)."""
    return np.cumsum([0.0, p.duplicate_share, p.gap_share, p.late_share, p.spike_share, p.negative_share])


def metered_kwh(batt: dict, end_uses: dict, h: np.ndarray, c: np.ndarray) -> dict[str, np.ndarray]:
    """The energy columns of the readings at (hour h, home c), float32 kWh in whole Wh: gateway meters count
    whole watt-hours (interval data is exchanged as integers, e.g. Green Button / NAESB ESPI readings in Wh,
    uom 72: https://www.greenbuttonalliance.org/poweroftenmultiplier).
    The five flows are rounded to the Wh and the load is their balance, so every reading balances exactly;
    the end uses split the load, and the critical circuits stay within `other`."""
    wh = {name: np.round(batt[name][h, c] * 1000).astype(np.float32)
          for name in ("solar", "charge", "discharge", "grid_import", "grid_export")}
    wh["load"] = wh["solar"] + wh["grid_import"] + wh["discharge"] - wh["charge"] - wh["grid_export"]
    # When only the critical circuits are served (an outage) they are the whole load, all of it in `other`.
    short = batt["load"][h, c] < sum(end_uses[name][h, c] for name in END_USES) - 1e-6
    for name in ("hvac", "water_heating", "ev"):
        wh[f"load_{name}"] = np.where(short, 0, np.round(end_uses[name][h, c] * 1000)).astype(np.float32)
    wh["load_other"] = np.maximum(wh["load"] - wh["load_hvac"] - wh["load_water_heating"] - wh["load_ev"], 0)
    critical = np.where(short, wh["load"], np.round(batt["critical"][h, c] * 1000))
    wh["critical"] = np.minimum(critical, wh["load_other"]).astype(np.float32)
    for values in wh.values():
        values /= np.float32(1000)
    return wh


def telemetry_partitions(keys: np.ndarray, ids: np.ndarray, active: np.ndarray, batt: dict, offline: np.ndarray,
                         end_uses: dict, epoch_us: np.ndarray, month_slices: dict[str, tuple[int, int]],
                         defect_rate: float, params: FeedParameters, seed: int) -> dict[str, pa.Table]:
    """Telemetry of the homes' `active` hours (hours x homes) as UTC month partition label -> Arrow table.
    `batt` holds the hourly energy flows, state of charge and health and grid state (controller.py);
    `end_uses` the load by end use (load.py); `offline` marks readings backfilled after the gateway was offline."""
    hours_total = len(epoch_us)
    cols, hours = np.nonzero(active.T)  # household-major, in time order
    n = len(cols)
    rate = defect_rate
    u = streams.uniform(seed, keys, "telemetry.defect", hours_total)[cols, hours] if rate else np.ones(n)
    b = defect_bands(params)
    duplicate, gap = u < b[1] * rate, (u >= b[1] * rate) & (u < b[2] * rate)
    late = (u >= b[2] * rate) & (u < b[3] * rate)
    spike, negative = (u >= b[3] * rate) & (u < b[4] * rate), (u >= b[4] * rate) & (u < b[5] * rate)
    in_wh = (u >= b[5] * rate) & (u < rate)

    copies = np.where(gap, 0, np.where(duplicate, 2, 1))
    row = np.repeat(np.arange(n), copies)
    second_copy = np.zeros(len(row), dtype=bool)
    second_copy[1:] = row[1:] == row[:-1]

    # Arrival: after the hour ends; a retransmitted copy an hour later; late rows days later.
    late_share = np.clip((u[row] / max(rate, 1e-12) - b[2]) / params.late_share, 0, 1)  # position in the band
    delay_s = np.where(second_copy, int(params.retransmission_delay_s), int(params.arrival_delay_s))
    delay_s = np.where(late[row], (params.late_min_days + params.late_extra_days * late_share) * 86400,
                       delay_s).astype(np.int64)
    del late_share, second_copy

    # Partition by arrival month: late rows land in the month they arrived (or the last partition). The rows
    # are put in partition order here, before their values are gathered, so no column is copied twice.
    labels = list(month_slices)
    month_of_hour = np.empty(hours_total, dtype=np.int16)
    for m, (h0, h1) in enumerate(month_slices.values()):
        month_of_hour[h0:h1] = m
    partition = month_of_hour[np.minimum(hours[row] + delay_s // 3600, hours_total - 1)]
    order = np.argsort(partition, kind="stable")
    bounds = np.searchsorted(partition[order], np.arange(len(labels) + 1))
    row, delay_s = row[order], delay_s[order]
    del partition, order
    c, h = cols[row], hours[row]
    received_us = epoch_us[h] + delay_s * 1_000_000

    energy = metered_kwh(batt, end_uses, h, c)
    wh = in_wh[row]
    # Defects touch few rows: change those in place rather than rewriting whole columns.
    energy["load"][spike[row]] = params.spike_kwh
    hit = np.flatnonzero(negative[row])
    energy["grid_import"][hit] = -energy["grid_import"][hit] - params.negative_offset_kwh
    hit = np.flatnonzero(wh)
    for values in energy.values():
        values[hit] = np.round(values[hit] * 1000)

    table = pa.table({
        "household_id": pa.DictionaryArray.from_arrays(pa.array(c, pa.int32()), pa.array(ids)),
        "interval_start_at": pa.array(epoch_us[h], pa.timestamp("us", tz="UTC")),
        "solar_kwh": energy["solar"],
        "load_kwh": energy["load"],
        "critical_load_kwh": energy["critical"],
        "load_hvac_kwh": energy["load_hvac"],
        "load_water_heating_kwh": energy["load_water_heating"],
        "load_ev_kwh": energy["load_ev"],
        "load_other_kwh": energy["load_other"],
        "battery_charge_kwh": energy["charge"],
        "battery_discharge_kwh": energy["discharge"],
        "state_of_charge_pct": pa.array(np.round(batt["soc"][h, c], 2).astype(np.float32), from_pandas=True),
        "battery_state_of_health_pct": pa.array(np.round(batt["soh"][h, c], 2).astype(np.float32), from_pandas=True),
        "grid_import_kwh": energy["grid_import"],
        "grid_export_kwh": energy["grid_export"],
        "grid_up_flag": batt["grid_up"][h, c],
        "quality_flag": pa.DictionaryArray.from_arrays(pa.array(offline[h, c].astype(np.int8)),
                                                       pa.array(["ok", "backfilled"])),
        "energy_unit": pa.DictionaryArray.from_arrays(pa.array(wh.astype(np.int8)), pa.array(["kWh", "Wh"])),
        "received_at": pa.array(received_us, pa.timestamp("us", tz="UTC")),
    })
    return {labels[m]: table.slice(bounds[m], bounds[m + 1] - bounds[m])
            for m in range(len(labels)) if bounds[m + 1] > bounds[m]}
