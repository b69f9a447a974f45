"""Customers' decisions to stay: monthly churn and renewal at the contract's term.

A customer weighs each month the service trouble of the past year (serious tickets, a truck roll counting double)
and the value they see (the share of their load the panels cover). Churn is a monthly hazard that rises with
both; at the end of the term the contract renews with a probability that falls with them. The hazard form is a
proportional-hazards model (Cox 1972) as used for subscription churn; its rates are calibrated to residential
solar lease/PPA attrition of a few percent a year (seeds/simulation_parameters.csv, process `churn`). Pure
functions on arrays (one element per home); the `Simulator` passes what they need.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from . import streams

DRAWS = 160  # uniform draws per home for the monthly decisions (reused cyclically beyond 160 months)


@dataclasses.dataclass(frozen=True)
class ChurnParameters:
    """seeds/simulation_parameters.csv, process `churn` (parameter names `churn_<field>`)."""

    base_monthly_hazard: float  # monthly churn probability of an untroubled customer with good value
    burden_weight: float  # log-hazard per unit of service burden (a ticket; a truck roll counts twice)
    truck_roll_extra_weight: float  # extra burden of a ticket with a truck roll
    low_value_weight: float  # log-hazard per unit of value shortfall below `value_reference_offset`
    value_reference_offset: float  # solar share of load below which the customer feels short-changed
    burden_window_days: float  # trouble of this many past days weighs on the decision
    decision_step_days: float  # customers decide once per this many days
    renew_base: float  # renewal probability at the term, untroubled, before the value factor
    renew_burden_weight: float  # renewal falls by exp(-weight * burden)
    renew_value_floor: float  # value factor: min(1, floor + solar share of load)
    renew_min: float
    renew_max: float


@dataclasses.dataclass
class Customers:
    """The batch's customers (one element per home)."""

    keys: np.ndarray
    ids: np.ndarray
    operating: np.ndarray
    pto_day: np.ndarray  # contract start
    term_years: np.ndarray


def daily_totals(values: np.ndarray, local_day: np.ndarray, day0: int) -> np.ndarray:
    """(days, homes) sums of hourly (hours, homes) values by the homes' local day."""
    day_rel = local_day - day0
    n_days = int(day_rel.max() + 1)
    out = np.zeros((n_days, values.shape[1]))
    cols = np.broadcast_to(np.arange(values.shape[1]), day_rel.shape)
    np.add.at(out, (day_rel, cols), values)
    return out


def service_burden(tickets: pd.DataFrame, truck_roll_extra_weight: float) -> dict[str, list[tuple[int, float]]]:
    """Per household, the (day opened, weight) of each serious ticket (customer questions do not count)."""
    burden_days: dict[str, list] = {}
    if len(tickets):
        serious = tickets[tickets["issue_category"] != "customer_question"]
        opened = ((serious["opened_at"].dt.tz_convert(None) - pd.Timestamp("1970-01-01")).dt.days).to_numpy()
        weight = 1.0 + truck_roll_extra_weight * serious["truck_roll_flag"].to_numpy()
        for hh, d, wgt in zip(serious["household_id"], opened, weight):
            burden_days.setdefault(hh, []).append((d, wgt))
    return burden_days


def decide(customers: Customers, solar_d: np.ndarray, load_d: np.ndarray, day0: int, start_day: int, end_day: int,
           burden_days: dict, params: ChurnParameters, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Churn day and last renewal day per customer (-1: none), from daily solar and load (days from `day0`)."""
    b = len(customers.keys)
    churn_day = np.full(b, -1, dtype=np.int64)
    renew_day = np.full(b, -1, dtype=np.int64)
    draws = DRAWS
    u_month = streams.uniform(seed, customers.keys, "churn.month", draws)
    u_day = streams.uniform(seed, customers.keys, "churn.day", draws)
    u_renew = streams.uniform(seed, customers.keys, "churn.renew")
    step, window = int(params.decision_step_days), int(params.burden_window_days)
    for j in range(b):
        if not customers.operating[j]:
            continue
        first = max(customers.pto_day[j], start_day)
        events = burden_days.get(customers.ids[j], [])
        term_end = customers.pto_day[j] + int(round(customers.term_years[j] * 365.25))
        while term_end < start_day:
            renew_day[j] = term_end  # renewed before the pack began
            term_end += int(round(customers.term_years[j] * 365.25))
        m = 0
        d = first
        while d < end_day:
            window_end = min(d + step, end_day)
            lo, hi = d - day0, window_end - day0
            s, l_ = solar_d[lo:hi, j].sum(), load_d[lo:hi, j].sum()
            offset = s / l_ if l_ > 0 else 1.0
            # Service trouble of the past year weighs on the decision (a truck roll counts double).
            burden = sum(w for day, w in events if d - window <= day < window_end)
            shortfall = max(0.0, params.value_reference_offset - offset)
            hazard = params.base_monthly_hazard * np.exp(params.burden_weight * burden
                                                         + params.low_value_weight * shortfall)
            if d <= term_end < window_end:
                p_renew = np.clip(params.renew_base * np.exp(-params.renew_burden_weight * burden)
                                  * min(1.0, params.renew_value_floor + offset), params.renew_min, params.renew_max)
                if u_renew[j] < p_renew:
                    renew_day[j] = term_end
                else:
                    churn_day[j] = term_end
                    break
            if u_month[j, m % draws] < hazard:
                churn_day[j] = d + int(u_day[j, m % draws] * (window_end - d))
                break
            d, m = window_end, m + 1
    return churn_day, renew_day


def drop_after_churn(frame: pd.DataFrame, day: np.ndarray, churn_day: pd.Series) -> pd.DataFrame:
    """Rows of a customer's feed (tickets, responses) dated before they left; `day` is each row's day and
    `churn_day` the churn day by household id (-1: stayed)."""
    churned = churn_day.loc[frame["household_id"]].to_numpy()
    return frame[(churned < 0) | (day < churned)]
