"""Reference speed: household-years per second that NREL PySAM simulates on this machine, all cores.

The same kind of work the generator does per home-year -- hourly PV, a behind-the-meter battery, the grid
and the utility bill for one year -- chained the way SAM's "PVWatts Battery Residential" case chains it,
with that case's default inputs (the defaults' residential load, 12.5 kWh / 5 kW battery, 4-period rate):

    PySAM.Pvwattsv8      PVWatts v8, hourly, from a weather data dict (SolarResource.solar_resource_data)
    PySAM.Battwatts      the battery of that case: SSC's lithium-ion battery model with PVWatts-style inputs
                         (or, with --battery detailed, PySAM.Battery with its "CustomGenerationBatteryResidential"
                         defaults, since PySAM.Battery ships no "PVWattsBatteryResidential" defaults)
    PySAM.Grid           grid interconnection
    PySAM.Utilityrate5   the bills with and without the system

The weather is one synthetic year for Phoenix (pvlib clear-sky irradiance, sinusoidal temperature), built
once per worker, so nothing is downloaded. Each home gets its own PV size, tilt, azimuth and load scale.

    pip install -e '.[benchmark]'        # nrel-pysam (`make benchmark` installs it too)
    .venv/bin/python benchmarks/pysam_reference.py --homes 40 [--jobs 2] [--battery battwatts|detailed]
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import threading
import time
import traceback

CONFIG = "PVWattsBatteryResidential"
LAT, LON, TZ, ELEV = 33.45, -112.07, -7, 331  # Phoenix, as in seeds/territories.csv; Arizona keeps MST all year

_chain = None  # this worker's (Pvwattsv8, battery, Grid, Utilityrate5), sharing one data table
_base_load = None


def phoenix_weather(year: int = 2025) -> dict:
    """One plausible hourly year as a PySAM solar resource dict (local standard time, mid-hour stamps)."""
    import numpy as np
    import pandas as pd
    import pvlib

    site = pvlib.location.Location(LAT, LON, tz=f"Etc/GMT+{-TZ}", altitude=ELEV)
    times = pd.date_range(f"{year}-01-01", periods=8760, freq="h", tz=site.tz)
    sky = site.get_clearsky(times + pd.Timedelta(minutes=30))  # clear sky: cost does not depend on clouds
    day, hour = times.day_of_year.to_numpy(), times.hour.to_numpy()
    # Phoenix: ~24 C mean, ~10 C seasonal and ~7 C daily swing, warmest mid-July and mid-afternoon
    tdry = 24 + 10 * np.sin(2 * np.pi * (day - 105) / 365) + 7 * np.sin(2 * np.pi * (hour - 9) / 24)
    return {
        "lat": LAT, "lon": LON, "tz": TZ, "elev": ELEV,
        "year": times.year.tolist(), "month": times.month.tolist(), "day": times.day.tolist(),
        "hour": times.hour.tolist(), "minute": [30] * 8760,
        "dn": sky["dni"].tolist(), "df": sky["dhi"].tolist(), "gh": sky["ghi"].tolist(),
        "tdry": tdry.round(1).tolist(), "wspd": [2.5] * 8760,
    }


def _init_worker(battery: str, ready) -> None:
    """Load PySAM, the weather and the defaults once per process; the clock starts after every worker is here."""
    global _chain, _base_load
    import PySAM.Battery
    import PySAM.Battwatts
    import PySAM.Grid
    import PySAM.Pvwattsv8
    import PySAM.Utilityrate5

    try:
        pv = PySAM.Pvwattsv8.default(CONFIG)
        pv.SolarResource.solar_resource_data = phoenix_weather()
        if battery == "battwatts":
            batt = PySAM.Battwatts.from_existing(pv, CONFIG)
        else:
            batt = PySAM.Battery.from_existing(pv, "CustomGenerationBatteryResidential")
        grid = PySAM.Grid.from_existing(pv, CONFIG)
        bill = PySAM.Utilityrate5.from_existing(pv, CONFIG)
        # One household-year: the defaults bill 25 years (and the detailed battery simulates all 25,
        # replacing itself), which is not what the generator does per home-year. The data table is shared.
        pv.value("analysis_period", 1)
        pv.value("system_use_lifetime_output", 0)
        if battery == "detailed":
            batt.value("batt_replacement_option", 0)  # replacements need a lifetime run
        _chain = (pv, batt, grid, bill)
        _base_load = batt.value("load")
    except BaseException:
        traceback.print_exc()  # before the parent, freed by abort(), terminates this process
        ready.abort()  # the parent would otherwise wait for this worker forever
        raise
    ready.wait()


def _simulate_home(home: int) -> float:
    """One home-year. The modules are reused: every run overwrites the outputs the next module reads."""
    import numpy as np

    pv, batt, grid, bill = _chain
    rng = np.random.default_rng(home)
    pv.value("system_capacity", rng.uniform(4.0, 12.0))  # kW DC
    pv.value("tilt", rng.uniform(10.0, 35.0))
    pv.value("azimuth", rng.uniform(135.0, 225.0))
    batt.value("load", (np.asarray(_base_load) * rng.uniform(0.7, 1.4)).tolist())
    for module in _chain:
        module.execute()
    return bill.Outputs.utility_bill_w_sys_year1


def pysam_household_years_per_second(n_homes: int = 40, jobs: int | None = None, battery: str = "battwatts") -> dict:
    """Simulate n_homes PV + battery + bill years with PySAM across `jobs` processes (default: every core)."""
    try:
        import PySAM.Pvwattsv8  # noqa: F401  (lazy: PySAM is only an optional benchmark dependency)
    except ImportError as error:
        raise RuntimeError("PySAM is not installed: run `pip install -e '.[benchmark]'` "
                           "(or `make benchmark`, which installs it)") from error
    jobs = jobs or os.cpu_count() or 1
    if n_homes < 1 or jobs < 1 or battery not in ("battwatts", "detailed"):
        raise ValueError("need n_homes >= 1, jobs >= 1 and battery 'battwatts' or 'detailed'")

    ready = multiprocessing.Barrier(jobs + 1)
    with multiprocessing.Pool(jobs, initializer=_init_worker, initargs=(battery, ready)) as pool:
        try:
            ready.wait()  # measure simulation only, not interpreter start-up, imports or building the weather
        except threading.BrokenBarrierError:
            raise RuntimeError("a worker could not set up PySAM (its traceback is above)") from None
        started = time.perf_counter()
        bills = pool.map(_simulate_home, range(n_homes), chunksize=1)
        wall = time.perf_counter() - started
    if not all(map(math.isfinite, bills)):
        raise RuntimeError("PySAM returned a non-finite bill: the benchmark's inputs are broken")
    return {"household_years": n_homes, "wall_s": wall, "household_years_per_s": n_homes / wall, "jobs": jobs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--homes", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: every core)")
    parser.add_argument("--battery", choices=("battwatts", "detailed"), default="battwatts")
    args = parser.parse_args()
    result = pysam_household_years_per_second(args.homes, args.jobs, args.battery)
    print(f"PySAM {CONFIG} ({args.battery} battery), {result['jobs']} processes")
    print(f"household-years            {result['household_years']:8d}")
    print(f"wall s                     {result['wall_s']:8.2f}")
    print(f"household-years / s        {result['household_years_per_s']:8.1f}")


if __name__ == "__main__":
    main()
