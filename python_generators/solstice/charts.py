"""PNG charts of a built pack: the four views of the VPP data module reference (market, solar, load,
integrated VPP economics) and a fleet KPI page. Read-only queries on the pack's DuckDB file; every figure
plotted is computed by the dbt models (marts, plus the hourly feed and market prices they are built from)."""

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
SEASONS = {"winter (DJF)": (12, 1, 2), "spring (MAM)": (3, 4, 5), "summer (JJA)": (6, 7, 8),
           "autumn (SON)": (9, 10, 11)}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def render_charts(con, out: Path) -> list[Path]:
    """Render every chart into `out` and return the files written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.dpi": 100, "axes.grid": True, "grid.alpha": 0.3, "axes.titlesize": 11,
                         "axes.spines.top": False, "axes.spines.right": False})
    out.mkdir(parents=True, exist_ok=True)
    hourly = _hourly_profile(con)
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


def _df(con, sql: str):
    return con.execute(sql).df()


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


def _hourly_profile(con):
    """Fleet totals by local month and hour, from the hourly feed (one pass over the largest table)."""
    return _df(con, """
        select
            h.local_month as month,
            h.local_hour as hour,
            sum(h.solar_kwh) as solar_kwh,
            sum(h.load_kwh) as load_kwh,
            sum(h.grid_import_kwh) as import_kwh,
            sum(h.grid_export_kwh) as export_kwh,
            sum(h.battery_discharge_kwh) as discharge_kwh,
            sum(s.kw_dc) as kw_dc_hours,
            count(*) as readings
        from intermediate.int_telemetry_hours_localized as h
        inner join marts.solar_systems as s on h.household_id = s.household_id
        group by all
        order by month, hour
    """)


def _by_season(hourly, column, per):
    rows = {}
    for season, months in SEASONS.items():
        part = hourly[hourly["month"].isin(months)].groupby("hour")[[column, per]].sum()
        if len(part):
            rows[season] = part[column] / part[per]
    return rows


def _local_prices(con):
    return """
        select
            p.market_region,
            timezone(r.timezone, p.interval_start_at) as local_at,
            p.lmp_usd_per_mwh,
            p.spin_reserve_usd_per_mwh,
            p.nonspin_reserve_usd_per_mwh,
            p.carbon_kg_per_mwh
        from staging.stg_grid__market_prices as p
        inner join reference.market_regions as r on p.market_region = r.market_region
    """


def _market_page(con, hourly, ax):
    prices = _local_prices(con)
    week = _df(con, f"""
        with local as ({prices}),
        first_july as (  -- the pack's first July week, or its first week if it has no July
            select coalesce(min(local_at) filter (where month(local_at) = 7), min(local_at)) as starts from local
        )
        select local.* from local, first_july
        where local_at >= first_july.starts and local_at < first_july.starts + interval 7 day
        order by market_region, local_at
    """)
    for region, part in week.groupby("market_region"):
        ax[0].plot(part["local_at"], part["lmp_usd_per_mwh"], lw=0.8, label=region)
    starts = week["local_at"].min() if len(week) else None
    week_of = "first July week" if starts is not None and starts.month == 7 else "first week"
    ax[0].set(title=f"15-minute LMP, {week_of} of the pack", ylabel="USD/MWh")
    ax[0].legend(fontsize=8, ncol=2)
    _dates(ax[0], "local time")

    shape = _df(con, f"""
        with local as ({prices})
        select market_region, hour(local_at) as hour,
            avg(lmp_usd_per_mwh) filter (where month(local_at) in (3, 4, 5)) as spring_lmp,
            avg(lmp_usd_per_mwh) filter (where month(local_at) in (6, 7, 8)) as summer_lmp,
            count(distinct cast(local_at as date)) filter (where month(local_at) in (3, 4, 5)) as spring_days,
            count(distinct cast(local_at as date)) filter (where month(local_at) in (6, 7, 8)) as summer_days
        from local group by all order by market_region, hour
    """)
    # A season is drawn when the pack has at least two weeks of it (the few local hours of May that a June
    # pack's first UTC day reaches are not a spring).
    seasons = [(name, style) for name, style in (("summer", "-"), ("spring", "--"))
               if len(shape) and shape[f"{name}_days"].min() >= 14]
    for region, part in shape.groupby("market_region"):
        colour = None
        for name, style in seasons:
            line, = ax[1].plot(part["hour"], part[f"{name}_lmp"], ls=style, color=colour, label=f"{region} {name}")
            colour = line.get_color()
    if seasons:
        ax[1].set(title="Mean LMP by local hour (duck curve)", xlabel="local hour", ylabel="USD/MWh",
                  xticks=range(0, 24, 3))
        ax[1].legend(fontsize=7, ncol=2)
    else:
        _empty(ax[1], "Mean LMP by local hour (duck curve)", "less than two weeks of spring or summer in this pack")

    dist = _df(con, f"with local as ({prices}) select market_region, lmp_usd_per_mwh from local")
    bins = np.linspace(-50, 300, 71)
    for region, part in dist.groupby("market_region"):
        values = part["lmp_usd_per_mwh"].clip(-50, 300)
        negative = (part["lmp_usd_per_mwh"] < 0).mean()
        ax[2].hist(values, bins=bins, histtype="step", lw=1.2, label=f"{region} ({negative:.1%} < 0)")
    ax[2].set(title="LMP distribution (clipped to -50..300)", xlabel="USD/MWh", ylabel="15-minute intervals (log scale)",
              yscale="log")
    ax[2].legend(fontsize=8)

    reserves = _df(con, f"""
        with local as ({prices})
        select hour(local_at) as hour, avg(spin_reserve_usd_per_mwh) as spin, avg(nonspin_reserve_usd_per_mwh) as nonspin,
            avg(carbon_kg_per_mwh) as carbon
        from local group by all order by hour
    """)
    ax[3].plot(reserves["hour"], reserves["spin"], label="spinning reserve")
    ax[3].plot(reserves["hour"], reserves["nonspin"], label="non-spinning reserve")
    ax[3].set(title="Ancillary prices and carbon intensity by hour", xlabel="local hour", ylabel="USD/MWh",
              xticks=range(0, 24, 3))
    twin = ax[3].twinx()
    twin.plot(reserves["hour"], reserves["carbon"], color="grey", ls=":", label="carbon (right)")
    twin.set_ylabel("kg CO2 / MWh")
    ax[3].legend(loc="upper left", fontsize=8)
    twin.legend(loc="upper right", fontsize=8)


def _solar_page(con, hourly, ax):
    daily = _df(con, """
        select d.date,
            quantile_cont(d.solar_generation_kwh / s.kw_dc, [0.1, 0.5, 0.9]) as q
        from marts.daily_generation_consumption as d
        inner join marts.solar_systems as s on d.household_id = s.household_id
        group by all order by d.date
    """)
    q = np.vstack(daily["q"].to_numpy())
    ax[0].fill_between(daily["date"], q[:, 0], q[:, 2], alpha=0.3, label="10th-90th percentile of homes")
    ax[0].plot(daily["date"], q[:, 1], lw=1, label="median home")
    ax[0].set(title="Daily specific yield", ylabel="kWh per kW DC per day")
    ax[0].legend(fontsize=8)
    _dates(ax[0])

    present = sorted(hourly["month"].unique())
    quarters = [m for m in (1, 4, 7, 10) if m in present]
    for month in quarters if len(quarters) >= min(2, len(present)) else present[:4]:
        part = hourly[hourly["month"] == month]
        ax[1].plot(part["hour"], part["solar_kwh"] / part["kw_dc_hours"], label=MONTHS[int(month) - 1])
    ax[1].set(title="Mean hourly output per kW DC (local time)", xlabel="local hour",
              ylabel="kWh per kW DC per hour", xticks=range(0, 24, 3))
    ax[1].legend(fontsize=8)

    per_day = _df(con, """
        select d.solar_generation_kwh / s.kw_dc as yield
        from marts.daily_generation_consumption as d
        inner join marts.solar_systems as s on d.household_id = s.household_id
    """)
    ax[2].hist(per_day["yield"], bins=60)
    ax[2].set(title="Distribution of daily yield (all home-days)", xlabel="kWh per kW DC per day", ylabel="home-days")

    states = _df(con, """
        select h.state, sum(d.solar_generation_kwh) / sum(s.kw_dc * 24) as capacity_factor
        from marts.daily_generation_consumption as d
        inner join marts.solar_systems as s on d.household_id = s.household_id
        inner join marts.households as h on d.household_id = h.household_id
        group by all order by capacity_factor desc
    """)
    ax[3].bar(states["state"], states["capacity_factor"] * 100)
    ax[3].set(title="Capacity factor by state (AC energy / DC nameplate)", xlabel="state",
              ylabel="capacity factor, %")


def _load_page(con, hourly, ax):
    homes = _df(con, """
        with first_january as (  -- the pack's first January week, or its first week if it has no January
            select coalesce(min(local_date) filter (where local_month = 1), min(local_date)) as starts
            from intermediate.int_telemetry_hours_localized
        ),
        sample as (select household_id from marts.households order by household_id limit 20)
        select h.household_id, h.interval_start_local, h.load_kwh
        from intermediate.int_telemetry_hours_localized as h, first_january
        where h.household_id in (select household_id from sample)
            and h.local_date >= first_january.starts and h.local_date < first_january.starts + 7
        order by h.household_id, h.interval_start_local
    """)
    for _, part in homes.groupby("household_id"):
        ax[0].plot(part["interval_start_local"], part["load_kwh"], lw=0.5, alpha=0.6)
    if len(homes):
        mean = homes.groupby("interval_start_local")["load_kwh"].mean()
        ax[0].plot(mean.index, mean.to_numpy(), color="black", lw=2, label="mean of the 20 homes")
        ax[0].legend(fontsize=8)
    starts = homes["interval_start_local"].min() if len(homes) else None
    ax[0].set(title=f"Hourly load of 20 homes, the week from {starts:%Y-%m-%d}" if starts is not None
              else "Hourly load of 20 homes", ylabel="kWh per hour")
    _dates(ax[0], "local time")

    for season, series in _by_season(hourly, "load_kwh", "readings").items():
        ax[1].plot(series.index, series.to_numpy(), label=season)
    ax[1].set(title="Mean hourly load per home by season", xlabel="local hour", ylabel="kWh per hour",
              xticks=range(0, 24, 3))
    ax[1].legend(fontsize=8)

    annual = _df(con, """
        select h.ev_owner_flag, 365.0 * avg(d.home_load_kwh) as annual_kwh
        from marts.daily_generation_consumption as d
        inner join marts.households as h on d.household_id = h.household_id
        group by d.household_id, h.ev_owner_flag
    """)
    for flag, label in ((False, "no EV"), (True, "EV owner")):
        values = annual.loc[annual["ev_owner_flag"] == flag, "annual_kwh"]
        if len(values):
            ax[2].hist(values, bins=50, alpha=0.6, label=f"{label} (median {values.median():,.0f} kWh)")
    ax[2].set(title="Annualised consumption per home", xlabel="kWh per year", ylabel="homes")
    ax[2].legend(fontsize=8)

    profiles = _df(con, """
        select h.electrification_profile, month(d.date) as month, avg(d.home_load_kwh) as kwh_per_day
        from marts.daily_generation_consumption as d
        inner join marts.households as h on d.household_id = h.household_id
        group by all order by 1, 2
    """)
    for profile, part in profiles.groupby("electrification_profile"):
        ax[3].plot(part["month"], part["kwh_per_day"], marker="o", label=profile)
    ax[3].set(title="Mean daily load by month and electrification", ylabel="kWh per day")
    if len(profiles):
        _month_axis(ax[3], profiles["month"])
    ax[3].legend(fontsize=8)


def _vpp_page(con, hourly, ax):
    prices = _df(con, f"""
        with local as ({_local_prices(con)})
        select hour(local_at) as hour, avg(lmp_usd_per_mwh) as lmp from local group by all order by hour
    """)
    solar = hourly.groupby("hour")[["solar_kwh", "kw_dc_hours"]].sum()
    solar_per_kw = solar["solar_kwh"] / solar["kw_dc_hours"]
    merged = prices.set_index("hour").join(solar_per_kw.rename("solar"))
    r = np.corrcoef(merged["lmp"], merged["solar"])[0, 1] if len(merged) > 1 else float("nan")
    ax[0].plot(merged.index, merged["lmp"], color="tab:red", label="mean LMP (all regions)")
    ax[0].set(title=f"Prices vs solar by hour (Pearson r = {r:.2f})", xlabel="local hour", ylabel="USD/MWh",
              xticks=range(0, 24, 3))
    twin = ax[0].twinx()
    twin.plot(merged.index, merged["solar"], color="tab:orange", label="fleet solar (right)")
    twin.set_ylabel("kWh per kW DC per hour")
    ax[0].legend(loc="upper left", fontsize=8)
    twin.legend(loc="upper right", fontsize=8)

    for season, months in SEASONS.items():
        part = hourly[hourly["month"].isin(months)].groupby("hour")[["load_kwh", "solar_kwh", "discharge_kwh",
                                                                     "readings"]].sum()
        if len(part):
            ax[1].plot(part.index, (part["load_kwh"] - part["solar_kwh"]) / part["readings"], label=season)
    ax[1].axhline(0, color="black", lw=0.8)
    ax[1].set(title="Net load (load minus solar) per home", xlabel="local hour", ylabel="kWh per home per hour",
              xticks=range(0, 24, 3))
    ax[1].legend(fontsize=8)

    _vpp_value_by_month(ax[2], _df(con, """
        select e.program_id, date_trunc('month', e.date) as month,
            sum(e.customer_incentive_usd) as incentives, sum(e.grid_value_usd) as grid_value
        from marts.dispatch_events as e
        group by all order by month
    """))

    delivery = _df(con, """
        select program_id, avg(requested_kwh) as requested, avg(delivered_kwh) as delivered,
            avg(case when participated_flag then 1.0 else 0.0 end) as participation
        from marts.dispatch_events group by all order by program_id
    """)
    if delivery.empty:
        _empty(ax[3], "Energy per home-event by programme", "no VPP dispatch events in this pack")
        return
    x = np.arange(len(delivery))
    ax[3].bar(x - 0.2, delivery["requested"], width=0.4, label="requested")
    ax[3].bar(x + 0.2, delivery["delivered"], width=0.4, label="delivered")
    ax[3].set_xticks(x, delivery["program_id"], rotation=45, ha="right", fontsize=7)
    ax[3].set(title="Energy per home-event by programme", xlabel="programme", ylabel="kWh per home-event")
    ax[3].legend(fontsize=8)


def _vpp_value_by_month(ax, value) -> None:
    """Grid value and incentives side by side, one slot per month labelled by month (no date ticks between)."""
    monthly = value.groupby("month")[["grid_value", "incentives"]].sum().sort_index()
    title = "VPP value per month (all programmes)"
    if monthly.empty:
        _empty(ax, title, "no VPP dispatch events in this pack")
        return
    x = np.arange(len(monthly))
    ax.bar(x - 0.2, monthly["grid_value"], width=0.4, label="grid value")
    ax.bar(x + 0.2, monthly["incentives"], width=0.4, label="customer incentives")
    ax.set_xticks(x, [f"{m:%b %Y}" for m in monthly.index], rotation=30 if len(x) > 12 else 0)
    ax.set(title=title, xlabel="month (of the event's date)", ylabel="USD")
    ax.legend(fontsize=8)


def _kpi_page(con, hourly, ax):
    kpis = _df(con, """
        select date,
            sum(active_households) as households,
            sum(active_batteries) as batteries,
            sum(total_dispatched_kwh) as dispatched_kwh,
            sum(avg_bill_reduction_pct * active_households) / nullif(sum(active_households), 0) as bill_reduction_pct,
            sum(outages_supported_count) as outages_supported,
            sum(estimated_grid_value_usd) as grid_value_usd,
            sum(service_ticket_rate * active_households) / nullif(sum(active_households), 0) as ticket_rate
        from marts.portfolio_kpis_daily group by all order by date
    """)
    ax[0].plot(kpis["date"], kpis["households"], label="active households")
    ax[0].plot(kpis["date"], kpis["batteries"], label="active batteries")
    ax[0].set(title="Fleet size", ylabel="households / batteries in service")
    ax[0].legend(fontsize=8)

    ax[1].plot(kpis["date"], kpis["bill_reduction_pct"])
    ax[1].set(title="Average bill reduction (weighted by active homes)", ylabel="bill reduction, %")

    title = "VPP energy dispatched per day and cumulative grid value"
    if not kpis["dispatched_kwh"].fillna(0).any():
        _empty(ax[2], title, "no VPP dispatch in this pack")
    else:
        ax[2].bar(kpis["date"], kpis["dispatched_kwh"], width=1.0, label="dispatched kWh")
        ax[2].set(title=title, ylabel="kWh per day")
        twin = ax[2].twinx()
        twin.plot(kpis["date"], kpis["grid_value_usd"].cumsum(), color="tab:green", label="cumulative grid value")
        twin.set_ylabel("USD (cumulative)")
        twin.legend(loc="upper left", fontsize=8)

    ax[3].plot(kpis["date"], kpis["ticket_rate"] * 1000, label="service tickets per 1,000 homes")
    ax[3].set(title="Service and outages", ylabel="tickets per 1,000 homes per day")
    if kpis["outages_supported"].fillna(0).any():
        twin = ax[3].twinx()
        twin.bar(kpis["date"], kpis["outages_supported"], width=1.0, color="tab:purple", alpha=0.4,
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
