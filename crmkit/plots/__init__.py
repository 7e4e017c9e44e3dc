"""Charts. Each function takes computed frames, ``ax=None``, and returns the Axes.

The foundation charts live here; each analysis area has its own submodule
(``crmkit.plots.segmentation``, ``crmkit.plots.lifecycle``, ...). No function calls
``plt.show()``.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from ..periods import Period

__all__ = [
    "set_theme",
    "plot_trend",
    "plot_kpi_change",
    "plot_missing",
    "plot_cleaning_log",
    "currency_formatter",
]


def set_theme() -> None:
    """Apply crmkit's chart style (seaborn whitegrid, fonts that can show Chinese)."""
    sns.set_theme(style="whitegrid", context="notebook")
    plt.rcParams["font.sans-serif"] = [
        "Noto Sans CJK SC", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "DejaVu Sans",
    ]
    plt.rcParams["axes.unicode_minus"] = False
    # machines without a CJK font draw boxes for Chinese labels; do not flood reports
    warnings.filterwarnings("ignore", message=r"Glyph .* missing from font")
    plt.rcParams["figure.figsize"] = (9, 4)
    plt.rcParams["figure.dpi"] = 100


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


def _ax(ax):
    if ax is None:
        _, ax = plt.subplots()
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
    ax = _ax(ax)
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


def plot_kpi_change(kpis: pd.DataFrame, *, ax=None):
    """Horizontal bars of each KPI's relative change versus the previous period.

    Green is good news and red bad news: a falling churn rate, CAC or return rate
    is green.

    Parameters
    ----------
    kpis : DataFrame
        Output of :func:`crmkit.analysis.kpi.kpi_table`.
    """
    from ..analysis.kpi.kpis import LOWER_IS_BETTER

    ax = _ax(ax)
    d = kpis.dropna(subset=["change"]).iloc[::-1]
    good = (d["change"] >= 0) ^ d.index.isin(list(LOWER_IS_BETTER))
    colors = np.where(good, "#2f8132", "#ba2525")
    ax.barh(d["label"], 100 * d["change"], color=colors)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda x, _: f"{x:+.0f}%"))
    ax.set(xlabel="change vs previous period", ylabel="", title="What changed since the previous period")
    return ax


def plot_missing(profile: pd.DataFrame, *, ax=None, top: int = 20):
    """Bars of the share of missing values per column (columns with any missing).

    Parameters
    ----------
    profile : DataFrame
        Output of :func:`crmkit.data.pipeline.profile_tables`.
    """
    ax = _ax(ax)
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
    ax = _ax(ax)
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
