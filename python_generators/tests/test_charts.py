"""Charts stay readable on small packs: months labelled by month, empty panels saying why they are empty, units
on the axes, and validation metrics a pack cannot measure marked as such instead of drawn as empty bands.
Fast: the drawing functions run on small hand-made tables, no pack needed."""

from __future__ import annotations

import datetime as dt

import duckdb
import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from solstice import charts, validation_report  # noqa: E402


@pytest.fixture
def axes():
    fig, ax = plt.subplots(2, 2)
    yield fig, ax.ravel()
    plt.close(fig)


def texts(ax) -> str:
    return " ".join(t.get_text() for t in ax.texts)


def test_monthly_vpp_value_is_labelled_by_month(axes):
    _, ax = axes
    value = pd.DataFrame({"month_start_date": pd.to_datetime(["2025-06-01", "2025-07-01"]),
                          "customer_incentive_usd": [15.0, 30.0], "grid_value_usd": [6.0, 12.0]})
    charts._vpp_value_by_month(ax[0], value)
    assert [t.get_text() for t in ax[0].get_xticklabels()] == ["Jun 2025", "Jul 2025"]
    assert ax[0].get_ylabel() == "USD" and "month" in ax[0].get_xlabel()
    heights = sorted(round(p.get_height(), 6) for p in ax[0].patches)
    assert heights == [6.0, 12.0, 15.0, 30.0]  # grid value and incentives side by side, as the model holds them


def test_a_pack_without_dispatch_says_so(axes):
    _, ax = axes
    empty = pd.DataFrame({"month_start_date": pd.to_datetime([]), "customer_incentive_usd": [], "grid_value_usd": []})
    charts._vpp_value_by_month(ax[0], empty)
    assert "no VPP dispatch events in this pack" in texts(ax[0])
    assert list(ax[0].get_xticks()) == [] and list(ax[0].get_yticks()) == []


def kpi_database(outages_supported: int):
    """A stand-in for the reporting model the KPI page reads (rpt_fleet_kpis_daily), fleet totals per day."""
    con = duckdb.connect()
    con.execute("create schema reporting")
    days = [dt.date(2025, 6, 1) + dt.timedelta(days=i) for i in range(61)]
    grid_value = [3.0] * 61
    frame = pd.DataFrame({
        "date": days, "active_households": 40, "active_batteries": 10,
        "total_dispatched_kwh": [15.0 if i % 7 == 0 else 0.0 for i in range(61)],
        "avg_bill_reduction_pct": 55.0, "outages_supported_count": [outages_supported] * 61,
        "estimated_grid_value_usd": grid_value, "cumulative_grid_value_usd": np.cumsum(grid_value),
        "service_ticket_rate": 0.001,
    })
    con.register("frame", frame)
    con.execute("create table reporting.rpt_fleet_kpis_daily as select * from frame")
    return con


@pytest.mark.parametrize("outages_supported", [0, 1])
def test_fleet_kpis_without_outages_say_so_and_every_axis_has_units(axes, outages_supported):
    fig, ax = axes
    with kpi_database(outages_supported) as con:
        charts._kpi_page(con, None, ax)
    if outages_supported:
        assert len(fig.axes) == 6 and "no outages" not in texts(ax[3])
    else:  # no second axis running from -0.04 to 0.04 around nothing
        assert len(fig.axes) == 5 and "no outages supported by a battery in this pack" in texts(ax[3])
    for axis in fig.axes:
        assert axis.get_ylabel(), f"{axis.get_title()!r} has no unit on its y axis"
        if axis in ax:
            assert axis.get_xlabel() == "date (local)"
            labels = [t.get_text() for t in axis.get_xticklabels()]
            assert not any(label.startswith("2025-") for label in labels), labels  # no ISO date ticks


def area(rows):
    columns = ["metric_id", "area", "metric", "scope", "unit", "measured_value", "reference_low",
               "reference_high", "sample_size", "min_sample", "status", "reference"]
    return pd.DataFrame([dict(zip(columns, row)) for row in rows])


class KeepFigure:
    """Stands in for pyplot in `_area_chart` so the test can look at the figure it drew."""

    def __init__(self):
        self.figure = None

    def subplots(self, *args, **kwargs):
        self.figure, ax = plt.subplots(*args, **kwargs)
        return self.figure, ax

    def close(self, fig):
        pass


def draw_area(rows, tmp_path):
    keep = KeepFigure()
    validation_report._area_chart(keep, area(rows), tmp_path / "area.png", "PV")
    assert (tmp_path / "area.png").stat().st_size > 0
    ax = keep.figure.axes[0]
    plt.close(keep.figure)
    return ax


def test_a_validation_area_the_pack_cannot_measure_says_so(tmp_path):
    rows = [("pv_specific_yield_south", "PV", "yield", state, "kWh per kW DC", np.nan, 1200.0, 1500.0, np.nan, 5,
             "insufficient_data", "NREL") for state in ("AZ", "MA")]
    ax = draw_area(rows, tmp_path)
    assert texts(ax).count("insufficient data in this pack") == 2
    assert not ax.patches, "an unmeasured metric draws no empty grey band"
    assert list(ax.get_xticks()) == [] and "none of the 2 PV metrics" in ax.get_xlabel()


def test_measured_validation_metrics_carry_their_value_and_unit(tmp_path):
    rows = [("pv_specific_yield_south", "PV", "yield", "AZ", "kWh per kW DC", 1723.0, 1520.0, 1860.0, 40, 5,
             "pass", "NREL"),
            ("pv_specific_yield_south", "PV", "yield", "MA", "kWh per kW DC", np.nan, 1100.0, 1370.0, np.nan, 5,
             "insufficient_data", "NREL")]
    ax = draw_area(rows, tmp_path)
    assert "1,723 kWh per kW DC (accepted 1,520 - 1,860)" in texts(ax)
    assert "insufficient data in this pack" in texts(ax)
    assert len(ax.patches) == 1  # the band of the measured metric only
    assert "accepted range" in ax.get_xlabel()
