"""Charts for customer segmentation (notebook 03). Each takes computed frames, ``ax=None``,
and returns the Axes; the frames come from :mod:`crmkit.analysis.segmentation`.
"""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from . import get_ax

__all__ = [
    "plot_segment_shares",
    "plot_rf_heatmap",
    "plot_revenue_concentration",
    "plot_k_selection",
    "plot_cluster_profiles",
    "plot_planted_crosstab",
    "style_group_table",
]

_PCT = mticker.PercentFormatter(xmax=1, decimals=0)



def plot_segment_shares(table: pd.DataFrame, *, title: str = "Customers and revenue by segment",
                        ax=None):
    """Paired horizontal bars: each group's share of customers and of revenue.

    Parameters
    ----------
    table : DataFrame
        One row per group (segment, tier or cluster) with ``customer_share`` and
        ``revenue_share`` (0-1), e.g. :func:`crmkit.analysis.segmentation.segment_table`.
        Rows are drawn top to bottom in the table's order.
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(9, 0.45 * len(table) + 1.5))
    name = table.index.name or "group"
    long = (table[["customer_share", "revenue_share"]]
            .rename(columns={"customer_share": "share of customers", "revenue_share": "share of revenue"})
            .rename_axis(name).reset_index()
            .melt(id_vars=name, var_name="measure", value_name="share"))
    long[name] = long[name].astype("str")
    sns.barplot(data=long, y=name, x="share", hue="measure", ax=ax,
                palette=["#9aa5b1", "#3e7cb1"], orient="h")
    for cont in ax.containers:
        ax.bar_label(cont, labels=[f"{100 * v:.0f}%" if v > 0 else "" for v in cont.datavalues],
                     padding=2, fontsize=8)
    ax.xaxis.set_major_formatter(_PCT)
    ax.set_xlim(0, max(long["share"].max() * 1.15, 0.05))
    ax.set(xlabel="share of all customers / of all revenue", ylabel="")
    ax.set_title(title, pad=28)
    ax.legend(title="", loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    return ax


def plot_rf_heatmap(grid: pd.DataFrame, *, value: str = "customers", currency: str = "",
                    ax=None):
    """R x F heatmap of the score cells, each cell labelled with its segment.

    Parameters
    ----------
    grid : DataFrame
        Output of :func:`crmkit.analysis.segmentation.rf_grid` (long form, 25 rows).
    value : {"customers", "monetary"}, default "customers"
        Colour by the number of customers or by their mean spend.
    currency : str, optional
        Prefix of the spend labels.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(9, 6.5))
    mat = grid.pivot(index="r_score", columns="f_score", values=value).sort_index(ascending=False)
    names = grid.pivot(index="r_score", columns="f_score", values="segment").reindex_like(mat)
    if value == "customers":
        text = mat.map(lambda v: f"{v:,.0f}")
        cbar = "customers"
        title = "Customers per recency x frequency score"
    else:
        text = mat.map(lambda v: "–" if pd.isna(v) else f"{currency}{v:,.0f}")
        cbar = "mean spend per customer"
        title = "Mean spend per recency x frequency score"
    annot = text + "\n" + names.map(lambda s: s if len(s) <= 14 else s.replace(" ", "\n", 1))
    sns.heatmap(mat.astype(float), annot=annot.to_numpy(), fmt="", cmap="Blues", ax=ax,
                linewidths=0.5, linecolor="white", cbar_kws={"label": cbar},
                annot_kws={"fontsize": 8})
    ax.set(xlabel="F score (frequency: 5 = buys most often)",
           ylabel="R score (recency: 5 = bought most recently)", title=title)
    ax.tick_params(axis="y", rotation=0)
    return ax


def plot_revenue_concentration(curve: pd.DataFrame, *, thresholds=(0.8, 0.95), ax=None):
    """Pareto curve: cumulative share of revenue against share of customers.

    Parameters
    ----------
    curve : DataFrame
        Output of :func:`crmkit.analysis.segmentation.revenue_concentration`.
    thresholds : pair of float, default (0.8, 0.95)
        The value-tier thresholds, drawn as horizontal lines.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    step = max(1, len(curve) // 2000)  # a few thousand points draw the same line
    c = curve.iloc[np.r_[np.arange(0, len(curve), step), len(curve) - 1]]
    ax.plot(c["customer_share"], c["revenue_share"], color="#3e7cb1", label="customers, best spender first")
    ax.plot([0, 1], [0, 1], color="#9aa5b1", linestyle=":", label="if everyone spent the same")
    colors = ["#2f8132", "#d9822b"]
    for t, label, col in zip(thresholds, ("high", "medium"), colors):
        x = float(np.interp(t, curve["revenue_share"], curve["customer_share"]))
        ax.axhline(t, color=col, linewidth=0.8, linestyle="--")
        ax.plot([x], [t], "o", color=col)
        ax.annotate(f"{label} tier ends: {100 * x:.0f}% of customers make {100 * t:.0f}% of revenue",
                    (x, t), xytext=(8, -14), textcoords="offset points", fontsize=8, color=col)
    ax.xaxis.set_major_formatter(_PCT)
    ax.yaxis.set_major_formatter(_PCT)
    ax.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="share of customers (best spenders first)",
           ylabel="share of revenue", title="How concentrated is revenue? (value tiers)")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def plot_k_selection(scores: pd.DataFrame, *, chosen: int | None = None, ax=None):
    """Silhouette score per number of clusters, with the within-cluster spread.

    Parameters
    ----------
    scores : DataFrame
        :attr:`crmkit.analysis.segmentation.RFMClusterer.scores_` (index ``k``; columns
        ``silhouette``, ``inertia``).
    chosen : int, optional
        The k used; marked.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
        The silhouette axes (the inertia is drawn on a twin axis).
    """
    ax = get_ax(ax)
    ax.plot(scores.index, scores["silhouette"], marker="o", color="#3e7cb1", label="silhouette (left)")
    ax2 = ax.twinx()
    ax2.plot(scores.index, scores["inertia"], marker=".", color="#9aa5b1", linestyle="--",
             label="within-cluster sum of squares (right)")
    ax2.set_ylabel("within-cluster sum of squares")
    ax2.grid(False)
    if chosen is not None and chosen in scores.index:
        ax.plot([chosen], [scores.loc[chosen, "silhouette"]], "o", markersize=14, mfc="none",
                color="#ba2525", label=f"k used: {chosen}")
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.set(xlabel="number of clusters k", ylabel="silhouette score (higher is better)",
           title="Choosing the number of clusters")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper right", fontsize=8)
    return ax


def plot_cluster_profiles(profiles: pd.DataFrame, *, ax=None):
    """Heatmap of each cluster's mean R, F and M scores (1-5), with its size.

    Parameters
    ----------
    profiles : DataFrame
        :attr:`crmkit.analysis.segmentation.RFMClusterer.profiles_` (index ``cluster``;
        ``r_score``, ``f_score``, ``m_score``, ``customer_share``, ``revenue_share``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(8, 0.6 * len(profiles) + 1.5))
    mat = profiles[["r_score", "f_score", "m_score"]].rename(columns={
        "r_score": "recency (R)", "f_score": "frequency (F)", "m_score": "spend (M)"})
    mat.index = [f"cluster {c}: {100 * p['customer_share']:.0f}% of customers, "
                 f"{100 * p['revenue_share']:.0f}% of revenue" for c, p in profiles.iterrows()]
    sns.heatmap(mat, annot=True, fmt=".1f", cmap="RdYlGn", vmin=1, vmax=5, center=3, ax=ax,
                linewidths=0.5, linecolor="white", cbar_kws={"label": "mean score (5 = best)"})
    ax.set(xlabel="", ylabel="", title="Cluster profiles: mean R, F and M score of the members")
    ax.tick_params(axis="y", rotation=0)
    return ax


def plot_planted_crosstab(crosstab: pd.DataFrame, *, title: str = "Planted customer type vs cluster",
                          ax=None):
    """Heatmap of a planted-type crosstab (shares per planted type).

    Parameters
    ----------
    crosstab : DataFrame
        :func:`crmkit.analysis.segmentation.planted_crosstab` with ``normalize=True``.
    title : str
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(8, 3.2))
    sns.heatmap(crosstab, annot=True, fmt=".0%", cmap="Blues", vmin=0, vmax=1, ax=ax,
                linewidths=0.5, linecolor="white", cbar_kws={"label": "share of type"})
    ax.set(xlabel=str(crosstab.columns.name or ""), ylabel="planted customer type", title=title)
    ax.tick_params(axis="y", rotation=0)
    return ax


_LABELS = {
    "customers": ("customers", "{:,}"),
    "customer_share": ("% customers", "{:.1%}"),
    "revenue_share": ("% revenue", "{:.1%}"),
    "recency_days": ("days since last purchase (median)", "{:,.0f}"),
    "frequency": ("purchases (mean)", "{:.1f}"),
    "monetary": ("spend per customer ({currency})", "{:,.0f}"),
    "min_monetary": ("smallest spend in group ({currency})", "{:,.2f}"),
    "action": ("action", None),
    "description": ("description", None),
}


def style_group_table(table: pd.DataFrame, *, currency: str = "¥"):
    """Format a segment, tier or cluster table for a report (readable headers, units).

    Parameters
    ----------
    table : DataFrame
        :func:`crmkit.analysis.segmentation.segment_table`, :func:`~crmkit.analysis.segmentation.tier_table`
        or :attr:`~crmkit.analysis.segmentation.RFMClusterer.profiles_`; the columns known
        here are shown in this order, others are dropped.
    currency : str, default "¥"

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    cols = [c for c in _LABELS if c in table.columns]
    names = {c: _LABELS[c][0].format(currency=currency) for c in cols}
    fmt = {names[c]: _LABELS[c][1] for c in cols if _LABELS[c][1]}
    shown = table[cols].rename(columns=names)
    styler = shown.style.format(fmt, na_rep="–")
    text = [names[c] for c in ("action", "description") if c in cols]
    if text:
        styler = styler.set_properties(subset=text, **{"text-align": "left", "font-size": "0.85em"})
    return styler
