"""Charts of the sales forecast (notebook 09). Each takes frames computed by
:mod:`crmkit.analysis.forecast`, ``ax=None``, and returns the Axes.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from ..analysis.forecast.series import period_lengths
from . import currency_formatter, date_axis, get_ax

__all__ = [
    "plot_history",
    "plot_trend",
    "plot_weekday_effects",
    "plot_yearly_curve",
    "plot_festival_effects",
    "plot_backtest",
    "plot_forecast",
    "plot_monthly_forecast",
    "plot_segment_forecast",
]

_BLUE, _ORANGE, _GREY, _RED, _GREEN = "#3e7cb1", "#d9822b", "#9aa5b1", "#ba2525", "#2f8132"
_WORDS = {"revenue": "revenue", "orders": "orders", "active_customers": "active customers"}




def _money_or_count(ax, currency: str | None) -> None:
    if currency is not None:
        ax.yaxis.set_major_formatter(currency_formatter(currency))
    else:
        ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda x, _: f"{x:,.0f}"))


def plot_history(series: pd.DataFrame, *, y: str = "revenue", freq: str = "W",
                 currency: str | None = None, ax=None):
    """Line of one measure per day, week or month (:func:`sales_series`).

    Periods with fewer days than a full one (the first and last week or month) are
    scaled to a full period and drawn dashed, so a half week does not look like a drop.

    Parameters
    ----------
    series : DataFrame
        :func:`crmkit.analysis.forecast.sales_series` (with its ``days`` and
        ``complete`` columns).
    y : {"revenue", "orders", "active_customers"}, default "revenue"
    freq : {"D", "W", "M", "Q"}, default "W"
        The periods of ``series``.
    currency : str, optional
        Format the axis as money.
    """
    ax = get_ax(ax, figsize=(10, 3.2))
    per = {"D": "day", "W": "week", "M": "month", "Q": "quarter"}[freq]
    v = series[y].astype(float)
    partial = ~series["complete"].to_numpy(dtype=bool)
    if y != "active_customers":  # counts of distinct customers do not scale with days
        v = v.where(~partial, v * period_lengths(series.index, freq) / series["days"].clip(lower=1))
    ax.plot(series.index, v.where(~partial), color=_BLUE, marker="o" if len(v) <= 40 else None,
            markersize=3, linewidth=1.6)
    if partial.any():
        ax.plot(series.index[partial], v[partial], color=_BLUE, linestyle="none", marker="o",
                markerfacecolor="white", markersize=4, label="partial period (scaled to a whole one)")
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    date_axis(ax, minticks=4, maxticks=10)
    _money_or_count(ax, currency)
    ax.set_ylim(bottom=0)
    word = _WORDS.get(y, y.replace("_", " "))
    ax.set(xlabel="", ylabel=f"{word} per {per}", title=f"{word.capitalize()} per {per}")
    return ax


def plot_trend(components: pd.DataFrame, *, currency: str | None = None, ax=None):
    """Daily sales (7-day average) and the model's underlying level, on the sales scale.

    Parameters
    ----------
    components : DataFrame
        :meth:`crmkit.analysis.forecast.SalesForecaster.components` (log scale).
    """
    ax = get_ax(ax, figsize=(10, 3.2))
    observed = np.expm1(components["observed"])
    ax.plot(components.index, observed.rolling(7, center=True, min_periods=1).mean(), color=_GREY,
            linewidth=1, label="sales, 7-day average")
    ax.plot(components.index, np.expm1(components["trend"]), color=_BLUE, linewidth=2,
            label="underlying level (weekdays, season, festivals taken out)")
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    date_axis(ax, minticks=4, maxticks=10)
    _money_or_count(ax, currency)
    ax.set_ylim(bottom=0)
    ax.set(xlabel="", ylabel="per day", title="Trend: the underlying level of daily sales")
    return ax


def plot_weekday_effects(weekdays: pd.DataFrame, *, ax=None):
    """Bars: each weekday's sales against the average weekday (with 95% intervals).

    Parameters
    ----------
    weekdays : DataFrame
        :func:`crmkit.analysis.forecast.weekday_effects`.
    """
    ax = get_ax(ax, figsize=(5, 3.2))
    pct = 100 * (weekdays["factor"] - 1)
    err = np.vstack([pct - 100 * (weekdays["lower"] - 1), 100 * (weekdays["upper"] - 1) - pct])
    colors = np.where(pct >= 0, _BLUE, _ORANGE)
    ax.bar(weekdays["weekday"], pct, color=colors, yerr=err, capsize=3, ecolor="#444444")
    ax.axhline(0, color="black", linewidth=0.8)
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda x, _: f"{x:+.0f}%"))
    ax.set(xlabel="", ylabel="vs average weekday", title="Weekly pattern")
    return ax


def plot_yearly_curve(curve: pd.DataFrame, *, ax=None):
    """Line: the yearly curve, sales against the yearly average by time of year.

    Parameters
    ----------
    curve : DataFrame
        :func:`crmkit.analysis.forecast.yearly_curve`.
    """
    ax = get_ax(ax, figsize=(5, 3.2))
    if curve.empty:
        ax.text(0.5, 0.5, "No yearly curve:\nless than two years of history", ha="center",
                va="center", transform=ax.transAxes, color="#555555")
        ax.set_axis_off()
        ax.set(title="Yearly pattern")
        return ax
    pct = 100 * (curve["factor"] - 1)
    ax.plot(curve["date"], pct, color=_BLUE, linewidth=2)
    ax.fill_between(curve["date"], 0, pct, where=pct >= 0, color=_BLUE, alpha=0.15)
    ax.fill_between(curve["date"], 0, pct, where=pct < 0, color=_ORANGE, alpha=0.15)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 3, 5, 7, 9, 11)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda x, _: f"{x:+.0f}%"))
    ax.set(xlabel="", ylabel="vs yearly average", title="Yearly pattern (festivals apart)")
    return ax


def plot_festival_effects(festivals: pd.DataFrame, *, top: int = 12, ax=None):
    """Horizontal bars: sales on festival days and their run-ups as a multiple of an ordinary day.

    Parameters
    ----------
    festivals : DataFrame
        :func:`crmkit.analysis.forecast.festival_effects`.
    top : int, default 12
        The largest effects (up or down).
    """
    d = festivals.head(top).iloc[::-1]
    ax = get_ax(ax, figsize=(6, 0.35 * len(d) + 1.2))
    if d.empty:
        ax.text(0.5, 0.5, "No festival days in the history", ha="center", va="center",
                transform=ax.transAxes, color="#555555")
        ax.set_axis_off()
        return ax
    names = [r["festival"] if r["part"] == "day" else f"{r['festival']} ({r['part']}, per day)"
             for _, r in d.iterrows()]
    colors = np.where(d["factor"] >= 1, _BLUE, _ORANGE)
    # a log scale: a halving and a doubling are the same distance from 1x
    ax.barh(names, np.log2(d["factor"]), left=0, color=colors, alpha=0.9)
    ax.errorbar(np.log2(d["factor"]), names, xerr=np.vstack([np.log2(d["factor"] / d["lower"]),
                                                             np.log2(d["upper"] / d["factor"])]),
                fmt="none", ecolor="#444444", capsize=3)
    lo = max(-6.0, np.floor(min(np.log2(d["lower"]).min(), -1)))
    hi = min(6.0, np.ceil(max(np.log2(d["upper"]).max(), 1)))
    ax.set_xlim(lo - 0.2, hi + 0.2)
    ticks = np.arange(lo, hi + 1)
    ax.set_xticks(ticks, [f"{2.0 ** t:g}x" for t in ticks])
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set(xlabel="sales as a multiple of an ordinary day (1x = no effect; log scale)", ylabel="",
           title="Festival effects")
    return ax


def plot_backtest(bt: pd.DataFrame, *, candidates: list[str], labels: dict | None = None,
                  origin=None, currency: str | None = None, ax=None):
    """Lines: one backtest origin, actual days against each candidate's forecast (7-day averages).

    Parameters
    ----------
    bt : DataFrame
        :func:`crmkit.analysis.forecast.rolling_origin`.
    candidates : list of str
        Candidates drawn (e.g. the chosen model and the best baseline).
    labels : dict, optional
        Candidate -> words (:data:`MODEL_LABELS`).
    origin : date-like, optional
        Default: the latest origin.
    """
    ax = get_ax(ax, figsize=(10, 3.5))
    origin = bt["origin"].max() if origin is None else pd.Timestamp(origin)
    d = bt[bt["origin"] == origin]
    first = d[d["candidate"] == d["candidate"].iloc[0]].set_index("date")["actual"]
    ax.plot(first.index, first.rolling(7, min_periods=1).mean(), color="black", linewidth=2,
            label="actual")
    for cand, color in zip(candidates, (_ORANGE, _GREY, _GREEN, _RED), strict=False):
        f = d[d["candidate"] == cand].set_index("date")
        if f.empty:
            continue
        name = (labels or {}).get(cand, cand)
        ax.plot(f.index, f["forecast"].rolling(7, min_periods=1).mean(), color=color, linewidth=1.8,
                label=name)
        if cand == candidates[0]:
            ax.fill_between(f.index, f["lower"].rolling(7, min_periods=1).mean(),
                            f["upper"].rolling(7, min_periods=1).mean(), color=color, alpha=0.15)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False, fontsize=8, ncols=3)
    date_axis(ax, minticks=4, maxticks=10)
    _money_or_count(ax, currency)
    ax.set_ylim(bottom=0)
    ax.set(xlabel="", ylabel="per day (7-day average)",
           title=f"Backtest from {pd.Timestamp(origin):%Y-%m-%d}: forecast against what happened")
    return ax


def plot_forecast(history: pd.Series, forecast: pd.DataFrame, *, actual: pd.Series | None = None,
                  currency: str | None = None, days_shown: int = 365, interval: float = 0.8, ax=None):
    """The last year of daily sales, the forecast and its interval (and what happened, if known).

    Parameters
    ----------
    history : Series
        Daily sales up to the reference date.
    forecast : DataFrame
        ``daily`` of a :class:`crmkit.analysis.forecast.Forecast` (``forecast``,
        ``lower``, ``upper`` per day).
    actual : Series, optional
        Daily sales after the reference date (a report on a past period).
    days_shown : int, default 365
        History days drawn.
    interval : float, default 0.8
        For the legend.
    """
    ax = get_ax(ax, figsize=(11, 4))
    h = history.iloc[-int(days_shown):]
    ax.plot(h.index, h, color=_GREY, linewidth=0.6, label="per day")
    ax.plot(h.index, h.rolling(7, center=True, min_periods=1).mean(), color=_BLUE, linewidth=1.8,
            label="7-day average")
    ax.fill_between(forecast.index, forecast["lower"], forecast["upper"], color=_ORANGE, alpha=0.2,
                    label=f"{interval:.0%} range")
    ax.plot(forecast.index, forecast["forecast"], color=_ORANGE, linewidth=1.2, label="forecast")
    if actual is not None and len(actual):
        a = actual.loc[forecast.index.min(): forecast.index.max()]
        ax.plot(a.index, a.rolling(7, center=True, min_periods=1).mean(), color="black", linewidth=1.5,
                label="what happened (7-day average)")
    ax.axvline(h.index[-1], color="#444444", linewidth=0.8, linestyle="--")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False, fontsize=8, ncols=5)
    date_axis(ax, minticks=4, maxticks=10)
    _money_or_count(ax, currency)
    ax.set_ylim(bottom=0)
    ax.set(xlabel="", ylabel="per day", title="Daily sales: the last year and the forecast")
    return ax


def plot_monthly_forecast(history: pd.DataFrame, table: pd.DataFrame, *, y: str = "revenue",
                          actual: pd.Series | None = None, currency: str | None = None,
                          months_shown: int = 12, interval: float = 0.8, ax=None):
    """Bars: the last months' totals and the forecast months with their ranges.

    Parameters
    ----------
    history : DataFrame
        :func:`sales_series` with ``freq="M"`` up to the reference date (partial months
        are drawn lighter).
    table : DataFrame
        :func:`crmkit.analysis.forecast.forecast_table` (monthly), with ``<y>``,
        ``<y>_lower`` and ``<y>_upper``.
    actual : Series, optional
        Monthly actuals of forecast months (``compare_with_actual``'s ``actual``),
        drawn as black marks.
    """
    ax = get_ax(ax, figsize=(11, 3.8))
    h = history.iloc[-int(months_shown):]
    full = h["complete"].to_numpy(dtype=bool)
    hl = [f"{d:%Y-%m}" for d in h.index]
    ax.bar(hl, h[y], color=np.where(full, _BLUE, "#b9d1e6"), label="actual")
    t = table[table["days"] > 0]
    tl = list(t.index)
    err = np.vstack([t[y] - t[f"{y}_lower"], t[f"{y}_upper"] - t[y]])
    ax.bar(tl, t[y], color=_ORANGE, alpha=0.85, yerr=err, capsize=3, ecolor="#444444",
           label=f"forecast ({interval:.0%} range)")
    if actual is not None and len(actual):
        a = actual.reindex(tl)
        ax.scatter(tl, a, marker="_", s=400, color="black", zorder=3, linewidths=2.5,
                   label="what happened")
    ax.tick_params(axis="x", rotation=45)
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    _money_or_count(ax, currency)
    word = _WORDS.get(y, y)
    ax.set(xlabel="", ylabel=f"{word} per month", title=f"{word.capitalize()} per month: actual and forecast")
    return ax


def plot_segment_forecast(segments: pd.DataFrame, *, period_label: str, currency: str | None = None,
                          interval: float = 0.8, ax=None):
    """Horizontal bars: each segment's forecast for a quarter, its range and the same quarter last year.

    Parameters
    ----------
    segments : DataFrame
        :func:`crmkit.analysis.forecast.segment_forecasts`.
    period_label : str
        The quarter, for the title.
    """
    d = segments.iloc[::-1]
    ax = get_ax(ax, figsize=(8, 0.5 * len(d) + 1.3))
    err = np.vstack([d["forecast"] - d["lower"], d["upper"] - d["forecast"]])
    ax.barh(d.index, d["forecast"], color=_ORANGE, alpha=0.85, xerr=err, capsize=3, ecolor="#444444",
            label=f"forecast ({interval:.0%} range)")
    if d["last_year"].notna().any():
        ax.scatter(d["last_year"], d.index, marker="|", s=300, color="black", linewidths=2.5, zorder=3,
                   label="same quarter last year")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, fontsize=8, ncols=2)
    if currency is not None:
        ax.xaxis.set_major_formatter(currency_formatter(currency))
    ax.set(xlabel="", ylabel="", title=f"Forecast for {period_label} by segment")
    return ax
