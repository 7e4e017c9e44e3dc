"""Charts for customer behaviour (notebook 02). Each takes frames computed by
:mod:`crmkit.analysis.behaviour`, ``ax=None``, and returns the Axes.
"""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from . import currency_formatter, get_ax

__all__ = [
    "plot_purchase_frequency",
    "plot_order_values",
    "plot_repeat_gaps",
    "plot_reorder_curve",
    "plot_weekday_hour",
    "plot_weekday_profile",
    "plot_month_profile",
    "plot_daily_orders",
    "plot_festival_lift",
    "plot_category_mix",
    "plot_first_category",
    "plot_funnel",
]

_PCT = mticker.PercentFormatter(xmax=1, decimals=0)
_BLUE = "#3e7cb1"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")



def plot_purchase_frequency(frequency: pd.DataFrame, *, ax=None):
    """Bars: share of customers by number of orders in the window.

    Parameters
    ----------
    frequency : DataFrame
        Output of :func:`crmkit.analysis.behaviour.purchase_frequency`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    bars = ax.bar(frequency["label"], frequency["share"], color=_BLUE)
    ax.bar_label(bars, labels=[f"{100 * v:.0f}%" for v in frequency["share"]], padding=2, fontsize=8)
    ax.yaxis.set_major_formatter(_PCT)
    ax.set(xlabel="orders per customer in the window", ylabel="share of customers",
           title="How many orders each customer placed")
    return ax


def plot_order_values(values: pd.Series, *, currency: str = "¥", ax=None):
    """Histogram of order values on a logarithmic axis, with the median marked.

    Parameters
    ----------
    values : Series
        Output of :func:`crmkit.analysis.behaviour.order_values`.
    currency : str, default "¥"
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    v = values[values > 0]
    sns.histplot(x=v.to_numpy(), log_scale=True, bins=50, color=_BLUE, ax=ax)
    med = float(v.median())
    ax.axvline(med, color="black", linestyle="--", linewidth=1)
    ax.text(med, ax.get_ylim()[1] * 0.95, f" median {currency}{med:,.0f}", va="top", fontsize=9)
    ax.xaxis.set_major_formatter(currency_formatter(currency))
    ax.set(xlabel="order value (log scale)", ylabel="orders", title="How much an order is worth")
    return ax


def plot_repeat_gaps(gaps: pd.DataFrame, *, max_days: int = 365, ax=None):
    """Histogram of days between consecutive purchase days (longer gaps piled at the end).

    Parameters
    ----------
    gaps : DataFrame
        Output of :func:`crmkit.analysis.behaviour.repeat_gaps`.
    max_days : int, default 365
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    g = gaps["gap_days"].clip(upper=max_days)
    sns.histplot(x=g.to_numpy(), bins=np.arange(0, max_days + 8, 7), color=_BLUE, ax=ax)
    med = float(gaps["gap_days"].median())
    ax.axvline(med, color="black", linestyle="--", linewidth=1)
    ax.text(med, ax.get_ylim()[1] * 0.95, f" median {med:.0f} days", va="top", fontsize=9)
    ax.set(xlabel=f"days since the previous purchase (weekly bins; {max_days}+ in the last)",
           ylabel="repeat purchases", title="Time between purchases")
    return ax


def plot_reorder_curve(km: pd.DataFrame, *, horizon_days: int | None = None, max_days: int = 365,
                       ax=None):
    """Share of new customers who have bought a second time, by days since the first purchase.

    Parameters
    ----------
    km : DataFrame
        :func:`crmkit.analysis.stats.kaplan_meier` of :func:`crmkit.analysis.behaviour.time_to_second_purchase`.
    horizon_days : int, optional
        Marked with a dotted line and its value.
    max_days : int, default 365
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    k = km.loc[km.index <= max_days]
    t = np.r_[0.0, k.index.to_numpy(dtype=float)]
    share = np.r_[0.0, 1 - k["survival"].to_numpy()]
    ax.step(t, share, where="post", color=_BLUE, linewidth=2)
    if k["ci_lower"].notna().any():
        ax.fill_between(t, np.r_[0.0, 1 - k["ci_upper"].to_numpy()], np.r_[0.0, 1 - k["ci_lower"].to_numpy()],
                        step="post", color=_BLUE, alpha=0.2, label="95% interval")
        ax.legend(loc="lower right")
    if horizon_days is not None:
        s = k["survival"].loc[k.index <= horizon_days]
        v = 1 - (s.iloc[-1] if len(s) else 1.0)
        ax.axvline(horizon_days, color="grey", linestyle=":")
        ax.text(horizon_days, v, f" {100 * v:.0f}% by day {horizon_days}", va="bottom", fontsize=9)
    ax.yaxis.set_major_formatter(_PCT)
    ax.set_ylim(0, 1)
    ax.set_xlim(0, max_days)
    ax.set(xlabel="days since the first purchase", ylabel="share who bought again",
           title="How soon new customers buy a second time (Kaplan-Meier)")
    return ax


def plot_weekday_hour(counts: pd.DataFrame, *, ax=None):
    """Heatmap of the share of orders by weekday and hour.

    Parameters
    ----------
    counts : DataFrame
        Output of :func:`crmkit.analysis.behaviour.weekday_hour_counts`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(11, 3.8))
    m = counts.pivot(index="weekday_name", columns="hour", values="share")
    m = m.reindex([w for w in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")])
    sns.heatmap(100 * m, cmap="Blues", ax=ax, cbar_kws={"label": "% of orders"}, linewidths=0.3)
    ax.set(xlabel="hour of day", ylabel="", title="When orders are placed (weekday x hour)")
    return ax


def plot_weekday_profile(profile: pd.DataFrame, *, ax=None):
    """Bars: orders on each weekday relative to an average day (1.0).

    Parameters
    ----------
    profile : DataFrame
        Output of :func:`crmkit.analysis.behaviour.weekday_profile`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    colors = [_BLUE if w < 5 else "#d9822b" for w in profile["weekday"]]
    bars = ax.bar(profile["weekday_name"], profile["index"], color=colors)
    ax.bar_label(bars, labels=[f"{v:.2f}" for v in profile["index"]], padding=2, fontsize=8)
    ax.axhline(1, color="black", linewidth=0.8)
    ax.set(xlabel="", ylabel="orders vs average day", title="Orders by weekday (weekend in orange)")
    return ax


def plot_month_profile(profile: pd.DataFrame, *, ax=None):
    """Lines: average orders per day in each calendar month, one line per year.

    Parameters
    ----------
    profile : DataFrame
        Output of :func:`crmkit.analysis.behaviour.month_profile`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    years = sorted(profile["year"].unique())
    palette = sns.color_palette("Blues", len(years) + 1)[1:]
    for color, (y, d) in zip(palette, profile.groupby("year", sort=True)):
        ax.plot(d["month"], d["orders_per_day"], marker="o", color=color, label=str(y))
    ax.set_xticks(range(1, 13), _MONTHS)
    ax.set_ylim(bottom=0)
    ax.legend(title="", loc="upper left", ncols=min(len(years), 4))
    ax.set(xlabel="", ylabel="orders per day", title="Orders per day by calendar month")
    return ax


def plot_daily_orders(daily: pd.DataFrame, *, festivals: pd.DataFrame | None = None, ax=None):
    """Daily purchases with a 7-day average, festival days marked.

    Parameters
    ----------
    daily : DataFrame
        Output of :func:`crmkit.analysis.behaviour.daily_orders`.
    festivals : DataFrame, optional
        Output of :func:`crmkit.analysis.behaviour.festival_lift` (or ``festival_calendar``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(11, 4))
    ax.plot(daily.index, daily["orders"], color="#9aa5b1", linewidth=0.7, label="orders per day")
    ax.plot(daily.index, daily["orders"].rolling(7, center=True, min_periods=1).mean(), color=_BLUE,
            linewidth=1.8, label="7-day average")
    if festivals is not None and len(festivals):
        f = festivals.loc[festivals["date"].isin(daily.index)]
        y = daily["orders"].reindex(f["date"]).to_numpy()
        ax.scatter(f["date"], y, color="#ba2525", zorder=3, s=25, label="festival day")
        for name, day, v in zip(f["festival"], f["date"], y):
            ax.annotate(name, (day, v), textcoords="offset points", xytext=(0, 6), ha="center",
                        fontsize=8, color="#ba2525")
    ax.set_ylim(bottom=0)
    ax.legend(loc="best")
    ax.set(xlabel="", ylabel="orders", title="Orders per day and shopping festivals")
    return ax


def plot_festival_lift(lifts: pd.DataFrame, *, ax=None):
    """Bars: orders on each festival day as a multiple of the median day around it.

    Parameters
    ----------
    lifts : DataFrame
        Output of :func:`crmkit.analysis.behaviour.festival_lift`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(9, 0.35 * len(lifts) + 1.5))
    d = lifts.assign(what=lifts["festival"] + " " + lifts["date"].dt.strftime("%Y-%m-%d"))
    colors = np.where(d["lift"] >= 1, _BLUE, "#ba2525")
    bars = ax.barh(d["what"], d["lift"], color=colors)
    ax.bar_label(bars, labels=[f"{v:.1f}x" for v in d["lift"]], padding=2, fontsize=8)
    ax.axvline(1, color="black", linewidth=0.8)
    ax.invert_yaxis()
    ax.set(xlabel="orders vs the median day within 4 weeks (1 = a normal day)", ylabel="",
           title="Festival days against normal days")
    return ax


def plot_category_mix(mix: pd.DataFrame, *, value: str = "revenue_share", ax=None):
    """Heatmap: categories (columns) by customer group (rows).

    Parameters
    ----------
    mix : DataFrame
        Output of :func:`crmkit.analysis.behaviour.category_mix`.
    value : {"revenue_share", "customer_share"}, default "revenue_share"
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(10, 0.5 * mix["group"].nunique() + 2))
    m = mix.pivot(index="group", columns="category", values=value).fillna(0)
    sns.heatmap(100 * m, annot=True, fmt=".0f", cmap="Blues", ax=ax,
                cbar_kws={"label": "%"}, linewidths=0.3)
    what = "revenue" if value == "revenue_share" else "customers buying it"
    ax.set(xlabel="", ylabel="", title=f"Category share of {what} (%) by group")
    return ax


def plot_first_category(share: pd.DataFrame, *, ax=None):
    """Bars: share of first orders by category.

    Parameters
    ----------
    share : DataFrame
        Output of :func:`crmkit.analysis.behaviour.first_category_share`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    bars = ax.barh(share["category"], share["share"], color=_BLUE)
    ax.bar_label(bars, labels=[f"{100 * v:.0f}%" for v in share["share"]], padding=2, fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_PCT)
    ax.set(xlabel="share of customers", ylabel="", title="Category of the first purchase")
    return ax


def plot_funnel(funnel: pd.DataFrame, *, by: str | None = None, ax=None):
    """Lines: share of sessions (or customers) reaching each stage, per group.

    Parameters
    ----------
    funnel : DataFrame
        Output of :func:`crmkit.analysis.behaviour.event_funnel`.
    by : str, optional
        The column the funnel was split by.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    d = funnel.assign(stage=funnel["stage"].str.replace("_", " "))
    sns.lineplot(data=d, x="stage", y="share_of_start", hue=by, marker="o", ax=ax, sort=False)
    if by is None:
        for x, y in zip(d["stage"], d["share_of_start"]):
            ax.annotate(f"{100 * y:.0f}%", (x, y), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=9)
    ax.yaxis.set_major_formatter(_PCT)
    ax.set_ylim(0, 1.05)
    ax.set(xlabel="", ylabel="share of those who viewed",
           title="From viewing to buying" + (f" by {by}" if by else ""))
    return ax
