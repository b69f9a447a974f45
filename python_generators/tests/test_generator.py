"""The generator's physics and bookkeeping: energy conservation, battery and grid rules, PV and weather
against published references, and reproducibility."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from solstice.config import resolve_pack
from solstice.errors import ConfigError
from solstice.pv import PlaneCache
from solstice.generate import generate
from solstice.weather import build_territories
from solstice.world import Clock


@pytest.fixture(scope="module")
def telemetry(clean_raw, read_telemetry):
    """Physics is checked on what the devices measured (no feed defects; those are test_defects.py's)."""
    return read_telemetry(clean_raw)


@pytest.fixture(scope="module")
def batteries(clean_raw):
    return pd.read_parquet(clean_raw / "installs" / "battery_systems.parquet")


END_USE_COLUMNS = ["load_hvac_kwh", "load_water_heating_kwh", "load_ev_kwh", "load_other_kwh"]
METERED_COLUMNS = ["solar_kwh", "load_kwh", "critical_load_kwh", *END_USE_COLUMNS, "battery_charge_kwh",
                   "battery_discharge_kwh", "grid_import_kwh", "grid_export_kwh"]


def test_meters_count_whole_wh_and_every_hour_balances_exactly(telemetry):
    """Gateway meters count whole watt-hours: every energy value is a whole number of Wh, and in Wh each hour
    balances exactly (the load is the balance of the rounded flows, not rounded on its own)."""
    kwh = telemetry[METERED_COLUMNS].astype("float64")
    wh = (kwh * 1000).round()
    assert ((kwh * 1000 - wh).abs() < 1e-2).all().all()
    supply = wh.solar_kwh + wh.grid_import_kwh + wh.battery_discharge_kwh
    demand = wh.load_kwh + wh.grid_export_kwh + wh.battery_charge_kwh
    assert (supply == demand).all()
    assert (wh[END_USE_COLUMNS].sum(axis=1) == wh.load_kwh).all()  # the end uses split the load exactly


def test_meter_readings_are_physical(telemetry):
    for column in ("solar_kwh", "load_kwh", "critical_load_kwh", "battery_charge_kwh", "battery_discharge_kwh",
                   "grid_import_kwh", "grid_export_kwh"):
        assert telemetry[column].min() >= 0, column
    assert (telemetry.critical_load_kwh <= telemetry.load_kwh + 1e-4).all()
    assert telemetry.state_of_charge_pct.dropna().between(0, 100).all()
    # A battery never charges and discharges in the same hour, nor a home imports and exports at once.
    assert not ((telemetry.battery_charge_kwh > 0) & (telemetry.battery_discharge_kwh > 0)).any()
    assert not ((telemetry.grid_import_kwh > 0) & (telemetry.grid_export_kwh > 0)).any()


def test_end_uses_add_up_to_the_load(telemetry):
    """The end-use columns split load_kwh; during an outage only the critical circuits (in `other`) run."""
    end_uses = ["load_hvac_kwh", "load_water_heating_kwh", "load_ev_kwh", "load_other_kwh"]
    for column in end_uses:
        assert telemetry[column].min() >= 0, column
    assert (telemetry[end_uses].sum(axis=1) - telemetry.load_kwh).abs().max() < 1e-3
    down = ~telemetry.grid_up_flag
    assert (telemetry.loc[down, ["load_hvac_kwh", "load_water_heating_kwh", "load_ev_kwh"]].to_numpy() == 0).all()
    assert (telemetry.critical_load_kwh <= telemetry.load_other_kwh + 1e-3).all()


def test_homes_without_a_battery_never_use_one(telemetry, batteries):
    without = telemetry[~telemetry.household_id.isin(batteries.household_id)]
    assert len(without) > 0
    assert without.battery_charge_kwh.abs().max() == 0
    assert without.battery_discharge_kwh.abs().max() == 0


def test_state_of_charge_is_null_without_a_battery(clean_raw, telemetry, batteries):
    """A home without a battery has no state of charge: null, not 0 % (which a fleet average would count as an
    empty battery). A home with one reports it every hour. The column stays a float."""
    schema = ds.dataset(clean_raw / "fleet" / "telemetry_hourly", format="parquet", partitioning="hive").schema
    assert schema.field("state_of_charge_pct").type == pa.float32()
    with_battery = telemetry.household_id.isin(batteries.household_id)
    assert (~with_battery).any() and with_battery.any()
    assert telemetry.loc[~with_battery, "state_of_charge_pct"].isna().all()
    assert telemetry.loc[with_battery, "state_of_charge_pct"].notna().all()


def test_state_of_health_fades_with_use_and_is_null_without_a_battery(clean_raw, telemetry, batteries):
    """Batteries report their state of health (percent of nameplate, float) every hour; it only falls (no
    replacement ticket in the dev pack), older batteries report less of it, and a home without one reports null."""
    schema = ds.dataset(clean_raw / "fleet" / "telemetry_hourly", format="parquet", partitioning="hive").schema
    assert schema.field("battery_state_of_health_pct").type == pa.float32()
    with_battery = telemetry.household_id.isin(batteries.household_id)
    assert telemetry.loc[~with_battery, "battery_state_of_health_pct"].isna().all()
    soh = telemetry.loc[with_battery].sort_values(["household_id", "interval_start_at"])
    assert soh.battery_state_of_health_pct.notna().all() and soh.battery_state_of_health_pct.between(50, 100).all()
    tickets = pd.read_parquet(clean_raw / "support" / "service_tickets.parquet")
    assert not (tickets.equipment_replaced_flag & (tickets.issue_category == "battery_alert")).any()
    steps = soh.groupby("household_id", observed=True).battery_state_of_health_pct.diff().dropna()
    assert (steps <= 1e-6).all() and (steps < 0).any()  # it fades during the pack
    last = soh.groupby("household_id", observed=True).battery_state_of_health_pct.last()
    start = pd.Timestamp(json.loads((clean_raw / "_pack.json").read_text())["config"]["start_date"])
    age = (start - pd.to_datetime(batteries.set_index("household_id").install_date)).dt.days
    assert np.corrcoef(age.reindex(last.index.astype(str)), last)[0, 1] < -0.5  # older batteries hold less


def test_battery_hours_stay_within_power_rating(telemetry, batteries):
    merged = telemetry.merge(batteries[["household_id", "power_kw"]], on="household_id")
    assert len(merged) > 0
    assert (merged.battery_discharge_kwh <= merged.power_kw + 1e-3).all()
    assert (merged.battery_charge_kwh <= merged.power_kw + 1e-3).all()


def test_grid_outages_island_the_home(telemetry, batteries):
    down = telemetry[~telemetry.grid_up_flag]
    assert len(down) > 0, "the dev pack should contain outage hours"
    assert down.grid_import_kwh.max() == 0 and down.grid_export_kwh.max() == 0
    # Without a battery the home goes dark and the inverter shuts down (anti-islanding).
    dark = down[~down.household_id.isin(batteries.household_id)]
    assert dark.load_kwh.max() == 0 and dark.solar_kwh.max() == 0
    # With a battery only the critical circuits are served.
    backed = down[down.household_id.isin(batteries.household_id)]
    assert (backed.load_kwh <= backed.critical_load_kwh + 1e-4).all()


def test_solar_is_zero_at_night(clean_raw, telemetry):
    weather = pd.read_parquet(clean_raw / "grid" / "weather_hourly.parquet")
    dark_hours = set(weather.groupby("observed_at").ghi_w_m2.max().loc[lambda s: s == 0].index)
    night = telemetry[telemetry.interval_start_at.isin(dark_hours)]
    assert len(night) > 0
    assert night.solar_kwh.max() == 0


def test_accepted_dispatch_calls_discharge_the_battery(clean_raw, telemetry):
    calls = pd.read_parquet(clean_raw / "vpp" / "dispatch_calls.parquet")
    responses = pd.read_parquet(clean_raw / "vpp" / "device_responses.parquet")
    accepted = responses[responses.response_status == "accepted"].merge(calls, on="call_id")
    assert len(accepted) > 0
    first_hour = accepted[["household_id", "event_start_at"]].rename(columns={"event_start_at": "interval_start_at"})
    during = first_hour.merge(telemetry, on=["household_id", "interval_start_at"])
    # Batteries with charge above their reserve discharge in the first event hour.
    assert (during.battery_discharge_kwh > 0).mean() > 0.8


@pytest.fixture(scope="module")
def year_of_weather(root, reference):
    config = resolve_pack(root, "mvp")
    clock = Clock.for_pack(config, reference.territories.timezone.unique())
    return build_territories(config, clock, reference.territories, reference)


def test_weather_matches_nsrdb_annual_irradiation(reference, year_of_weather):
    # Reference: NREL NSRDB typical-year annual GHI per city (seed territories.nsrdb_annual_ghi_kwh_m2).
    for _, row in reference.territories.iterrows():
        world = year_of_weather[row.utility_territory]
        annual = (world.ghi * world.in_pack).sum() / 1000
        assert annual == pytest.approx(row.nsrdb_annual_ghi_kwh_m2, rel=0.10), row.city


def test_south_roof_yield_matches_pvwatts(reference, year_of_weather):
    # Reference: NREL PVWatts v8 annual AC yield of a 20 degree south-facing array with 14 % losses and
    # DC/AC 1.2 at each city (seed territories.pvwatts_kwh_per_kw). Only the irradiance was calibrated.
    for _, row in reference.territories.iterrows():
        world = year_of_weather[row.utility_territory]
        planes = PlaneCache({world.name: world}, reference.parameter("pv_temperature_coefficient_per_c"))
        dc = planes.get(world.name, np.array([20.0]), np.array([180.0]))[:, 0]
        ac = pvlib.inverter.pvwatts(dc.astype(float) * 0.86, pdc0=1 / 1.2 / 0.96, eta_inv_nom=0.96)
        annual = np.nansum(np.where(world.in_pack, ac, 0))
        assert annual == pytest.approx(row.pvwatts_kwh_per_kw, rel=0.10), row.city


def test_east_west_and_shaded_roofs_produce_less(reference, year_of_weather):
    world = year_of_weather["Saguaro Power & Light"]
    cache = PlaneCache({world.name: world}, reference.parameter("pv_temperature_coefficient_per_c"))
    planes = cache.get(world.name, np.array([22.6, 22.6, 22.6]), np.array([180.0, 90.0, 270.0]))
    south, east, west = (np.nansum(np.where(world.in_pack, planes[:, i], 0)) for i in range(3))
    assert 0.75 < (east + west) / 2 / south < 0.95  # PVWatts: east-west arrays give 12-18 % less


def digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_config_and_seed_give_identical_bytes(tmp_path, root, reference, dev_raw):
    config = resolve_pack(root, "dev", known_states=reference.states)
    generate(config, reference, tmp_path / "again", jobs=2)  # worker count must not matter
    assert digest(tmp_path / "again") == digest(dev_raw)


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_worker_start_method_does_not_change_a_byte(tmp_path, root, reference, start_method):
    """Batches of 10 homes in two worker processes, started by `fork` (inheriting the built world) or `spawn`
    (receiving it pickled), write the same files as the same batches simulated in this process."""
    if start_method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{start_method} is not available on this platform")
    config = resolve_pack(root, "dev", batch_size=10, known_states=reference.states)
    generate(config, reference, tmp_path / "one", jobs=1)
    generate(config, reference, tmp_path / start_method, jobs=2, start_method=start_method)
    one, pooled = digest(tmp_path / "one"), digest(tmp_path / start_method)
    assert sum(name.startswith("fleet/telemetry_hourly/") for name in one) >= 5  # several batches, really split
    assert pooled == one


def test_an_unknown_start_method_is_refused_before_any_work(tmp_path, root, reference, monkeypatch):
    monkeypatch.setenv("SOLSTICE_START_METHOD", "thread")
    config = resolve_pack(root, "dev", known_states=reference.states)
    with pytest.raises(ConfigError, match="SOLSTICE_START_METHOD"):
        generate(config, reference, tmp_path / "never", jobs=2)
    assert not (tmp_path / "never").exists()


def test_another_seed_gives_another_pack(tmp_path, root, reference, dev_raw, read_telemetry):
    config = resolve_pack(root, "dev", seed=7, known_states=reference.states)
    generate(config, reference, tmp_path / "seven", jobs=1)
    a = read_telemetry(dev_raw)
    b = read_telemetry(tmp_path / "seven")
    assert a.solar_kwh.sum() != pytest.approx(b.solar_kwh.sum(), rel=1e-6)


def test_shards_concatenate_to_the_whole_pack(tmp_path, root, reference, dev_raw, read_telemetry):
    whole = read_telemetry(dev_raw)
    parts = []
    for index in (1, 2, 3):
        config = resolve_pack(root, "dev", shard=f"{index}/3", known_states=reference.states)
        generate(config, reference, tmp_path / f"shard{index}", jobs=1)
        parts.append(read_telemetry(tmp_path / f"shard{index}"))
    sharded = pd.concat(parts, ignore_index=True)
    key = ["household_id", "interval_start_at"]
    columns = [c for c in whole.columns if c != "month"]
    left = whole[columns].astype({"household_id": str, "quality_flag": str}).sort_values(key).reset_index(drop=True)
    right = sharded[columns].astype({"household_id": str, "quality_flag": str}).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)
    households = pd.concat([pd.read_parquet(tmp_path / f"shard{i}" / "crm" / "households.parquet") for i in (1, 2, 3)])
    pd.testing.assert_frame_equal(households.reset_index(drop=True),
                                  pd.read_parquet(dev_raw / "crm" / "households.parquet"))
