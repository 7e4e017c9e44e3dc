"""Charts. Each function takes computed frames, ``ax=None``, and returns the Axes.

The foundation charts live here; each analysis area has its own submodule
(``crmkit.plots.segmentation``, ``crmkit.plots.lifecycle``, ...). No function calls
``plt.show()``.
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from ..periods import Period
from .theme import set_theme

__all__ = [
    "set_theme",
    "plot_trend",
    "plot_kpi_change",
    "plot_missing",
    "plot_cleaning_log",
    "currency_formatter",
    "money_axis",
    "get_ax",
    "date_axis",
    "empty_ax",
]


def currency_formatter(currency: str = "¥") -> mticker.FuncFormatter:
    """Axis formatter such as ¥12k, ¥1.2M."""
    sym = currency

    def f(x, _pos):
        a = abs(x)
        if a >= 1e6:
            return f"{sym}{x / 1e6:.1f}M"
        if a >= 1e3:
            return f"{sym}{x / 1e3:.0f}k"
        return f"{sym}{x:.0f}"

    return mticker.FuncFormatter(f)


def money_axis(currency: str = "¥") -> mticker.FuncFormatter:
    """Money ticks: ¥1,500 below ten thousand, ¥12k / ¥1.2M above (no two ticks alike).

    Examples
    --------
    >>> f = money_axis("¥")
    >>> f(1500, 0), f(25000, 0)
    ('¥1,500', '¥25k')
    """
    big = currency_formatter(currency)
    return mticker.FuncFormatter(lambda v, pos: big(v, pos) if abs(v) >= 10_000 else f"{currency}{v:,.0f}")


def get_ax(ax=None, figsize=None):
    """``ax``, or the Axes of a new figure of ``figsize`` when ``ax`` is None."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def date_axis(ax, *, minticks: int | None = None, maxticks: int | None = None) -> None:
    """Concise date ticks on the x axis (``2025``, ``Apr``, ``Jul``; the year once)."""
    loc = mdates.AutoDateLocator(**{k: v for k, v in (("minticks", minticks), ("maxticks", maxticks))
                                    if v is not None})
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))


def empty_ax(ax, text: str, *, title: str | None = None):
    """Say in the chart's place why there is nothing to draw; return ``ax``."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_axis_off()
    if title is not None:
        ax.set(title=title)
    return ax


def plot_trend(trend: pd.DataFrame, *, y: str = "revenue", period: Period | None = None,
               currency: str | None = None, ax=None, label: str | None = None):
    """Line chart of one column of :func:`crmkit.analysis.kpi.kpi_trend`, the report period shaded.

    Parameters
    ----------
    trend : DataFrame
        Indexed by period start.
    y : str, default "revenue"
        Column to draw.
    period : Period, optional
        Shaded when given.
    currency : str, optional
        Format the y axis as money.
    """
    ax = get_ax(ax)
    sns.lineplot(x=trend.index, y=trend[y], marker="o", ax=ax, label=label)
    if period is not None:
        ax.axvspan(period.start, period.end_exclusive, color="tab:orange", alpha=0.15,
                   label=f"report period {period.label}")
        ax.legend(loc="best")
    if currency is not None:
        ax.yaxis.set_major_formatter(currency_formatter(currency))
    ax.set(xlabel="", ylabel=y.replace("_", " "), title=f"{y.replace('_', ' ').capitalize()} per month")
    ax.set_ylim(bottom=0)
    return ax


def plot_kpi_change(kpis: pd.DataFrame, *, kind: str = "amounts", ax=None):
    """Bars of each KPI's change against the previous period, coloured by good or bad news.

    Parameters
    ----------
    kpis : DataFrame
        Output of :func:`crmkit.analysis.kpi.kpi_table`.
    kind : {"amounts", "rates"}, default "amounts"
        ``amounts``: amounts, counts and ratios, relative change in %; ``rates``: shares
        and scores (retention, churn, return rate, NPS, CSAT), change in points. One axis
        never mixes the two.
    ax : Axes, optional
    """
    from ..analysis.kpi.kpis import LOWER_IS_BETTER
    from ..fmt import RATE_UNITS, change

    ax = get_ax(ax)
    rates = kpis["unit"].isin(list(RATE_UNITS))
    d = kpis.loc[rates if kind == "rates" else ~rates].dropna(subset=["change"]).iloc[::-1]
    if d.empty:
        ax.text(0.5, 0.5, "no comparison with the previous period", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    scale = np.where(d["unit"] == "share", 100.0, 1.0) if kind == "rates" else 100.0
    x = d["change"].to_numpy() * scale
    good = (d["change"] >= 0) ^ d.index.isin(list(LOWER_IS_BETTER))
    ax.barh(d["label"], x, color=np.where(good, "#2f8132", "#ba2525"))
    ax.axvline(0, color="black", linewidth=0.8)
    span = max(abs(x).max(), 1e-9)
    for y, (xv, (_, r)) in enumerate(zip(x, d.iterrows())):
        ax.text(xv + (0.02 * span if xv >= 0 else -0.02 * span), y,
                change(r["value"], r["previous"], unit=r["unit"]),
                va="center", ha="left" if xv >= 0 else "right", fontsize=8)
    ax.set_xlim(-1.25 * span if (x < 0).any() else -0.05 * span,
                1.25 * span if (x > 0).any() else 0.05 * span)
    if kind == "rates":
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:+.0f} pts"))
        ax.set(xlabel="change in points", ylabel="", title="Rates and scores: change in points")
    else:
        ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:+.0f}%"))
        ax.set(xlabel="relative change", ylabel="", title="Amounts and counts: change in %")
    return ax


def plot_missing(profile: pd.DataFrame, *, ax=None, top: int = 20):
    """Bars of the share of missing values per column (columns with any missing).

    Parameters
    ----------
    profile : DataFrame
        Output of :func:`crmkit.data.pipeline.profile_tables`.
    """
    ax = get_ax(ax)
    d = profile[profile["missing"] > 0].sort_values("missing_share", ascending=False).head(top)
    if d.empty:
        ax.text(0.5, 0.5, "No missing values", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    labels = d["table"] + "." + d["column"]
    sns.barplot(x=100 * d["missing_share"], y=labels, ax=ax, color="#3e7cb1")
    ax.set(xlabel="% missing", ylabel="", title="Missing values by column")
    return ax


def plot_cleaning_log(log: pd.DataFrame, *, ax=None):
    """Bars of rows affected per cleaning rule (rules that found something)."""
    ax = get_ax(ax)
    d = log[log["rows_affected"] > 0].copy()
    if d.empty:
        ax.text(0.5, 0.5, "Nothing needed cleaning", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    d["what"] = d["table"] + ": " + d["rule"].str.replace("_", " ")
    d = d.sort_values("rows_affected", ascending=False)
    sns.barplot(x=d["rows_affected"], y=d["what"], ax=ax, color="#d9822b")
    ax.set_xscale("log")
    ax.set(xlabel="rows affected (log scale)", ylabel="", title="What the cleaning step changed")
    return ax
