"""How customers come: adoption timing, marketing journeys and their cost.

Three steps, each a pure function of the arrays passed in (no Population attributes):

* `territory_adoption` turns the seeds into each territory's adoption drivers: the value of a kWh of solar under its
  tariffs, the state incentive, the simple payback of a system, and the Bass diffusion coefficients that follow.
* `adoption_days` draws each customer's signing day from its territory's Bass diffusion curve (Bass 1969): the
  hazard p + q F(t) has an innovation term p and an imitation term q F(t), where F is the share of the territory's
  market already adopted - the installed base nearby, which raises adoption (peer effects: Bollinger & Gillingham
  2012). Shorter paybacks (bill savings, incentives) scale p and q up (NREL dGen's payback-driven adoption,
  Sigrin et al. 2016), so a territory that pays better adopts earlier and its book is older.
* `plan_journeys` lays out each customer's touches before signature: a first touch that opened the lead (often
  another channel than the one that converts), nurture touches, and the converting touch; `touch_costs` prices them
  (media or lead cost per touch, plus the commission, partner fee or referral bonus booked on the converting touch).

All draws come in as arrays from counter-based streams, so a household comes out the same alone or in a shard.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from . import streams

DAYS_PER_YEAR = 365.25


# ------------------------------------------------------------------------------------------------ adoption
@dataclasses.dataclass(frozen=True)
class AdoptionParameters:
    """Calibration of the adoption process (seeds/simulation_parameters.csv, process `customers`)."""

    bass_p: float  # innovation coefficient per year at the reference payback
    bass_q: float  # imitation coefficient per year at the reference payback
    payback_reference_years: float  # payback at which p and q take their base values
    payback_elasticity: float  # p, q scale as (reference / payback) ** elasticity
    speed_min: float  # bounds of that scale
    speed_max: float
    market_start_day: int  # day number (since 1970-01-01) the territories' diffusion clock starts
    installed_cost_usd_per_w: float
    federal_credit_share: float
    self_consumed_share: float  # share of PV output used in the home (valued at retail), the rest exported

    @classmethod
    def from_reference(cls, ref) -> "AdoptionParameters":
        p = ref.parameter
        return cls(
            bass_p=p("adoption_bass_innovation_per_year"),
            bass_q=p("adoption_bass_imitation_per_year"),
            payback_reference_years=p("adoption_payback_reference_years"),
            payback_elasticity=p("adoption_payback_elasticity"),
            speed_min=p("adoption_speed_min"),
            speed_max=p("adoption_speed_max"),
            market_start_day=int(p("adoption_market_start_day")),
            installed_cost_usd_per_w=p("adoption_installed_cost_usd_per_w"),
            federal_credit_share=p("adoption_federal_credit_share"),
            self_consumed_share=p("adoption_self_consumed_share"),
        )


def territory_adoption(territories: pd.DataFrame, tariffs: pd.DataFrame, incentives: pd.DataFrame,
                       params: AdoptionParameters) -> pd.DataFrame:
    """One row per territory (in `territories` order): value of solar, payback and Bass coefficients.

    value_usd_per_kwh: plan-share-weighted value of a PV kWh - self-consumed kWh at the average retail rate (a quarter
    of hours at the peak rate), exported kWh at the export rate unless the plan nets at retail (net metering).
    annual_savings_usd_per_kw = PVWatts yield x that value; payback = net installed cost (after the federal credit
    and the state incentive) / annual savings.
    """
    plans = tariffs.copy()
    retail = 0.25 * (plans["summer_peak_rate"] + plans["winter_peak_rate"]) / 2 + 0.75 * plans["offpeak_rate"]
    export = np.where(plans["export_regime"] == "net_metering", retail, plans["net_billing_export_rate"])
    s = params.self_consumed_share
    plans["value"] = (s * retail + (1 - s) * export) * plans["plan_share"]
    value = plans.groupby("utility_territory")["value"].sum() / plans.groupby("utility_territory")["plan_share"].sum()

    out = territories[["utility_territory", "state", "pvwatts_kwh_per_kw"]].reset_index(drop=True).copy()
    out["value_usd_per_kwh"] = out["utility_territory"].map(value).to_numpy()
    out["annual_savings_usd_per_kw"] = out["pvwatts_kwh_per_kw"] * out["value_usd_per_kwh"]
    incentive = incentives.set_index("state")["incentive_usd_per_w"]
    out["incentive_usd_per_w"] = out["state"].map(incentive).fillna(0.0).to_numpy()
    net_cost_per_kw = 1000 * (params.installed_cost_usd_per_w * (1 - params.federal_credit_share)
                              - out["incentive_usd_per_w"])
    out["payback_years"] = np.maximum(net_cost_per_kw, 0.0) / out["annual_savings_usd_per_kw"]
    speed = np.clip((params.payback_reference_years / np.maximum(out["payback_years"], 0.5))
                    ** params.payback_elasticity, params.speed_min, params.speed_max)
    out["adoption_speed"] = speed
    out["bass_p"] = params.bass_p * speed
    out["bass_q"] = params.bass_q * speed
    return out


def bass_cdf(t, p, q):
    """Bass cumulative adoption share F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}), t in years (>= 0)."""
    e = np.exp(-(np.asarray(p) + q) * np.maximum(t, 0.0))
    return (1 - e) / (1 + (q / np.asarray(p)) * e)


def bass_inverse(f, p, q):
    """The time t (years) at which the Bass curve reaches share f (0 <= f < 1)."""
    f = np.asarray(f, dtype=float)
    x = (1 - f) / (1 + (q / np.asarray(p)) * f)
    return -np.log(x) / (np.asarray(p) + q)


def adoption_days(bass_p: np.ndarray, bass_q: np.ndarray, u: np.ndarray, first_day: int, last_day: int,
                  market_start_day: int) -> np.ndarray:
    """Each customer's signing day: a draw from its territory's Bass adoption density between first_day and last_day.

    bass_p, bass_q: per household (its territory's coefficients); u: uniform(0,1) per household. The draw is the
    inverse of the Bass curve restricted to the window, so customers sign when their territory's adoption hazard
    (innovation + imitation of the installed base) puts them.
    """
    t0 = (first_day - market_start_day) / DAYS_PER_YEAR
    t1 = (last_day - market_start_day) / DAYS_PER_YEAR
    f0, f1 = bass_cdf(t0, bass_p, bass_q), bass_cdf(t1, bass_p, bass_q)
    t = bass_inverse(f0 + u * (f1 - f0), bass_p, bass_q)
    days = market_start_day + np.floor(t * DAYS_PER_YEAR).astype(np.int64)
    return np.clip(days, first_day, last_day - 1)


# ------------------------------------------------------------------------------------------------ journeys
def conversion_days(median: np.ndarray, sigma: np.ndarray, z: np.ndarray, max_days: int = 365) -> np.ndarray:
    """Lead-to-signature days: lognormal around the campaign's median (at least 1 day)."""
    return np.clip(np.round(median * np.exp(sigma * z)), 1, max_days).astype(np.int64)


def geometric(u: np.ndarray, mean) -> np.ndarray:
    """Geometric count on {0, 1, ...} with the given mean, by inversion of uniform draws."""
    mean = np.asarray(mean, dtype=float)
    rho = mean / (1 + mean)
    with np.errstate(divide="ignore"):
        k = np.floor(np.log(u) / np.log(np.where(rho > 0, rho, 0.5)))
    return np.where(rho > 0, k, 0).astype(np.int64)


@dataclasses.dataclass
class Journeys:
    """Touches per customer, as (households x max_touches) arrays; entries at j >= count are unused."""

    count: np.ndarray  # touches per customer (>= 1)
    campaign: np.ndarray  # row of the channel table per touch; the last used touch is the converting campaign
    day: np.ndarray  # local day number of each touch
    hour: np.ndarray  # local hour (float) of each touch, increasing within a customer

    @property
    def first_campaign(self) -> np.ndarray:
        return self.campaign[:, 0]


def plan_journeys(channels: pd.DataFrame, converting: np.ndarray, signed_day: np.ndarray, conversion: np.ndarray,
                  draws: dict[str, np.ndarray], max_touches: int = 10, close_gap_mean_days: float = 2.0) -> Journeys:
    """Lay out each customer's touches.

    channels: the campaign table (channel, touches_mean, same_origin_share, first_touch_weight).
    converting: campaign row that converts each customer; signed_day, conversion: signing day and lead-to-sign days.
    draws (uniform arrays): count, origin, origin_pick, mid (n x max_touches), gap, mid_pick (n x max_touches),
    hour (n x max_touches).
    The first touch opens the lead `conversion` days before signature; with probability `same_origin_share` it comes
    from the converting campaign, otherwise from another channel's campaign picked by `first_touch_weight`
    (awareness from ads, neighbours' referrals, events); the converting touch comes `gap` days before signature
    (geometric, mean close_gap_mean_days); nurture touches fall in between, from the origin or the converting campaign.
    """
    n = len(converting)
    ch_names = channels["channel"].to_numpy()
    touches_mean = channels["touches_mean"].to_numpy()[converting]
    count = 1 + np.minimum(geometric(draws["count"], touches_mean - 1), max_touches - 1)

    same = draws["origin"] < channels["same_origin_share"].to_numpy()[converting]
    origin = converting.copy()
    weights = channels["first_touch_weight"].to_numpy()
    for name in np.unique(ch_names):
        rows = ~same & (ch_names[converting] == name)
        w = np.where(ch_names == name, 0.0, weights)
        if rows.any() and w.sum() > 0:
            origin[rows] = streams.choice(draws["origin_pick"][rows], w)
    count = np.where(origin != converting, np.maximum(count, 2), count)

    gap = np.minimum(geometric(draws["gap"], close_gap_mean_days), conversion)
    first_day = signed_day - conversion
    last_day = np.where(count == 1, first_day, signed_day - gap)  # a lone touch both opens and converts
    j = np.arange(max_touches)[None, :]
    last = (count - 1)[:, None]
    mid_offsets = np.sort(draws["mid"], axis=1)  # increasing in j
    day = first_day[:, None] + np.floor(mid_offsets * (last_day - first_day)[:, None]).astype(np.int64)
    day = np.where(j == 0, first_day[:, None], day)
    day = np.where(j == last, last_day[:, None], day)
    day = np.where(j > last, last_day[:, None], day)
    day = np.maximum.accumulate(day, axis=1)

    campaign = np.where(draws["mid_pick"] < 0.5, origin[:, None], converting[:, None])
    campaign[:, 0] = origin
    campaign = np.where(j == last, converting[:, None], campaign)
    campaign = np.where(j > last, converting[:, None], campaign)
    # Local hours 9:00-21:00, increasing through the journey so the converting touch is always the latest.
    hour = 9.0 + 12.0 * (j + draws["hour"]) / max_touches
    hour = np.broadcast_to(hour, (n, max_touches)).copy()
    return Journeys(count=count.astype(np.int64), campaign=campaign.astype(np.int64), day=day, hour=hour)


def touch_costs(channels: pd.DataFrame, journeys: Journeys, kw_dc: np.ndarray, z_touch: np.ndarray,
                z_close: np.ndarray) -> np.ndarray:
    """Cost of each touch (USD, n x max_touches): the campaign's cost per touch with a lognormal spread (cost_sigma,
    z clipped at 3), plus on the converting touch its conversion fee (referral bonus, partner fee) and commission per
    watt of the system sold, with the same spread (z clipped at 2.5: commission plans are capped)."""
    per_touch = channels["cost_per_touch_usd"].to_numpy()[journeys.campaign]
    s_t = channels["cost_sigma"].to_numpy()[journeys.campaign]
    cost = per_touch * np.exp(s_t * np.clip(z_touch, -3, 3) - s_t**2 / 2)
    conv = journeys.campaign[np.arange(len(kw_dc)), journeys.count - 1]
    close = (channels["conversion_fee_usd"].to_numpy()[conv]
             + channels["commission_usd_per_w"].to_numpy()[conv] * 1000 * kw_dc)
    s_c = channels["cost_sigma"].to_numpy()[conv]
    close = close * np.exp(s_c * np.clip(z_close, -2.5, 2.5) - s_c**2 / 2)  # bounded: commissions are capped
    last = np.arange(journeys.campaign.shape[1])[None, :] == (journeys.count - 1)[:, None]
    return np.round(np.where(last, cost + close[:, None], cost), 2)


def touch_timestamps(journeys: Journeys, timezone: np.ndarray) -> np.ndarray:
    """UTC timestamps (n x max_touches, datetime64[ns]) of touches at their local day and hour in the home's zone."""
    local_seconds = journeys.day * 86400 + np.round(journeys.hour * 3600).astype(np.int64)
    out = np.empty(local_seconds.shape, dtype="datetime64[ns]")
    for tz in np.unique(timezone):
        rows = timezone == tz
        local = pd.to_datetime(local_seconds[rows].ravel(), unit="s")
        utc = local.tz_localize(tz, ambiguous=True, nonexistent="shift_forward").tz_convert("UTC").tz_localize(None)
        out[rows] = utc.to_numpy().reshape(local_seconds[rows].shape)
    return out
