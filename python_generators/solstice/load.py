"""Household electricity by end use, hour by hour: a bottom-up model of the house and what runs in it.

Inputs are explicit: hourly weather and the local calendar as (hours, homes) arrays, the homes' attributes as
(homes,) arrays, the state shares of fuels and appliances (seed `recs_end_use_by_state`, EIA RECS 2020) and the
calibration constants (seed `simulation_parameters`, process `load`). The output is hourly kWh per end use:

* ``hvac``           space cooling and heating: a one-node building (conductance from floor area and vintage,
                     solar and internal gains) served by equipment sized to the house, with a capacity limit and
                     an efficiency that falls with the outdoor temperature; fuel from the home's electrification
                     profile and the state's RECS shares (electric resistance, heat pump, or gas with a blower);
* ``water_heating``  hot-water draws by occupants heated by a resistance or heat-pump water heater (electric share
                     by state), delivered as element bursts;
* ``ev``             charging sessions from the car's daily miles, in one of three behaviours: plug in on arrival,
                     scheduled after the tariff's peak, or solar/smart charging in the middle of the day;
* ``other``          refrigeration, lighting, plug loads, pool pump, and discrete cooking, laundry and dishwasher
                     events; plug loads and lighting are lower where electricity is dear (the state's price);
* ``critical``       what the backed-up circuits carry (refrigeration, lighting, part of the plug load), within
                     ``other``.

Arrays are (hours, homes). Everything is vectorised across homes; only EV charging steps through days (the
car's unmet energy carries over).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from . import streams

# Relative hourly shapes (local hour 0-23), from NREL End-Use Load Profiles / ResStock 2021 typical weekday
# profiles of the end use (read approximately from the published national averages).
PLUG_WEEKDAY = np.array([0.55, 0.50, 0.48, 0.47, 0.48, 0.55, 0.75, 0.95, 0.90, 0.80, 0.75, 0.75,
                         0.78, 0.78, 0.80, 0.88, 1.00, 1.25, 1.45, 1.50, 1.40, 1.25, 1.00, 0.75])
PLUG_WEEKEND = np.array([0.60, 0.55, 0.50, 0.48, 0.48, 0.52, 0.62, 0.80, 0.98, 1.05, 1.05, 1.02,
                         1.00, 0.98, 0.98, 1.00, 1.08, 1.25, 1.42, 1.45, 1.38, 1.22, 1.02, 0.80])
HOT_WATER = np.array([0.30, 0.20, 0.15, 0.15, 0.25, 0.70, 1.80, 2.10, 1.70, 1.30, 1.10, 1.00,
                      0.95, 0.85, 0.80, 0.85, 1.00, 1.25, 1.45, 1.40, 1.25, 1.05, 0.80, 0.50])
COOKING = np.array([0.05, 0.02, 0.02, 0.02, 0.03, 0.10, 0.45, 0.80, 0.70, 0.45, 0.40, 0.75,
                    1.10, 0.70, 0.45, 0.55, 1.20, 2.60, 3.10, 2.00, 0.90, 0.45, 0.20, 0.10])
LAUNDRY = np.array([0.05, 0.02, 0.02, 0.02, 0.03, 0.10, 0.40, 0.90, 1.30, 1.60, 1.70, 1.60,
                    1.45, 1.35, 1.25, 1.20, 1.25, 1.30, 1.35, 1.35, 1.20, 0.90, 0.45, 0.15])
DISHWASHER = np.array([0.15, 0.08, 0.05, 0.05, 0.05, 0.08, 0.30, 0.60, 0.70, 0.55, 0.45, 0.45,
                       0.60, 0.70, 0.55, 0.45, 0.50, 0.75, 1.40, 2.60, 3.20, 2.80, 1.60, 0.60])
AWAKE = np.array([0.10, 0.05, 0.05, 0.05, 0.10, 0.35, 0.90, 1.00, 0.70, 0.45, 0.40, 0.40,
                  0.40, 0.40, 0.45, 0.55, 0.75, 1.00, 1.20, 1.30, 1.30, 1.15, 0.75, 0.30])
for _shape in (PLUG_WEEKDAY, PLUG_WEEKEND, HOT_WATER, COOKING, LAUNDRY, DISHWASHER, AWAKE):
    _shape /= _shape.mean()

TON_KW_TH = 3.517  # one ton of refrigeration, kW thermal
EV_BEHAVIOURS = ("arrival", "scheduled", "solar")
END_USES = ("hvac", "water_heating", "ev", "other")


@dataclasses.dataclass
class Homes:
    """The household attributes the load model reads, one entry per home."""
    keys: np.ndarray  # integer household keys (random streams)
    state: np.ndarray
    home_type: np.ndarray
    floor_area: np.ndarray  # sq ft
    year_built: np.ndarray
    occupants: np.ndarray
    has_ac: np.ndarray  # central air conditioning
    heat_pump: np.ndarray  # heat pump installed by the electrification programme
    full_electric: np.ndarray  # fully electrified home (induction cooking, heat-pump water heater, electric dryer)
    ev_owner: np.ndarray
    design_cool_c: np.ndarray  # cooling design temperature of the home's climate
    design_heat_c: np.ndarray  # heating design temperature
    peak_start: np.ndarray  # the tariff's peak window (local hours); EV scheduling avoids it
    peak_end: np.ndarray
    time_based: np.ndarray  # the tariff prices the peak (tou, demand_like)
    price_cents_per_kwh: np.ndarray  # the state's average residential price (discretionary use answers it)


@dataclasses.dataclass
class Weather:
    """Hourly weather and local calendar at each home, (hours, homes)."""
    temp_c: np.ndarray  # outdoor air temperature as the building feels it (lagged by its thermal mass)
    ghi_w_m2: np.ndarray  # global horizontal irradiance (daylight for lighting)
    ghi_lagged_w_m2: np.ndarray  # the same, lagged by the building's thermal mass (solar gains)
    local_hour: np.ndarray
    weekday: np.ndarray  # bool, Monday-Friday
    local_day: np.ndarray  # days since 1970-01-01, local
    local_month: np.ndarray


def design_temperatures(record_high_c: np.ndarray, record_low_c: np.ndarray, p) -> tuple[np.ndarray, np.ndarray]:
    """Cooling and heating design temperatures from the climate's records (ASHRAE 0.4 % / 99.6 % design
    conditions sit a few degrees inside the records)."""
    return (np.asarray(record_high_c) - p("load_design_cool_below_record_c"),
            np.asarray(record_low_c) + p("load_design_heat_above_record_c"))


class _Draws:
    """The homes' random streams for the load model, named by what they draw (streams.py)."""

    def __init__(self, seed: int, keys: np.ndarray):
        self.seed, self.keys = seed, keys

    def u(self, name, size=None):
        return streams.uniform(self.seed, self.keys, f"load.{name}", size)

    def z(self, name, size=None):
        return streams.normal(self.seed, self.keys, f"load.{name}", size)


def simulate(homes: Homes, weather: Weather, shares: pd.DataFrame, p, seed: int) -> dict[str, np.ndarray]:
    """Hourly kWh per end use (keys of END_USES, plus 'critical' within 'other'). ``p(name)`` reads a
    calibration constant; ``shares`` is the RECS seed indexed by state. Each end use is its own function, so
    its (hours, homes) temporaries are freed before the next one starts (they set a batch's peak memory)."""
    st = shares.reindex(homes.state)
    draw = _Draws(seed, homes.keys)
    hour = weather.local_hour.astype(np.int64)
    daily = _day_multiplier(weather, p, draw)
    # Nobody home on working weekdays in some homes: thermostats set up (cooling) or back (heating).
    away = weather.weekday & (hour >= 9) & (hour < 17) & (draw.u("away") < p("load_away_weekday_share"))[None, :]

    hvac = space_conditioning(homes, weather, st, p, draw, hour, away)
    water = water_heating(homes, weather, st, p, draw, hour, daily)
    other, critical = other_end_uses(homes, weather, st, p, draw, hour, daily)
    ev = ev_charging(homes, weather, p, seed)
    return {"hvac": hvac, "water_heating": water, "ev": ev, "other": other, "critical": critical}


def _day_multiplier(weather: Weather, p, draw: _Draws) -> np.ndarray:
    """Day-to-day behaviour (occupancy, guests, routines) moves the discretionary loads together."""
    day = weather.local_day.astype(np.int64)
    day0 = int(day.min())
    n_days = int(day.max() - day0 + 1)
    d_idx = day - day0
    day_mult = np.exp(p("load_day_sd") * draw.z("day", n_days) - 0.5 * p("load_day_sd") ** 2)  # (b, days)
    return np.take_along_axis(day_mult.T, d_idx, axis=0)


def space_conditioning(homes: Homes, weather: Weather, st: pd.DataFrame, p, draw: _Draws, hour: np.ndarray,
                       away: np.ndarray) -> np.ndarray:
    """Electricity for cooling and heating: a one-node building served by equipment sized to the house."""
    vintage = np.clip(homes.year_built, 1940, 2024)
    ua_per_sqft = np.clip(p("load_ua_w_per_k_sqft_1950") + (vintage - 1950) * p("load_ua_w_per_k_sqft_per_year"),
                          p("load_ua_w_per_k_sqft_min"), None)
    area = homes.floor_area.astype(float)
    ua = ua_per_sqft * area ** 0.9 * 2000 ** 0.1 / 1000.0 * np.exp(0.15 * draw.z("ua"))  # kW thermal per K
    internal = p("load_internal_gain_kw") + p("load_internal_gain_kw_per_person") * homes.occupants.astype(float)
    aperture = area * 0.0929 * p("load_solar_aperture_per_floor_m2")  # m2 of effective glazing
    solar = aperture[None, :] * weather.ghi_lagged_w_m2 / 1000.0
    cooling, cool_cap = _cooling(homes, weather.temp_c, st, p, draw, ua, internal, aperture, solar, away)
    heating = _heating(homes, weather.temp_c, st, p, draw, ua, internal, solar, hour, away, cool_cap)
    return cooling + heating


def _cooling(homes, temp, st, p, draw, ua, internal, aperture, solar, away) -> tuple[np.ndarray, np.ndarray]:
    """Air-conditioner electricity, and its capacity (an existing heat pump is the same unit)."""
    cool_set = p("load_cooling_setpoint_c") + st["cooling_setpoint_offset_c"].to_numpy() \
        + p("load_setpoint_sd_c") * draw.z("cool_set")
    cool_set = cool_set[None, :] + p("load_cooling_setup_away_c") * away
    latent = st["latent_cooling_factor"].to_numpy()
    cool_demand = np.clip(ua * (temp - cool_set) + solar + internal, 0, None) * latent[None, :]
    # Below the setpoint outdoors, people open windows rather than run the air conditioner.
    cool_demand = np.where(temp >= cool_set - p("load_window_ventilation_below_setpoint_c"), cool_demand, 0.0)

    # Equipment sized to the house at design conditions (Manual J/S style: design load + margin, half tons).
    design_cool = ua * (homes.design_cool_c - p("load_cooling_setpoint_c")) + internal + aperture * 0.6
    cool_cap = np.ceil(design_cool * latent * p("load_sizing_margin") / (TON_KW_TH / 2)) * (TON_KW_TH / 2)
    cool_cap = np.maximum(cool_cap, 1.5 * TON_KW_TH)
    # Equipment efficiency by the year the unit was installed (replaced every ~15-20 years, never before the house).
    installed = np.maximum(homes.year_built, 2025 - (draw.u("ac_age") * p("load_equipment_life_years")).astype(int))
    seer = np.select([installed >= 2023, installed >= 2015, installed >= 2006], [14.3, 14.0, 13.0], 10.0)
    cop_rated = seer * 0.875 * 0.293  # SEER -> EER (~0.875 SEER) -> W/W
    cop_cool = cop_rated[None, :] * np.clip(1 - p("load_cop_drop_per_c") * (temp - 35.0), 0.6, 1.3)
    cooling_th = np.minimum(cool_demand, cool_cap[None, :])
    return np.where(homes.has_ac[None, :], cooling_th / cop_cool, 0.0), cool_cap


def _heating(homes, temp, st, p, draw, ua, internal, solar, hour, away, cool_cap) -> np.ndarray:
    """Heating electricity: heat pump, resistance, or the blower of a gas (oil, propane) furnace."""
    heat_set = p("load_heating_setpoint_c") + p("load_setpoint_sd_c") * draw.z("heat_set")
    heat_set = heat_set[None, :] - p("load_heating_setback_night_c") * ((hour < 6) | (hour >= 23)) \
        - p("load_heating_setback_night_c") * away
    heat_demand = np.clip(ua * (heat_set - temp) - 0.6 * solar - internal, 0, None)
    design_heat = ua * np.maximum(p("load_heating_setpoint_c") - homes.design_heat_c, 0)
    heat_cap = np.maximum(design_heat * p("load_sizing_margin"), p("load_min_heating_kw"))

    # Heating fuel: the programme's heat pumps; otherwise electric (resistance or an existing heat pump) at the
    # state's RECS share, else gas (or oil/propane) with an electric blower.
    electric = homes.heat_pump | (draw.u("heat_fuel") < st["electric_heating_share"].to_numpy())
    resistance = ~homes.heat_pump & electric \
        & (draw.u("heat_resistance") < st["resistance_share_of_electric"].to_numpy())
    hp = electric & ~resistance
    # Programme heat pumps are cold-climate units sized to the heating load; existing ones to the cooling load.
    hp_rated = np.where(homes.heat_pump, np.maximum(cool_cap, p("load_hp_heating_sizing_share") * design_heat), cool_cap)
    derate = np.where(homes.heat_pump, p("load_cchp_capacity_per_c"), p("load_hp_capacity_per_c"))
    hp_cap = hp_rated[None, :] * np.clip(1 + derate[None, :] * (temp - 8.3), 0.4, 1.1)
    # COP linear in outdoor temperature through the NEEP rating points (-15 C and 8 C), held above 1.5 below them.
    cop_cold, cop_mild = p("heat_pump_cop_at_minus_15c"), p("heat_pump_cop_at_8c")
    cop_hp = np.clip(cop_cold + (cop_mild - cop_cold) * (temp + 15.0) / 23.0, 1.5, cop_mild + 0.5)
    hp_th = np.minimum(heat_demand, hp_cap)
    hp_kw = hp_th / cop_hp + np.minimum(heat_demand - hp_th, heat_cap[None, :])  # backup strips at COP 1
    resist_kw = np.minimum(heat_demand, heat_cap[None, :])
    blower_kw = p("load_furnace_blower_kw") * np.clip(heat_demand / np.maximum(heat_cap, 1e-6)[None, :], 0, 1)
    return np.where(hp[None, :], hp_kw, np.where(resistance[None, :], resist_kw, blower_kw))


def water_heating(homes: Homes, weather: Weather, st: pd.DataFrame, p, draw: _Draws, hour: np.ndarray,
                  daily: np.ndarray) -> np.ndarray:
    """Hot-water draws heated by a resistance or heat-pump water heater, delivered as element bursts."""
    H = hour.shape[0]
    electric_wh = homes.full_electric | (draw.u("wh_fuel") < st["electric_water_heating_share"].to_numpy())
    wh_cop = np.where(homes.full_electric, p("load_hpwh_cop"), p("load_resistance_wh_efficiency"))
    wh_kw = np.where(homes.full_electric, p("load_hpwh_kw"), p("load_resistance_wh_kw"))
    inlet_factor = np.clip(1 + 0.02 * (18.0 - weather.temp_c), 0.7, 1.5)  # colder mains water needs more heat
    occ = homes.occupants.astype(float)
    wh_daily_th = (p("load_hot_water_kwh_th_base") + p("load_hot_water_kwh_th_per_person") * occ) \
        * np.exp(0.25 * draw.z("hot_water"))
    expected = wh_daily_th[None, :] * HOT_WATER[hour] / 24.0 * inlet_factor * daily / wh_cop[None, :]
    # The element runs in bursts at its rated power: the hour's expected energy as a chance of a burst.
    burst = wh_kw * p("load_wh_burst_hours")
    fire = draw.u("wh_burst", H).T < np.minimum(expected / burst[None, :], 1.0)
    return np.where(electric_wh[None, :],
                    np.where(fire, np.maximum(burst[None, :], expected), 0.0) + p("load_wh_standby_kw"), 0.0)


def other_end_uses(homes: Homes, weather: Weather, st: pd.DataFrame, p, draw: _Draws, hour: np.ndarray,
                   daily: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Refrigeration, lighting, plug loads, pool pump and appliance cycles; and the critical (backed-up) part."""
    area = homes.floor_area.astype(float)
    occ = homes.occupants.astype(float)
    # Discretionary use answers the state's price: Massachusetts and Hawaii homes use less than Texas homes.
    price_response = (homes.price_cents_per_kwh / p("load_price_reference_cents_per_kwh")) ** p("load_price_elasticity")
    fridge_kwh = p("load_refrigerator_kwh") * (1 + (draw.u("fridge2") < p("load_second_fridge_share")))
    fridge = (fridge_kwh / 8760.0)[None, :] * np.clip(1 + 0.01 * (weather.temp_c - 20.0), 0.85, 1.2)
    dark = np.clip(1 - weather.ghi_w_m2 / 200.0, 0.15, 1.0)
    lighting_kwh = p("load_lighting_kwh_per_sqft") * area * np.exp(0.3 * draw.z("lighting")) * price_response
    light_shape = AWAKE[hour] * dark
    lighting = (lighting_kwh / 8760.0)[None, :] * light_shape / 0.55 * daily  # ~0.55 = mean of the shape
    del dark, light_shape
    plug = _plug_load(weather, p, draw, hour, daily, area, occ, price_response)
    other = fridge + lighting + plug
    for cycles in _appliance_cycles(homes, weather, st, p, draw, hour, occ):
        other += cycles
    other += _pool_pump(homes, weather, st, p, draw, hour)
    critical_share = 0.35 + 0.2 * draw.u("critical")
    critical = np.minimum(fridge + lighting + critical_share[None, :] * plug, other)
    return other, critical


def _plug_load(weather, p, draw, hour, daily, area, occ, price_response) -> np.ndarray:
    """Plug loads: a standby floor plus the household's daily rhythm (shifted by up to an hour), hour to hour noise."""
    H = hour.shape[0]
    plug_kwh = (p("load_plug_kwh_base") + p("load_plug_kwh_per_person") * occ
                + p("load_plug_kwh_per_sqft") * area) * np.exp(0.3 * draw.z("plug")) * price_response
    shift = np.round(2 * (draw.u("shift") - 0.5)).astype(int)
    shifted = (hour + shift[None, :]) % 24
    plug_shape = np.where(weather.weekday, PLUG_WEEKDAY[shifted], PLUG_WEEKEND[shifted])
    del shifted
    standby = p("load_plug_standby_share")
    noise = np.exp(0.35 * draw.z("plug_hour", H).T - 0.06125)
    return (plug_kwh / 8760.0)[None, :] * (standby + (1 - standby) * plug_shape * daily * noise)


def _appliance_cycles(homes, weather, st, p, draw, hour, occ):
    """Cooking, dryer and dishwasher cycles, one end use at a time: a cycle starts in an hour with probability
    rate x shape; its energy lands in that hour (dryers, ovens and dishwashers run 45-90 minutes at 1-5 kW)."""
    H = hour.shape[0]

    def events(name, owns, per_day, shape, kwh_lo, kwh_hi):
        rate = per_day[None, :] * shape[hour] / 24.0 * np.where(weather.weekday, 1.0, 1.15)
        hit = draw.u(name, H).T < np.minimum(rate, 1.0)
        energy = kwh_lo + (kwh_hi - kwh_lo) * draw.u(name + "_kwh", H).T
        return np.where(owns[None, :] & hit, energy, 0.0)

    electric_cook = homes.full_electric | (draw.u("cook_fuel") < st["electric_cooking_share"].to_numpy())
    electric_dry = homes.full_electric | (draw.u("dry_fuel") < st["electric_dryer_share"].to_numpy())
    occ_scale = (occ / 2.5) ** 0.6
    yield events("cook", electric_cook, p("load_cooking_events_per_day") * occ_scale, COOKING,
                 p("load_cooking_kwh_min"), p("load_cooking_kwh_max"))
    yield events("dryer", electric_dry, p("load_dryer_loads_per_day") * occ_scale, LAUNDRY,
                 p("load_dryer_kwh_min"), p("load_dryer_kwh_max"))
    yield events("dish", draw.u("dish_owner") < p("load_dishwasher_share"),
                 p("load_dishwasher_loads_per_day") * occ_scale, DISHWASHER, 0.9, 1.5)


def _pool_pump(homes, weather, st, p, draw, hour) -> np.ndarray:
    """Pool pumps of single-family homes: a daily run from late morning, longer in summer."""
    has_pool = (homes.home_type == "single_family") & (draw.u("pool") < st["pool_share_single_family"].to_numpy())
    summer = (weather.local_month >= 5) & (weather.local_month <= 9)
    run_hours = np.where(summer, p("load_pool_hours_summer"), p("load_pool_hours_winter"))
    pool_start = (9 + 2 * draw.u("pool_start")).astype(int)[None, :]
    return np.where(has_pool[None, :] & (hour >= pool_start) & (hour < pool_start + run_hours),
                    p("load_pool_pump_kw"), 0.0)


def ev_charging(homes: Homes, weather: Weather, p, seed: int) -> np.ndarray:
    """Hourly EV charging (hours, homes). Energy comes from the miles driven: each day adds miles x kWh/mile x
    the home-charged share to what the car needs; on days it is plugged in the charger delivers what is needed
    (up to the charger's power for the hours available). When depends on the owner's behaviour."""
    hour = weather.local_hour.astype(np.int64)
    day = weather.local_day.astype(np.int64)
    H, b = hour.shape
    ev = np.zeros((H, b))
    owners = np.flatnonzero(homes.ev_owner)
    if not len(owners):
        return ev
    k = homes.keys[owners]
    day0 = int(day.min())
    n_days = int(day.max() - day0 + 1)

    def u(name, size=None):
        return streams.uniform(seed, k, f"ev.{name}", size)

    miles = p("ev_daily_miles_median") * np.exp(p("ev_daily_miles_sd") * streams.normal(seed, k, "ev.miles"))
    dow = (np.arange(n_days) + day0 + 3) % 7  # 1970-01-01 was a Thursday: 0 = Monday
    weekend = dow >= 5
    day_miles = miles[:, None] * np.exp(0.6 * streams.normal(seed, k, "ev.day_miles", n_days) - 0.18) \
        * np.where(weekend, 0.8, 1.0)[None, :]
    need = day_miles * p("ev_kwh_per_mile") * p("ev_home_charging_share")
    level1 = u("level1") < p("ev_level1_share")
    power = np.where(level1, p("ev_level1_kw"), p("ev_level2_kw"))
    w = np.array([p("ev_share_arrival"), p("ev_share_scheduled"), p("ev_share_solar")])
    behaviour = streams.choice(u("behaviour"), w)
    plug_in = u("plug", n_days) < p("ev_plug_in_daily_probability")

    # Start hour per day: on arrival (weekday evenings, weekend afternoons); after the tariff's peak (or at
    # 23 h without a priced peak); solar chargers at midday on days the car is home, else after the peak.
    j_peak_end = homes.peak_end[owners]
    after_peak = np.where(homes.time_based[owners], j_peak_end, 23)[:, None] + (u("sched_jitter", n_days) < 0.3)
    arrival = np.where(weekend[None, :], 11 + 8 * u("arrive_we", n_days), 16.5 + 4 * u("arrive", n_days))
    home_midday = weekend[None, :] | (u("home_midday", n_days) < p("ev_solar_weekday_home_share"))
    midday = 10 + 2 * u("midday", n_days)
    start = np.select([behaviour[:, None] == 0, behaviour[:, None] == 1],
                      [arrival, after_peak], np.where(home_midday, midday, after_peak)).astype(int) % 24
    # Hours available before the car leaves again: until ~7 h next morning for evening starts, 6 h at midday.
    window = np.where(start >= 12, 31 - start, 6)
    window = np.where(start < 7, 7 - start, window)

    energy = np.zeros((len(owners), n_days))
    deficit = np.zeros(len(owners))
    for d in range(n_days):
        deficit = deficit + need[:, d]
        delivered = np.where(plug_in[:, d], np.minimum(deficit, power * window[:, d]), 0.0)
        energy[:, d] = delivered
        deficit = np.minimum(deficit - delivered, p("ev_battery_kwh"))

    hr = hour[:, owners]
    di = day[:, owners] - day0
    for back in (0, 1):  # a session started today, or yesterday and running past midnight
        dd = di - back
        ok = dd >= 0
        dd = np.maximum(dd, 0)
        s = np.take_along_axis(start.T, dd, axis=0)
        e = np.take_along_axis(energy.T, dd, axis=0)
        since = hr + 24 * back - s
        ev[:, owners] += np.where(ok & (since >= 0), np.clip(e - power[None, :] * since, 0, power[None, :]), 0.0)
    return ev


def lagged(x: np.ndarray, alpha: float) -> np.ndarray:
    """Exponential smoothing along the last axis (hours): how a building's thermal mass delays the weather."""
    out = np.empty_like(x, dtype=float)
    out[..., 0] = x[..., 0]
    for h in range(1, x.shape[-1]):
        out[..., h] = (1 - alpha) * out[..., h - 1] + alpha * x[..., h]
    return out
