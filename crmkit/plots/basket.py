"""Charts for market basket and recommendations (notebook 08). Each takes computed frames,
``ax=None``, and returns the Axes; the frames come from :mod:`crmkit.analysis.basket`.
"""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from . import currency_formatter, empty_ax, get_ax

__all__ = [
    "plot_basket_sizes",
    "plot_top_rules",
    "plot_lift_matrix",
    "plot_cross_sell",
    "plot_hit_rates",
    "plot_recommended_products",
]

_PCT = mticker.PercentFormatter(xmax=1, decimals=0)
_BLUE, _GREY, _ORANGE = "#3e7cb1", "#9aa5b1", "#d9822b"




def plot_basket_sizes(sizes: pd.DataFrame, *, ax=None, max_products: int = 6):
    """Bars: share of baskets by number of products, split by number of categories.

    Parameters
    ----------
    sizes : DataFrame
        Output of :func:`crmkit.analysis.basket.basket_sizes` (``categories`` optional).
    max_products : int, default 6
        Larger baskets are pooled in the last bar ("6+").
    """
    ax = get_ax(ax, figsize=(8, 3.8))
    title = "How many products a basket holds"
    if sizes.empty:
        return empty_ax(ax, "No baskets", title=title)
    n = sizes["products"].clip(upper=max_products)
    labels = [str(k) if k < max_products else f"{max_products}+" for k in range(1, max_products + 1)]
    x = np.arange(1, max_products + 1)
    total = len(sizes)
    if "categories" in sizes.columns:
        one = (sizes["categories"] <= 1).groupby(n).sum().reindex(x, fill_value=0) / total
        more = (sizes["categories"] > 1).groupby(n).sum().reindex(x, fill_value=0) / total
        ax.bar(x, one, color=_BLUE, label="one category")
        ax.bar(x, more, bottom=one, color=_ORANGE, label="two or more categories")
        ax.legend(loc="upper right", frameon=False)
        height = one + more
    else:
        height = n.value_counts().reindex(x, fill_value=0) / total
        ax.bar(x, height, color=_BLUE)
    for xi, h in zip(x, height, strict=True):
        if h > 0:
            ax.annotate(f"{100 * h:.0f}%", (xi, h), xytext=(0, 2), textcoords="offset points",
                        ha="center", fontsize=9)
    ax.set_xticks(x, labels)
    ax.yaxis.set_major_formatter(_PCT)
    ax.set_ylim(0, float(height.max()) * 1.15 or 1)
    ax.set(title=title, xlabel="products in the basket", ylabel="share of baskets")
    return ax


def plot_top_rules(rules: pd.DataFrame, *, top: int = 10, ax=None):
    """Horizontal bars of the strongest rules' lift, each labelled with its confidence.

    Parameters
    ----------
    rules : DataFrame
        Rules with ``if_bought`` and ``also_bought`` in words
        (:func:`crmkit.analysis.basket.name_rules`), ``lift``, ``confidence`` and
        ``baskets``; drawn in the frame's order, top first.
    top : int, default 10
    """
    d = rules.head(top)
    ax = get_ax(ax, figsize=(9, 0.45 * max(len(d), 1) + 1.6))
    title = "Products bought together: the strongest pairs"
    if d.empty:
        return empty_ax(ax, "No rule passes the thresholds", title=title)
    y = np.arange(len(d))[::-1]
    ax.barh(y, d["lift"], color=_BLUE)
    ax.set_yticks(y, [f"{a}  →  {c}" for a, c in zip(d["if_bought"], d["also_bought"], strict=True)])
    for yi, (lift, conf, n) in zip(y, d[["lift", "confidence", "baskets"]].to_numpy(), strict=True):
        ax.annotate(f"{100 * conf:.0f}% also take it · {n:,.0f} baskets", (lift, yi), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_xlim(0, float(d["lift"].max()) * 1.45)
    ax.set(title=title, xlabel="lift (times as often as in an average basket)", ylabel="")
    return ax


def plot_lift_matrix(matrix: pd.DataFrame, *, ax=None, title: str = "Lift of each pair",
                     annotate: bool = True):
    """Heatmap of a lift matrix: blue above 1 (bought together), red below (bought apart).

    Colours follow the logarithm of the lift, so a lift of 0.5 (half as often as chance)
    is as strong a red as a lift of 2 is a blue.

    Parameters
    ----------
    matrix : DataFrame
        Output of :func:`crmkit.analysis.basket.lift_matrix` (labels as they should read).
    title : str
    annotate : bool, default True
        Write each lift in its cell.
    """
    k = len(matrix)
    ax = get_ax(ax, figsize=(max(5.5, 0.55 * k + 3), max(4.5, 0.45 * k + 2)))
    values = matrix.to_numpy(float)
    finite = values[np.isfinite(values) & (values > 0)]
    if finite.size == 0:
        return empty_ax(ax, "No two items share a basket", title=title)
    logs = np.log2(np.where(values > 0, values, np.nan))
    m = max(float(np.nanmax(np.abs(logs))), 1.0)
    im = ax.imshow(np.ma.masked_invalid(logs), cmap="RdBu", vmin=-m, vmax=m, aspect="auto")
    ax.set_xticks(range(k), [str(c) for c in matrix.columns], rotation=40, ha="right")
    ax.set_yticks(range(k), [str(i) for i in matrix.index])
    ax.grid(False)
    if annotate:
        for (i, j), v in np.ndenumerate(values):
            if np.isfinite(v):
                ax.text(j, i, f"{v:.1f}" if v < 10 else f"{v:.0f}", ha="center", va="center",
                        fontsize=8, color="white" if abs(np.log2(max(v, 1e-3))) > 0.6 * m else "black")
    cb = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.03)
    ticks = [t for t in range(-int(m), int(m) + 1)]
    cb.set_ticks(ticks, labels=[f"{2 ** t:g}" if t >= 0 else f"1/{2 ** -t:g}" for t in ticks])
    cb.set_label("lift (1 = bought independently)")
    ax.set(title=title, xlabel="", ylabel="")
    return ax


def plot_cross_sell(cross: pd.DataFrame, *, top: int = 10, currency: str = "¥", ax=None):
    """Bars of the largest cross-sell gaps in money, with the expected revenue of one offer.

    Parameters
    ----------
    cross : DataFrame
        :func:`crmkit.analysis.basket.cross_sell` with ``product_name`` and
        ``companion_name`` added (words); drawn in the frame's order.
    top : int, default 10
    currency : str, default "¥"
    """
    d = cross.head(top)
    ax = get_ax(ax, figsize=(9, 0.45 * max(len(d), 1) + 1.6))
    title = "Cross-sell gaps: revenue if each buyer of the product bought the companion once"
    if d.empty:
        return empty_ax(ax, "No companion passes the thresholds", title=title)
    y = np.arange(len(d))[::-1]
    ax.barh(y, d["opportunity"], color=_GREY, label="if each not-yet buyer bought it once")
    ax.barh(y, d["expected_revenue"], color=_BLUE, label="expected from one offer")
    ax.set_yticks(y, [f"{a}  →  {c}" for a, c in zip(d["product_name"], d["companion_name"], strict=True)])
    for yi, (opp, who) in zip(y, d[["opportunity", "not_yet_buyers"]].to_numpy(), strict=True):
        ax.annotate(f"{who:,.0f} buyers", (opp, yi), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=8)
    ax.xaxis.set_major_formatter(currency_formatter(currency))
    ax.set_xlim(0, float(d["opportunity"].max()) * 1.25)
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.set(title=title, xlabel="revenue", ylabel="")
    return ax


def plot_hit_rates(metrics: pd.DataFrame, *, measure: str = "hit_rate", ax=None,
                   names: dict | None = None):
    """Lines of a held-out measure against the list length N, one line per recommender.

    Parameters
    ----------
    metrics : DataFrame
        ``RecommenderEvaluation.metrics`` (index: model, list_length).
    measure : {"hit_rate", "precision", "recall", "coverage"}, default "hit_rate"
    names : dict, optional
        Model name -> legend text.
    """
    ax = get_ax(ax, figsize=(6, 4))
    words = {"hit_rate": "hit rate (customers with a hit)", "precision": "precision",
             "recall": "recall", "coverage": "coverage (share of products recommended)"}
    names = names or {}
    colours = [_BLUE, _GREY, _ORANGE, "#2f8132"]
    for k, (model, d) in enumerate(metrics[measure].groupby(level="model", sort=False)):
        n = d.index.get_level_values("list_length")
        ax.plot(n, d.to_numpy(), marker="o", color=colours[k % len(colours)],
                label=names.get(model, model))
    ax.yaxis.set_major_formatter(_PCT)
    ax.set_ylim(bottom=0)
    ax.set_xticks(sorted(set(metrics.index.get_level_values("list_length"))))
    ax.legend(loc="upper left", frameon=False)
    label = words.get(measure, measure)
    ax.set(title=f"Held-out last baskets: {label.split(' (')[0]} by list length",
           xlabel="recommendations per customer (N)", ylabel=label)
    return ax


def plot_recommended_products(recommendations: pd.DataFrame, *, names: pd.Series | None = None,
                              top: int = 15, ax=None):
    """Bars: the products recommended to the most customers.

    Parameters
    ----------
    recommendations : DataFrame
        :meth:`crmkit.analysis.basket.ItemRecommender.recommend`.
    names : Series, optional
        Product ID -> name.
    top : int, default 15
    """
    ax = get_ax(ax, figsize=(8, 0.35 * top + 1.5))
    title = "Products recommended to the most customers"
    if recommendations.empty:
        return empty_ax(ax, "No recommendations", title=title)
    n_cust = recommendations["customer_id"].nunique()
    share = recommendations["product_id"].value_counts().head(top) / n_cust
    labels = [str(names.get(i, i)) if names is not None else str(i) for i in share.index]
    y = np.arange(len(share))[::-1]
    ax.barh(y, share.to_numpy(), color=_BLUE)
    ax.set_yticks(y, labels)
    ax.xaxis.set_major_formatter(_PCT)
    ax.set(title=title, xlabel="share of active customers it is recommended to", ylabel="")
    return ax
