"""The validation report of a built pack: every realism metric beside its published reference, tolerance,
citation and verdict (from the dbt model validation.validation_results), the weather process against real
TMY weather, and charts - written as markdown + PNG into the release."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .tmy_validation import (CLEARNESS_LAG1_TOLERANCE, CLEARNESS_SD_TOLERANCE, GHI_TOLERANCE, JSD_LIMIT,
                             MIDNIGHT_RATIO_RANGE, PEARSON_LIMIT, TEMPERATURE_LAG1_TOLERANCE, TmyComparison, compare)

AREAS = ["PV", "Load", "VPP", "Outages", "Markets", "Weather", "Batteries", "Customers", "Causal"]
COLOURS = {"pass": "tab:green", "fail": "tab:red", "insufficient_data": "tab:grey"}


def results(con):
    return con.execute("select * from validation.validation_results order by area, metric_id, scope").df()


def write_report(con, out: Path, pack: str, seed: int) -> dict:
    """Write VALIDATION_REPORT.md and its charts into `out`; return the verdict counts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    frame = results(con)
    tmy = compare(seed)
    counts = frame["status"].value_counts().to_dict()
    counts["tmy_fail"] = sum(not c.passed for c in tmy)

    lines = [f"# Solstice validation report: pack `{pack}`", "",
             "Every figure below is measured on this pack by the dbt models in `models/validation/` "
             "(`validation.validation_results`) and compared with a published reference; the references, "
             "tolerances and citations are in `seeds/validation_targets.csv` and the seeds they name. "
             "A metric outside its tolerance fails `dbt build`; `insufficient_data` means the pack is too small "
             "or too short for that metric (the dev pack, for instance). Regenerate with `make validate`.", "",
             f"**{counts.get('pass', 0)} pass, {counts.get('fail', 0)} fail, "
             f"{counts.get('insufficient_data', 0)} insufficient data; weather vs TMY: "
             f"{len(tmy) - counts['tmy_fail']} of {len(tmy)} cities pass.**", ""]
    for area in AREAS:
        part = frame[frame["area"] == area]
        if part.empty:
            continue
        chart = f"validation_{area.lower()}.png"
        _area_chart(plt, part, out / chart, area)
        lines += [f"## {area}", "", f"![{area}]({chart})", "",
                  "| metric | scope | measured | accepted range | unit | sample | verdict | reference |",
                  "|---|---|---|---|---|---|---|---|"]
        for row in part.itertuples():
            lines.append(f"| {row.metric} | {row.scope} | {_fmt(row.measured_value)} | "
                         f"{_range(row.reference_low, row.reference_high)} | {row.unit} | {_fmt(row.sample_size)} | "
                         f"{_verdict(row.status)} | {row.reference} |")
        lines.append("")
    _tmy_chart(plt, tmy, out / "validation_weather_vs_tmy.png")
    lines += ["## Weather process against real TMY weather", "",
              "The generator's weather for a calendar year at each city, against the TMY file pvlib ships for "
              "it, both run through the generator's own PV chain (south roof, 20 degrees, PVWatts losses). "
              "Method and thresholds of reference 004 (which reports JSD 0.12-0.42 against real data): monthly "
              f"GHI within +/-{GHI_TOLERANCE:.0%}, Jensen-Shannon divergence of daily PV energy below {JSD_LIMIT}, "
              f"Pearson correlation of the mean hourly profile above {PEARSON_LIMIT}. The monthly clear-sky "
              "indices of these two cities were read from the same TMY files, so the monthly check confirms "
              "the process holds its calibration; the daily distribution and the hourly shape were not fitted.", "",
              "![Weather vs TMY](validation_weather_vs_tmy.png)", "",
              "| city | TMY file | worst month GHI deviation | JSD daily PV | Pearson hourly profile | verdict |",
              "|---|---|---|---|---|---|"]
    for c in tmy:
        lines.append(f"| {c.city} | `{c.tmy_file}` | {c.worst_month_deviation:+.1%} | {c.jensen_shannon:.3f} | "
                     f"{c.pearson:.4f} | {_verdict('pass' if c.passed else 'fail')} |")
    lines += ["", "How the weather hangs together from hour to hour, same files: lag-1 autocorrelation of hourly "
              f"clearness around its day's mean (within +/-{CLEARNESS_LAG1_TOLERANCE} of the TMY file's), its "
              f"standard deviation (within +/-{CLEARNESS_SD_TOLERANCE}), the lag-1 autocorrelation of hourly "
              f"temperature (within +/-{TEMPERATURE_LAG1_TOLERANCE}), and the mean absolute temperature change "
              "from 23:00 to 00:00 relative to the other hours "
              f"({MIDNIGHT_RATIO_RANGE[0]}-{MIDNIGHT_RATIO_RANGE[1]}).", "",
              "| city | clearness lag-1 TMY / pack | clearness sd within the day TMY / pack "
              "| temperature lag-1 TMY / pack | midnight change ratio TMY / pack |",
              "|---|---|---|---|---|"]
    for c in tmy:
        real, synthetic = c.seams_tmy, c.seams_synthetic
        lines.append(f"| {c.city} | {real.clearness_lag1:.2f} / {synthetic.clearness_lag1:.2f} | "
                     f"{real.clearness_within_day_sd:.3f} / {synthetic.clearness_within_day_sd:.3f} | "
                     f"{real.temperature_lag1:.3f} / {synthetic.temperature_lag1:.3f} | "
                     f"{real.midnight_ratio:.2f} / {synthetic.midnight_ratio:.2f} |")
    (out / "VALIDATION_REPORT.md").write_text("\n".join(lines) + "\n")
    return counts


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    value = float(value)
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _range(low, high) -> str:
    low = None if low is None or np.isnan(low) else low
    high = None if high is None or np.isnan(high) else high
    if low is not None and high is not None:
        return f"{_fmt(low)} - {_fmt(high)}"
    return f">= {_fmt(low)}" if low is not None else (f"<= {_fmt(high)}" if high is not None else "-")


def _verdict(status: str) -> str:
    return {"pass": "pass", "fail": "**FAIL**", "insufficient_data": "insufficient data"}[status]


def _position(row) -> float:
    """Where the measurement sits on the metric's own scale: the accepted range is [0, 1] (a one-sided threshold
    is 1, twice it 2), clipped to [-1, 2]; NaN when nothing was measured."""
    low, high, value = row.reference_low, row.reference_high, row.measured_value
    if value is None or value != value:
        return np.nan
    if low == low and high == high:
        x = (value - low) / (high - low if high > low else 1.0)
    elif low == low:
        x = value / low if low else np.nan
    else:
        return np.nan
    return float(np.clip(x, -1.0, 2.0)) if x == x else np.nan


def _value_label(row) -> str:
    """The measurement in its unit beside its accepted range, e.g. `1,723 kWh per kW (accepted 1,520 - 1,860)`."""
    accepted = _range(row.reference_low, row.reference_high)
    if row.measured_value is None or row.measured_value != row.measured_value:
        return f"not measured (accepted {accepted} {row.unit})"
    label = f"{_fmt(row.measured_value)} {row.unit} (accepted {accepted})"
    if row.status == "insufficient_data":
        label += f"; sample {_fmt(row.sample_size)} < {_fmt(row.min_sample)}"
    return label


def _area_chart(plt, part, path: Path, area: str) -> None:
    """Each metric on its own scale: the accepted range is the grey band [0, 1], the dot is the measurement,
    and the value with its unit and accepted range is written at the right. A metric the pack cannot measure
    says so instead of drawing an empty band; an area with nothing measured has no scale at all."""
    rows = list(part.itertuples())
    positions = [_position(row) for row in rows]
    measured_any = any(x == x for x in positions)
    fig, ax = plt.subplots(figsize=(13, 0.45 * len(rows) + 1.8))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", alpha=0.3)
    for i, (row, x) in enumerate(zip(rows, positions)):
        if x != x and row.status == "insufficient_data":
            ax.text(0.5, i, "insufficient data in this pack", ha="center", va="center", fontsize=8,
                    style="italic", color="0.4")
        else:
            one_sided = row.reference_high != row.reference_high
            ax.barh(i, 1.0, left=1.0 if one_sided else 0.0, color="0.85", height=0.6)
        if x == x:
            hollow = row.status == "insufficient_data"
            ax.plot(x, i, "o", markersize=8, color=COLOURS[row.status],
                    markerfacecolor="white" if hollow else COLOURS[row.status])
        ax.annotate(_value_label(row), xy=(1.01, i), xycoords=("axes fraction", "data"), va="center",
                    fontsize=7.5, color="0.25", annotation_clip=False)
    ax.set_yticks(range(len(rows)), [f"{row.metric_id} ({row.scope})" for row in rows], fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(-1.05, 2.05)
    if measured_any:
        ax.axvline(0, color="0.6", lw=0.8)
        ax.axvline(1, color="0.6", lw=0.8)
        ax.set_xticks([-1, 0, 1, 2], ["-1 or below", "low end", "high end\n(one-sided: threshold)",
                                      "2 or above\n(one-sided: twice it)"])
        ax.set_xlabel("position of the measurement in its accepted range (dimensionless; "
                      "value and unit at the right)")
    else:
        ax.set_xticks([])
        ax.grid(False)
        ax.set_xlabel(f"none of the {len(rows)} {area} metrics can be measured on this pack: "
                      "it is too small or too short (the mvp pack measures them)")
    ax.set_title(f"{area}: measured (dot: green pass, red fail, hollow grey insufficient sample) "
                 "against the accepted range (grey band)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)


def _tmy_chart(plt, tmy: list[TmyComparison], path: Path) -> None:
    fig, axes = plt.subplots(len(tmy), 3, figsize=(15, 4.2 * len(tmy)), squeeze=False)
    months = np.arange(1, 13)
    for row, c in zip(axes, tmy):
        row[0].bar(months - 0.2, c.monthly_ghi_tmy, width=0.4, label="TMY")
        row[0].bar(months + 0.2, c.monthly_ghi_synthetic, width=0.4, label="Solstice weather")
        row[0].set(title=f"{c.city}: monthly GHI", ylabel="kWh/m2", xticks=months)
        bins = np.arange(0, 8.25, 0.25)
        row[1].hist(c.daily_kwh_per_kw_tmy, bins=bins, alpha=0.6, label="TMY")
        row[1].hist(c.daily_kwh_per_kw_synthetic, bins=bins, alpha=0.6, label="Solstice weather")
        row[1].set(title=f"daily PV energy (JSD {c.jensen_shannon:.3f})", xlabel="kWh per kW DC", ylabel="days")
        row[2].plot(range(24), c.hourly_profile_tmy, label="TMY")
        row[2].plot(range(24), c.hourly_profile_synthetic, label="Solstice weather")
        row[2].set(title=f"mean hourly PV (Pearson {c.pearson:.3f})", xlabel="local standard hour",
                   ylabel="kWh per kW DC", xticks=range(0, 24, 3))
        for axis in row:
            axis.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
