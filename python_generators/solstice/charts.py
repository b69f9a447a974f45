"""PNG charts of a built pack: the four views of the VPP data module reference (market, solar, load,
integrated VPP economics) and a fleet KPI page. Every figure plotted is a row of a documented, tested dbt model
in the `reporting` schema (models/reporting/, one model per panel family): this module reads those rows as they
are and draws them (matplotlib bins the histograms), it computes nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np

CHARTS = {
    "market_prices.png": "Market prices: 15-minute LMP, daily shape, distribution, ancillary reserves",
    "solar.png": "Solar: daily specific yield, hourly shape by month, distribution, capacity factor by state",
    "load.png": "Load: individual homes, seasonal shape, annual consumption, electrification",
    "vpp_economics.png": "Integrated VPP economics: prices vs solar, net load, programme value, delivery",
    "fleet_kpis.png": "Fleet KPIs: growth, savings, dispatch, outages and service",
}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def render_charts(con, out: Path) -> list[Path]:
    """Render every chart into `out` and return the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3, "axes.titlesize": 11,
                         "axes.spines.top": False, "axes.spines.right": False})
    out.mkdir(parents=True, exist_ok=True)
    hourly = _read(con, "rpt_fleet_hours_by_month", "local_month, local_hour")
    pages = {
        "market_prices.png": _market_page,
        "solar.png": _solar_page,
        "load.png": _load_page,
        "vpp_economics.png": _vpp_page,
        "fleet_kpis.png": _kpi_page,
    }
    written = []
    for name, draw in pages.items():
        fig, axes = plt.subplots(2, 2, figsize=(14, 9))
        draw(con, hourly, axes.ravel())
        fig.suptitle(CHARTS[name], fontsize=14, fontweight="bold")
        fig.tight_layout(rect=(0, 0, 1, 0.96))
        path = out / name
        # A fixed creation date keeps unchanged charts byte-identical between releases.
        fig.savefig(path, metadata={"Software": None})
        plt.close(fig)
        written.append(path)
    return written


def _read(con, model: str, order: str):
    """The rows of a reporting model, in the order they are drawn."""
    return con.execute(f"select * from reporting.{model} order by {order}").df()


def _empty(ax, title: str, message: str) -> None:
    """A panel with nothing to plot says so, instead of drawing an axis around nothing."""
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", fontsize=12, color="0.35",
            bbox={"boxstyle": "round,pad=0.6", "facecolor": "0.96", "edgecolor": "0.8"})


def _dates(ax, label: str = "date (local)") -> None:
    """Date axes: concise ticks (months named, days numbered, the year once) instead of rotated ISO dates."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=4, maxticks=10)
    ax.xaxis.set_major_locator(locator)
    # The offset (bottom right) names the year only: "2025", not the last tick's "2025-Aug".
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(
        locator, offset_formats=["", "%Y", "%Y", "%Y", "%Y-%m-%d", "%Y-%m-%d %H:%M"]))
    ax.set_xlabel(label)


def _month_axis(ax, months) -> None:
    """Calendar months 1-12 on the x axis, named, limited to the months the pack has."""
    months = sorted({int(m) for m in months})
    ax.set_xticks(months, [MONTHS[m - 1] for m in months])
    ax.set_xlim(months[0] - 0.5, months[-1] + 0.5)
    ax.set_xlabel("month (local)")


def _market_page(con, hourly, ax):
    week = _read(con, "rpt_market_prices_first_week", "market_region, interval_start_at")
    for region, part in week.groupby("market_region"):
        ax[0].plot(part["interval_start_local"], part["lmp_usd_per_mwh"], lw=0.8, label=region)
    starts = week["interval_start_local"].min() if len(week) else None
    week_of = "first July week" if starts is not None and starts.month == 7 else "first week"
    ax[0].set(title=f"15-minute LMP, {week_of} of the pack", ylabel="USD/MWh")
    ax[0].legend(fontsize=8, ncol=2)
    _dates(ax[0], "local time")

    shape = _read(con, "rpt_market_lmp_by_region_hour", "market_region, local_hour")
    # A season is drawn when the pack has at least two weeks of it (the few local hours of May that a June
    # pack's first UTC day reaches are not a spring).
    seasons = [(name, style) for name, style in (("summer", "-"), ("spring", "--"))
               if len(shape) and shape[f"{name}_days_count"].min() >= 14]
    for region, part in shape.groupby("market_region"):
        colour = None
        for name, style in seasons:
            line, = ax[1].plot(part["local_hour"], part[f"{name}_lmp_usd_per_mwh"], ls=style, color=colour,
                               label=f"{region} {name}")
            colour = line.get_color()
    if seasons:
        ax[1].set(title="Mean LMP by local hour (duck curve)", xlabel="local hour", ylabel="USD/MWh",
                  xticks=range(0, 24, 3))
        ax[1].legend(fontsize=7, ncol=2)
    else:
        _empty(ax[1], "Mean LMP by local hour (duck curve)", "less than two weeks of spring or summer in this pack")

    dist = _read(con, "rpt_market_prices_localized", "market_region, interval_start_at")
    negative_share = _read(con, "rpt_market_negative_prices_by_region", "market_region")
    negative_share = dict(zip(negative_share["market_region"], negative_share["negative_share"]))
    bins = np.linspace(-50, 300, 71)
    for region, part in dist.groupby("market_region"):
        values = part["lmp_usd_per_mwh"].clip(-50, 300)
        negative = negative_share[region]
        ax[2].hist(values, bins=bins, histtype="step", lw=1.2, label=f"{region} ({negative:.1%} < 0)")
    ax[2].set(title="LMP distribution (clipped to -50..300)", xlabel="USD/MWh", ylabel="15-minute intervals (log scale)",
              yscale="log")
    ax[2].legend(fontsize=8)

    reserves = _read(con, "rpt_prices_and_solar_by_hour", "local_hour")
    ax[3].plot(reserves["local_hour"], reserves["spin_reserve_usd_per_mwh"], label="spinning reserve")
    ax[3].plot(reserves["local_hour"], reserves["nonspin_reserve_usd_per_mwh"], label="non-spinning reserve")
    ax[3].set(title="Ancillary prices and carbon intensity by hour", xlabel="local hour", ylabel="USD/MWh",
              xticks=range(0, 24, 3))
    twin = ax[3].twinx()
    twin.plot(reserves["local_hour"], reserves["carbon_kg_per_mwh"], color="grey", ls=":", label="carbon (right)")
    twin.set_ylabel("kg CO2 / MWh")
    ax[3].legend(loc="upper left", fontsize=8)
    twin.legend(loc="upper right", fontsize=8)


def _solar_page(con, hourly, ax):
    daily = _read(con, "rpt_solar_daily_yield_percentiles", "date")
    ax[0].fill_between(daily["date"], daily["p10_yield_kwh_per_kw_dc"], daily["p90_yield_kwh_per_kw_dc"], alpha=0.3,
                       label="10th-90th percentile of homes")
    ax[0].plot(daily["date"], daily["median_yield_kwh_per_kw_dc"], lw=1, label="median home")
    ax[0].set(title="Daily specific yield", ylabel="kWh per kW DC per day")
    ax[0].legend(fontsize=8)
    _dates(ax[0])

    present = sorted(hourly["local_month"].unique())
    quarters = [m for m in (1, 4, 7, 10) if m in present]
    for month in quarters if len(quarters) >= min(2, len(present)) else present[:4]:
        part = hourly[hourly["local_month"] == month]
        ax[1].plot(part["local_hour"], part["solar_kwh_per_kw_dc"], label=MONTHS[int(month) - 1])
    ax[1].set(title="Mean hourly output per kW DC (local time)", xlabel="local hour",
              ylabel="kWh per kW DC per hour", xticks=range(0, 24, 3))
    ax[1].legend(fontsize=8)

    # Binned in the database: the home-days themselves are 110 M rows at the premium pack.
    bins = _read(con, "rpt_solar_daily_yield_histogram", "bin_index")
    ax[2].bar(bins["bin_start_kwh_per_kw_dc"], bins["home_days_count"], align="edge",
              width=bins["bin_end_kwh_per_kw_dc"] - bins["bin_start_kwh_per_kw_dc"])
    ax[2].set(title="Distribution of daily yield (all home-days)", xlabel="kWh per kW DC per day", ylabel="home-days")

    states = _read(con, "rpt_solar_capacity_factor_by_state", "capacity_factor desc, state")
    ax[3].bar(states["state"], states["capacity_factor"] * 100)
    ax[3].set(title="Capacity factor by state (AC energy / DC nameplate)", xlabel="state",
              ylabel="capacity factor, %")


def _load_page(con, hourly, ax):
    homes = _read(con, "rpt_load_sample_week", "household_id, interval_start_local, interval_start_at")
    for _, part in homes.groupby("household_id"):
        ax[0].plot(part["interval_start_local"], part["load_kwh"], lw=0.5, alpha=0.6)
    if len(homes):
        mean = homes.drop_duplicates("interval_start_local").sort_values("interval_start_local")
        ax[0].plot(mean["interval_start_local"], mean["sample_mean_load_kwh"], color="black", lw=2,
                   label="mean of the 20 homes")
        ax[0].legend(fontsize=8)
    starts = homes["interval_start_local"].min() if len(homes) else None
    ax[0].set(title=f"Hourly load of 20 homes, the week from {starts:%Y-%m-%d}" if starts is not None
              else "Hourly load of 20 homes", ylabel="kWh per hour")
    _dates(ax[0], "local time")

    seasons = _read(con, "rpt_fleet_hours_by_season", "season_order, local_hour")
    for _, part in seasons.groupby("season_order"):
        ax[1].plot(part["local_hour"], part["load_kwh_per_home"], label=part["season"].iloc[0])
    ax[1].set(title="Mean hourly load per home by season", xlabel="local hour", ylabel="kWh per hour",
              xticks=range(0, 24, 3))
    ax[1].legend(fontsize=8)

    annual = _read(con, "rpt_household_annualised_load", "household_id")
    for flag, label in ((False, "no EV"), (True, "EV owner")):
        group = annual[annual["ev_owner_flag"] == flag]
        if len(group):
            median = group["group_median_annual_load_kwh"].iloc[0]
            ax[2].hist(group["annual_load_kwh"], bins=50, alpha=0.6, label=f"{label} (median {median:,.0f} kWh)")
    ax[2].set(title="Annualised consumption per home", xlabel="kWh per year", ylabel="homes")
    ax[2].legend(fontsize=8)

    profiles = _read(con, "rpt_load_by_electrification_month", "electrification_profile, calendar_month")
    for profile, part in profiles.groupby("electrification_profile"):
        ax[3].plot(part["calendar_month"], part["load_kwh_per_home_day"], marker="o", label=profile)
    ax[3].set(title="Mean daily load by month and electrification", ylabel="kWh per day")
    if len(profiles):
        _month_axis(ax[3], profiles["calendar_month"])
    ax[3].legend(fontsize=8)


def _vpp_page(con, hourly, ax):
    merged = _read(con, "rpt_prices_and_solar_by_hour", "local_hour")
    r = merged["lmp_solar_pearson_r"].iloc[0] if len(merged) else float("nan")
    ax[0].plot(merged["local_hour"], merged["lmp_usd_per_mwh"], color="tab:red", label="mean LMP (all regions)")
    ax[0].set(title=f"Prices vs solar by hour (Pearson r = {r:.2f})", xlabel="local hour", ylabel="USD/MWh",
              xticks=range(0, 24, 3))
    twin = ax[0].twinx()
    twin.plot(merged["local_hour"], merged["solar_kwh_per_kw_dc"], color="tab:orange", label="fleet solar (right)")
    twin.set_ylabel("kWh per kW DC per hour")
    ax[0].legend(loc="upper left", fontsize=8)
    twin.legend(loc="upper right", fontsize=8)

    seasons = _read(con, "rpt_fleet_hours_by_season", "season_order, local_hour")
    for _, part in seasons.groupby("season_order"):
        ax[1].plot(part["local_hour"], part["net_load_kwh_per_home"], label=part["season"].iloc[0])
    ax[1].axhline(0, color="black", lw=0.8)
    ax[1].set(title="Net load (load minus solar) per home", xlabel="local hour", ylabel="kWh per home per hour",
              xticks=range(0, 24, 3))
    ax[1].legend(fontsize=8)

    _vpp_value_by_month(ax[2], _read(con, "rpt_vpp_value_by_month", "month_start_date"))

    delivery = _read(con, "rpt_vpp_delivery_by_programme", "program_id")
    if delivery.empty:
        _empty(ax[3], "Energy per home-event by programme", "no VPP dispatch events in this pack")
        return
    x = np.arange(len(delivery))
    ax[3].bar(x - 0.2, delivery["requested_kwh_per_home_event"], width=0.4, label="requested")
    ax[3].bar(x + 0.2, delivery["delivered_kwh_per_home_event"], width=0.4, label="delivered")
    ax[3].set_xticks(x, delivery["program_id"], rotation=45, ha="right", fontsize=7)
    ax[3].set(title="Energy per home-event by programme", xlabel="programme", ylabel="kWh per home-event")
    ax[3].legend(fontsize=8)


def _vpp_value_by_month(ax, monthly) -> None:
    """Grid value and incentives side by side, one slot per month labelled by month (no date ticks between);
    `monthly` holds the rows of rpt_vpp_value_by_month in month order."""
    title = "VPP value per month (all programmes)"
    if monthly.empty:
        _empty(ax, title, "no VPP dispatch events in this pack")
        return
    x = np.arange(len(monthly))
    ax.bar(x - 0.2, monthly["grid_value_usd"], width=0.4, label="grid value")
    ax.bar(x + 0.2, monthly["customer_incentive_usd"], width=0.4, label="customer incentives")
    ax.set_xticks(x, [f"{m:%b %Y}" for m in monthly["month_start_date"]], rotation=30 if len(x) > 12 else 0)
    ax.set(title=title, xlabel="month (of the event's date)", ylabel="USD")
    ax.legend(fontsize=8)


def _kpi_page(con, hourly, ax):
    kpis = _read(con, "rpt_fleet_kpis_daily", "date")
    ax[0].plot(kpis["date"], kpis["active_households"], label="active households")
    ax[0].plot(kpis["date"], kpis["active_batteries"], label="active batteries")
    ax[0].set(title="Fleet size", ylabel="households / batteries in service")
    ax[0].legend(fontsize=8)

    ax[1].plot(kpis["date"], kpis["avg_bill_reduction_pct"])
    ax[1].set(title="Average bill reduction (mean over the billed homes)", ylabel="bill reduction, %")

    title = "VPP energy dispatched per day and cumulative grid value"
    if not kpis["total_dispatched_kwh"].fillna(0).any():
        _empty(ax[2], title, "no VPP dispatch in this pack")
    else:
        ax[2].bar(kpis["date"], kpis["total_dispatched_kwh"], width=1.0, label="dispatched kWh")
        ax[2].set(title=title, ylabel="kWh per day")
        twin = ax[2].twinx()
        twin.plot(kpis["date"], kpis["cumulative_grid_value_usd"], color="tab:green", label="cumulative grid value")
        twin.set_ylabel("USD (cumulative)")
        twin.legend(loc="upper left", fontsize=8)

    ax[3].plot(kpis["date"], kpis["service_ticket_rate"] * 1000, label="service tickets per 1,000 homes")
    ax[3].set(title="Service and outages", ylabel="tickets per 1,000 homes per day")
    if kpis["outages_supported_count"].fillna(0).any():
        twin = ax[3].twinx()
        twin.bar(kpis["date"], kpis["outages_supported_count"], width=1.0, color="tab:purple", alpha=0.4,
                 label="outages supported by a battery")
        twin.set_ylabel("outages per day")
        twin.legend(loc="upper right", fontsize=8)
    else:  # no second axis around nothing (it would run from -0.04 to 0.04)
        ax[3].text(0.98, 0.9, "no outages supported by a battery in this pack", transform=ax[3].transAxes,
                   ha="right", va="top", fontsize=9, color="0.35",
                   bbox={"boxstyle": "round,pad=0.4", "facecolor": "0.96", "edgecolor": "0.8"})
    ax[3].legend(loc="upper left", fontsize=8)
    for axis in ax:
        if axis.has_data():
            _dates(axis)
