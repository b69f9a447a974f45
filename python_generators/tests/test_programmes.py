"""VPP programmes (solstice.programmes) on small hand-made inputs: day-ahead call decisions within seasonal caps,
requests from each home's battery and reserve, and the event arrays the battery controller consumes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from solstice import programmes

PARAMS = {"forecast_temp_mae_c": 1.7, "forecast_price_log_sd": 0.25, "call_min_anomaly_z": 0.0,
          "price_history_days": 28}


def _program(**overrides):
    row = {"program_id": "PRG-XX-TEST", "dispatch_type": "peak_shave", "trigger": "hot_day", "season_start_month": 6,
           "season_end_month": 9, "window_start_hour": 16, "duration_hours": 3, "events_per_season": 10,
           "max_kw_per_home": 5.0}
    row.update(overrides)
    return pd.Series(row)


def _territory(start: str, days: int, daily_max: np.ndarray, normal_max: float = 30.0, sd: float = 2.0):
    """A UTC territory clock of whole days whose temperature peaks at daily_max each afternoon."""
    times = pd.date_range(start, periods=24 * days, freq="h", tz="UTC")
    local_day = np.asarray((times.tz_localize(None).normalize() - pd.Timestamp("1970-01-01")).days)
    local_hour = times.hour.to_numpy()
    temp = np.repeat(daily_max, 24) - 8 + 8 * np.exp(-((local_hour - 15) ** 2) / 8)
    normals = pd.DataFrame({"month": range(1, 13), "mean_temp_c": normal_max - 5.0, "diurnal_range_c": 10.0,
                            "daily_temp_sd_c": sd})
    table = programmes.territory_days(local_day, np.ones(len(times), dtype=bool), temp, normals)
    return times, local_day, local_hour, table


def test_territory_days_reads_each_days_maximum_and_normal():
    times, _, _, table = _territory("2025-06-02", 3, np.array([31.0, 35.0, 28.0]))
    assert list(table["max_temp_c"].round(3)) == [31.0, 35.0, 28.0]
    assert np.allclose(table["normal_max_c"], 30.0)  # mean 25 + half of a 10 C range
    assert list(table["weekday"]) == [0, 1, 2]


def test_paced_calls_never_exceed_the_budget_and_spend_it_when_every_day_is_hot():
    score = np.full(20, 3.0)  # every day far above normal
    season = np.zeros(20, dtype=int)
    called = programmes.paced_calls(score, season, {0: 5}, floor=0.0)
    assert called.sum() == 5
    assert called[:5].all()  # first-come: the operator cannot know later days will be as hot


def test_paced_calls_respect_the_floor_and_use_the_whole_budget_when_days_run_out():
    season = np.zeros(4, dtype=int)
    # budget 4 of 4 days: every day is called whatever the forecast (threshold falls to -inf) ...
    assert programmes.paced_calls(np.array([-1.0, -2.0, 0.5, 1.0]), season, {0: 4}, floor=-np.inf).all()
    # ... unless the programme only calls above-normal days
    assert list(programmes.paced_calls(np.array([-1.0, -2.0, 0.5, 1.0]), season, {0: 4}, floor=0.0)) == [
        False, False, True, True]


def test_paced_calls_keep_each_season_within_its_own_cap():
    score = np.full(10, 2.0)
    season = np.array([2024] * 5 + [2025] * 5)
    called = programmes.paced_calls(score, season, {2024: 2, 2025: 3}, floor=0.0)
    assert called[:5].sum() == 2 and called[5:].sum() == 3


def test_hot_day_calls_stay_within_the_cap_of_a_hot_season_and_miss_some_of_its_hottest_days():
    rng = np.random.default_rng(7)
    daily_max = 33.0 + 2.0 * rng.standard_normal(122)  # a season far hotter than normal: every day qualifies
    times, local_day, local_hour, table = _territory("2025-06-01", 122, daily_max)
    calls = programmes.schedule_calls(_program(events_per_season=20), table, local_day, local_hour,
                                      np.full(len(times), 50.0), times, PARAMS, seed=1)
    assert len(calls) == 20  # the cap holds (perfect-foresight top-N of the pack would not care about seasons)
    assert (calls["event_start_at"].dt.hour == 16).all()
    assert (calls["event_start_at"].dt.day_of_week < 5).all()
    called_days = set(local_day[calls["start_hour_index"]])
    weekdays = table[table["weekday"] < 5]
    hottest = set(weekdays.nlargest(20, "max_temp_c")["day"])
    assert len(called_days - hottest) >= 3  # day-ahead decisions without hindsight miss some of the hottest days


def test_hot_day_budget_is_pro_rata_to_the_share_of_the_season_in_the_pack():
    # June only (21 of the 86 weekdays of a June-September season): a 40-event cap gives floor(40 x 21 / 86) = 9
    times, local_day, local_hour, table = _territory("2025-06-01", 30, np.full(30, 40.0))
    calls = programmes.schedule_calls(_program(events_per_season=40), table, local_day, local_hour,
                                      np.full(len(times), 50.0), times, PARAMS, seed=1)
    assert len(calls) == 9


def test_daily_programme_calls_every_day_up_to_its_cap():
    times, local_day, local_hour, table = _territory("2025-03-01", 10, np.full(10, 25.0))
    program = _program(trigger="daily", season_start_month=1, season_end_month=12, window_start_hour=18,
                       duration_hours=2, events_per_season=366)
    calls = programmes.schedule_calls(program, table, local_day, local_hour, np.full(len(times), 50.0), times,
                                      PARAMS, seed=1)
    assert len(calls) == 10
    program["events_per_season"] = 1
    capped = programmes.schedule_calls(program, table, local_day, local_hour,
                                       np.full(len(times), 50.0), times, PARAMS, seed=1)
    assert len(capped) == 0  # a 1-event year pro rata over 10 days rounds down to none


def test_price_spike_calls_need_price_history_and_target_the_forecast_peak_hour():
    days = 60
    times, local_day, local_hour, table = _territory("2025-01-01", days, np.full(days, 20.0))
    price = np.full(len(times), 30.0)
    spike_days = [5, 20, 40, 50]
    for d in spike_days:
        price[24 * d + 17] = 3000.0
    calls = programmes.schedule_calls(
        _program(trigger="price_spike", season_start_month=1, season_end_month=12, duration_hours=1,
                 events_per_season=60), table, local_day, local_hour, price, times,
        {**PARAMS, "call_min_anomaly_z": 2.0}, seed=3)
    called_days = sorted(local_day[calls["start_hour_index"]] - local_day[0])
    assert 5 not in called_days  # no call before a week of prices is known
    assert {20, 40, 50} <= set(called_days)
    for d in (20, 40, 50):
        assert (calls["start_hour_index"] == 24 * d + 17).any()


def test_requests_follow_battery_power_reserve_and_event_length():
    kw = programmes.requested_kw(np.array([5.0, 5.0, 5.0, 5.0, 10.0]), np.array([5.0, 11.5, 11.5, 7.68, 11.5]),
                                 np.array([13.5, 13.5, 13.5, 10.0, 13.5]), np.array([20.0, 20.0, 50.0, 20.0, 20.0]),
                                 np.array([3, 2, 3, 3, 2]))
    # 13.5 x 0.8 / 3 = 3.6; 13.5 x 0.8 / 2 = 5.4 capped at 5; 13.5 x 0.5 / 3 = 2.25; 10 x 0.8 / 3 = 2.67;
    # a 10 kW programme cap lets 5.4 through
    assert list(kw) == [3.6, 5.0, 2.25, 2.67, 5.4]


def test_home_requests_use_each_homes_programme_rules():
    programs = pd.DataFrame({"program_id": ["A", "B"], "max_kw_per_home": [5.0, 5.0], "duration_hours": [2, 3]})
    kw = programmes.home_requests(programs, np.array(["A", "B", None], dtype=object), np.array([11.5, 11.5, 5.0]),
                                  np.array([13.5, 13.5, 13.5]), np.array([20.0, 20.0, 20.0]))
    assert list(kw) == [5.0, 3.6, 0.0]


def test_device_responses_fill_the_controller_arrays_for_accepted_calls_only():
    hours = 48
    times = pd.date_range("2025-07-01", periods=hours, freq="h", tz="UTC")
    calls = pd.DataFrame({"call_id": ["CALL-XX-0001", "CALL-XX-0002"], "program_id": "A",
                          "event_start_at": times[[16, 40]], "start_hour_index": [16, 40], "duration_hours": 2,
                          "call_seq": [1, 2]})
    homes = pd.DataFrame({"key": [1, 2, 3], "household_id": ["H1", "H2", "H3"], "enrolled": [True, True, False],
                          "program_id": ["A", "A", "A"], "enroll_day": [0, 0, 0], "pto_day": [0, 0, 0],
                          "opt_out_day": [-1, -1, -1], "willingness": [1.0, 1.0, 1.0], "request_kw": [3.6, 2.25, 5.0]})
    local_day = np.repeat(np.arange(20270, 20272), 24)[:, None].repeat(3, axis=1)
    offline = np.zeros((hours, 3), dtype=bool)
    offline[40, 1] = True  # home 2's gateway is down for the second call
    params = {"device_offline_rate": 0.0, "opt_out_base": 0.0, "opt_out_reluctance": 0.0}
    rows, kw, hold, pre = programmes.device_responses(calls, homes, local_day, offline, 42, 6, 3, params)
    assert len(rows) == 4  # the home not enrolled is never asked
    assert list(rows.sort_values(["household_id", "call_id"])["response_status"]) == [
        "accepted", "accepted", "accepted", "offline"]
    assert set(rows.loc[rows.household_id == "H2", "requested_kw"]) == {2.25}
    assert kw[16:18, 0].tolist() == [3.6, 3.6] and kw[40:42, 0].tolist() == [3.6, 3.6]
    assert kw[40:42, 1].tolist() == [0.0, 0.0] and kw[:, 2].sum() == 0
    assert hold[10:16, 0].all() and not hold[16, 0] and pre[13:16, 0].all() and not pre[12, 0]


def test_paced_heat_calls_spend_the_budget_before_a_season_ends_cool():
    # ten summer days (normal 35 C) then ten autumn days (normal 25 C), each forecast exactly at its normal: an
    # operator that knows the climatology calls summer days; one pacing evenly would wait and miss its budget
    normal = np.array([35.0] * 10 + [25.0] * 10)
    spread = np.full(20, 2.0)
    season = np.zeros(20, dtype=int)
    called = programmes.paced_heat_calls(normal.copy(), normal, spread, season, {0: 4}, floor=-1.0)
    assert called.sum() == 4
    assert called[:10].sum() == 4
    # with a cold summer the budget is left for autumn; the floor (the season climatology's coolest 16 %: below
    # about 24 C here) still keeps a cold autumn day from being called
    late = programmes.paced_heat_calls(np.array([0.0] * 10 + [25.0, 22.0] * 5), normal, spread, season, {0: 4},
                                       floor=-1.0)
    assert late[:10].sum() == 0 and late[11::2].sum() == 0 and late[10::2].sum() == 4
