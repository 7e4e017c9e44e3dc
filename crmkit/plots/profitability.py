"""Charts of customer profitability (notebook 12). Each takes frames computed by
:mod:`crmkit.analysis.profitability`, ``ax=None``, and returns the Axes.
"""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from . import empty_ax, get_ax, money_axis

__all__ = [
    "COST_COLORS",
    "plot_whale_curve",
    "plot_profit_deciles",
    "plot_profit_by",
    "plot_cost_structure",
    "plot_profit_clv",
]

COST_COLORS = {
    "product_cost": "#9aa5b1",
    "discounts": "#d9822b",
    "shipping": "#c0a062",
    "returns": "#8e44ad",
    "service": "#ba2525",
    "profit": "#2f8132",
}
_GREEN, _RED = "#2f8132", "#ba2525"
_PCT = mticker.PercentFormatter(xmax=1, decimals=0)




def plot_whale_curve(curve: pd.DataFrame, summary: dict, *, ax=None, what: str = "profit"):
    """The whale curve: cumulative profit (share of the total) against customers ranked by profit.

    Parameters
    ----------
    curve : DataFrame
        :func:`crmkit.analysis.profitability.whale_curve`.
    summary : dict
        :func:`crmkit.analysis.profitability.whale_summary` (peak and loss-makers marked).
    what : str, default "profit"
        What is accumulated, for the labels ("revenue" when the export has no costs).
    """
    ax = get_ax(ax, figsize=(9, 5))
    if curve.empty or curve["profit_share"].isna().all():
        return empty_ax(ax, f"total {what} is not positive: no whale curve")
    x, y = curve["customer_share"], curve["profit_share"]
    ax.plot(x, y, color="#3e7cb1", lw=2)
    ax.axhline(1, color="black", lw=0.8, ls="--")
    ax.text(0.01, 1, f" total {what}", va="bottom", fontsize=8, transform=ax.get_yaxis_transform())
    if summary.get("loss_makers"):
        start = 1 - summary["loss_share"]
        ax.axvspan(start, 1, color=_RED, alpha=0.1)
        ax.text(start + (1 - start) / 2, 0.05, "lose\nmoney", ha="center", va="bottom", color=_RED, fontsize=8,
                transform=ax.get_xaxis_transform())
    if np.isfinite(summary.get("peak_share", np.nan)) and summary["peak_share"] > 1.001:
        px, py = summary["peak_customer_share"], summary["peak_share"]
        ax.plot([px], [py], "o", color=_RED)
        ax.annotate(f"peak: {100 * py:.0f}% of the total {what}\nafter {100 * px:.0f}% of the customers",
                    (px, py), xytext=(-12, -30), textcoords="offset points", ha="right", fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, max(1.1, float(np.nanmax(y)) * 1.08))
    ax.xaxis.set_major_formatter(_PCT)
    ax.yaxis.set_major_formatter(_PCT)
    first = "most profitable" if what == "profit" else f"highest {what}"
    ax.set(title=f"Whale curve: cumulative {what} of customers ranked from {first} to last",
           xlabel=f"share of customers, {first} first", ylabel=f"cumulative share of total {what}")
    return ax


def plot_profit_deciles(deciles: pd.DataFrame, *, currency: str = "¥", ax=None, what: str = "profit"):
    """Profit of each tenth of the customers, the most profitable first.

    Parameters
    ----------
    deciles : DataFrame
        :func:`crmkit.analysis.profitability.profit_deciles`.
    """
    ax = get_ax(ax, figsize=(9, 4))
    if deciles.empty:
        return empty_ax(ax, "no customers")
    p = deciles["profit"]
    ax.bar(deciles.index.astype(str), p, color=np.where(p >= 0, _GREEN, _RED))
    for i, (d, v) in enumerate(p.items()):
        share = deciles.loc[d, "profit_share"]
        if np.isfinite(share):
            ax.text(i, v, f"{100 * share:.0f}%", ha="center", va="bottom" if v >= 0 else "top", fontsize=8)
    ax.axhline(0, color="black", lw=0.8)
    ax.yaxis.set_major_formatter(money_axis(currency))
    ax.set(title=f"Total {what} of each tenth of customers (label: share of the total)",
           xlabel=f"tenth of customers by {what} (1 = highest)", ylabel=f"total {what}")
    return ax


def plot_profit_by(table: pd.DataFrame, *, group_label: str, currency: str = "¥", what: str = "profit", ax=None):
    """Profit per customer for each group, with the share of its customers who lose money.

    Parameters
    ----------
    table : DataFrame
        :func:`crmkit.analysis.profitability.profit_by`.
    group_label : str
        The grouping in words ("acquisition channel").
    what : str, default "profit"
        "revenue" when the export has no costs (nobody can lose money: not annotated).
    """
    ax = get_ax(ax, figsize=(8, 0.45 * max(len(table), 3) + 1.2))
    if table.empty:
        return empty_ax(ax, "no customers")
    d = table.sort_values("profit_per_customer")
    y = np.arange(len(d))
    v = d["profit_per_customer"]
    ax.barh(y, v, color=np.where(v >= 0, _GREEN, _RED), height=0.6)
    span = float(np.nanmax(np.abs(v.to_numpy(float)))) or 1.0
    for i, (_, r) in enumerate(d.iterrows()):
        losing = f"{100 * r['loss_share']:.0f}% lose money  " if what == "profit" else ""
        ax.text(max(r["profit_per_customer"], 0) + 0.02 * span, i,
                f"{losing}({int(r['customers']):,} customers)", va="center", fontsize=8)
    ax.set_yticks(y, d.index.astype(str))
    ax.set_xlim(min(0, v.min() * 1.2), span * 1.9)
    ax.axvline(0, color="black", lw=0.8)
    ax.xaxis.set_major_formatter(money_axis(currency))
    ax.set(title=f"{what.capitalize()} per customer by {group_label}", xlabel=f"{what} per customer", ylabel="")
    return ax


def plot_cost_structure(structure: pd.DataFrame, *, ax=None):
    """Where each unit of revenue goes, for customers who make money and who lose it.

    Parameters
    ----------
    structure : DataFrame
        :func:`crmkit.analysis.profitability.cost_structure`.
    """
    from ..analysis.profitability.profit import COMPONENTS

    ax = get_ax(ax, figsize=(9, 3.2))
    d = structure.drop(index="all", errors="ignore").dropna(subset=["profit"])
    if d.empty:
        return empty_ax(ax, "no revenue")
    names = {"product_cost": "product cost", "discounts": "discounts", "shipping": "shipping",
             "returns": "returns", "service": "service"}
    y = np.arange(len(d))
    left = np.zeros(len(d))
    for c in COMPONENTS:
        w = d[c].to_numpy(float)
        ax.barh(y, w, left=left, color=COST_COLORS[c], label=names[c], height=0.55)
        for i, (wi, li) in enumerate(zip(w, left)):
            if wi >= 0.06:
                ax.text(li + wi / 2, i, f"{100 * wi:.0f}%", ha="center", va="center", fontsize=8, color="white")
        left = left + w
    prof = d["profit"].to_numpy(float)
    for i, p in enumerate(prof):
        if p >= 0:
            ax.barh(i, p, left=left[i], color=COST_COLORS["profit"], height=0.55,
                    label="profit" if i == 0 else None)
            ax.text(left[i] + p / 2, i, f"{100 * p:.0f}%", ha="center", va="center", fontsize=8, color="white")
        else:
            ax.text(left[i] + 0.01, i, f"loss: {100 * -p:.0f}% of revenue", va="center", fontsize=8, color=_RED)
    ax.axvline(1, color="black", lw=0.8, ls="--")
    labels = {"makes money": "make money", "loses money": "lose money"}
    ax.set_yticks(y, [f"customers who {labels.get(g, g)}" for g in d.index])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_PCT)
    ax.set_xlim(0, max(1.0, float(left.max())) * 1.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    ax.set(title="Where each unit of revenue goes (costs as a share of revenue)", xlabel="share of revenue",
           ylabel="")
    return ax


def plot_profit_clv(values: pd.DataFrame, *, currency: str = "¥", ax=None):
    """Predicted profit against predicted revenue (CLV) per customer.

    Parameters
    ----------
    values : DataFrame
        :func:`crmkit.analysis.profitability.profit_clv` (``clv``, ``profit_clv``).
    """
    ax = get_ax(ax, figsize=(8, 5))
    d = values.dropna(subset=["clv", "profit_clv"])
    if d.empty:
        return empty_ax(ax, "no CLV")
    neg = d["profit_clv"] < 0
    ax.scatter(d.loc[~neg, "clv"], d.loc[~neg, "profit_clv"], s=6, alpha=0.4, color=_GREEN,
               label="expected to make money")
    ax.scatter(d.loc[neg, "clv"], d.loc[neg, "profit_clv"], s=8, alpha=0.6, color=_RED,
               label="expected to lose money")
    ax.axhline(0, color="black", lw=0.8)
    ax.xaxis.set_major_formatter(money_axis(currency))
    ax.yaxis.set_major_formatter(money_axis(currency))
    ax.legend(loc="upper left", frameon=False, fontsize=8)
    ax.set(title="Predicted revenue and predicted profit per customer", xlabel="predicted revenue (CLV)",
           ylabel="predicted profit")
    return ax
