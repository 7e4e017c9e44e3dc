"""Charts of the sales funnel (notebook 10). Each takes frames computed by
:mod:`crmkit.analysis.funnel`, ``ax=None``, and returns the Axes.
"""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from . import currency_formatter, empty_ax, get_ax

__all__ = [
    "OUTCOME_COLORS",
    "plot_funnel",
    "plot_stage_times",
    "plot_conversion_heatmap",
    "plot_cohorts",
    "plot_bottleneck",
    "plot_win_chance",
    "plot_pipeline",
]

OUTCOME_COLORS = {"won": "#2f8132", "lost": "#ba2525", "open": "#9aa5b1"}
_BLUE = "#3e7cb1"
_PCT = mticker.PercentFormatter(xmax=1, decimals=0)




def plot_funnel(counts: pd.DataFrame, *, conversion: pd.DataFrame | None = None, ax=None):
    """Deals reaching each stage (or a later one) and won, with the conversion between them.

    Parameters
    ----------
    counts : DataFrame
        :func:`crmkit.analysis.funnel.funnel_counts`.
    conversion : DataFrame, optional
        :func:`crmkit.analysis.funnel.stage_conversion`: the censored conversion of each
        stage is written between the bars.
    ax : Axes, optional

    Returns
    -------
    Axes
    """
    ax = get_ax(ax, figsize=(9, 4.2))
    if counts.empty or counts["deals"].max() == 0:
        return empty_ax(ax, "no deals")
    n = len(counts)
    y = np.arange(n)
    colors = [_BLUE] * (n - 1) + [OUTCOME_COLORS["won"]]
    width = counts["deals"].to_numpy(dtype=float)
    ax.barh(y, width, left=(width.max() - width) / 2, color=colors, height=0.62)
    for i, r in counts.reset_index(drop=True).iterrows():
        ax.text(width.max() / 2, i, f"{r['deals']:,}  ({100 * r['share_of_first']:.0f}%)", ha="center",
                va="center", color="white", fontsize=9)
    if conversion is not None:
        conv = conversion.set_index("stage_index")["conversion"]
        for k in range(n - 1):
            if k in conv.index:
                ax.text(width.max() * 1.02, k + 0.5, f"{100 * conv[k]:.0f}% get past", va="center",
                        ha="left", fontsize=8, color="#555555")
    ax.set_yticks(y, counts["deal_stage"].astype(str))
    ax.invert_yaxis()
    ax.set_xlim(0, width.max() * 1.3)
    ax.set_xticks([])
    ax.grid(False)
    sns.despine(ax=ax, left=True, bottom=True)
    ax.set(xlabel="", ylabel="",
           title="Deals reaching each stage (share of deals opened); on the right, share that get past it")
    return ax


def plot_stage_times(conversion: pd.DataFrame, *, ax=None):
    """Median days in each stage (bar) and the day by which 90% of deals have left it (dot).

    Parameters
    ----------
    conversion : DataFrame
        :func:`crmkit.analysis.funnel.stage_conversion` (without ``by``).

    Returns
    -------
    Axes
    """
    ax = get_ax(ax, figsize=(9, 3.5))
    if conversion.empty:
        return empty_ax(ax, "no stage history")
    d = conversion.reset_index(drop=True)
    y = np.arange(len(d))
    ax.barh(y, d["median_days"], color=_BLUE, height=0.55, label="median (half of the deals leave sooner)")
    ax.scatter(d["p90_days"], y, color="#d9822b", zorder=3, s=40, label="90% of the deals have left")
    for i, r in d.iterrows():
        ax.text(np.nanmax([r["median_days"], r["p90_days"]]) + 0.6, i,
                f"{r['median_days']:.0f} / {r['p90_days']:.0f} days" if np.isfinite(r["p90_days"])
                else f"{r['median_days']:.0f} days", va="center", fontsize=8)
    ax.set_yticks(y, d["deal_stage"].astype(str))
    ax.invert_yaxis()
    ax.set_xlim(0, np.nanmax(d[["median_days", "p90_days"]].to_numpy()) * 1.25 + 1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.set(xlabel="days in the stage (open deals counted for the time so far)", ylabel="",
           title="Time in each stage: median and 90th percentile")
    return ax


def plot_conversion_heatmap(table: pd.DataFrame, *, by: str, value: str = "conversion", ax=None,
                            min_deals: int = 0, group_label: str | None = None,
                            vmin: float = 0.2, vmax: float = 1.0):
    """Groups x stages: the share of deals entering a stage that get past it.

    Parameters
    ----------
    table : DataFrame
        :func:`crmkit.analysis.funnel.stage_conversion` with ``by``, or
        :func:`crmkit.analysis.funnel.stage_gaps` (``by="group"``).
    by : str
        The group column.
    value : str, default "conversion"
    min_deals : int, default 0
        Cells with fewer deals entering are greyed out.
    group_label : str, optional
        Words for the groups (the y axis).
    vmin, vmax : float, default 0.2, 1.0
        Shares at the ends of the colour scale (the same on every heatmap of a page).

    Returns
    -------
    Axes
    """
    if table.empty:
        return empty_ax(get_ax(ax), "no deals")
    stages = table.sort_values("stage_index")["deal_stage"].astype(str).unique().tolist()
    m = table.pivot_table(index=by, columns="deal_stage", values=value, observed=True).reindex(columns=stages)
    n = table.pivot_table(index=by, columns="deal_stage", values="entered", observed=True).reindex(columns=stages)
    ax = get_ax(ax, figsize=(9, 0.45 * len(m) + 1.6))
    few = (n < min_deals).to_numpy()
    annot = np.where(np.isnan(m.to_numpy()), "",
                     [[f"{100 * v:.0f}%\n({c:,.0f})" for v, c in zip(rv, rc)]
                      for rv, rc in zip(m.to_numpy(), n.fillna(0).to_numpy())])
    sns.heatmap(100 * m, annot=annot, fmt="", cmap="RdYlGn", vmin=100 * vmin, vmax=100 * vmax, ax=ax,
                linewidths=0.5, mask=few,
                cbar_kws={"label": "% that get past the stage"}, annot_kws={"fontsize": 8})
    ax.set_yticklabels(ax.get_yticklabels(), rotation=0)
    ax.set_xticklabels(ax.get_xticklabels(), rotation=0)
    ax.set(xlabel="stage (deals entering in brackets)", ylabel=group_label or by,
           title=f"Share of deals that get past each stage, by {group_label or by}")
    return ax


def plot_cohorts(cohorts: pd.DataFrame, *, ax=None):
    """Deals by month opened: won, lost and still open, and the expected win rate.

    Parameters
    ----------
    cohorts : DataFrame
        :func:`crmkit.analysis.funnel.cohort_table`.

    Returns
    -------
    Axes
    """
    ax = get_ax(ax, figsize=(10, 4))
    if cohorts.empty:
        return empty_ax(ax, "no deals")
    x = np.arange(len(cohorts))
    bottom = np.zeros(len(cohorts))
    for outcome, col in (("won", "won"), ("lost", "lost"), ("open", "still_open")):
        share = (cohorts[col] / cohorts["deals"]).to_numpy()
        ax.bar(x, share, bottom=bottom, color=OUTCOME_COLORS[outcome], label=f"{outcome} so far", width=0.8)
        bottom += share
    ax.plot(x, cohorts["win_rate"], color="black", marker="o", linewidth=1.5,
            label="expected win rate (open deals as undecided)")
    ax.set_xticks(x, cohorts["cohort"].astype(str), rotation=90 if len(x) > 12 else 0)
    ax.yaxis.set_major_formatter(_PCT)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.set(xlabel="month the deal was opened", ylabel="share of the month's deals",
           title="Deal cohorts: outcomes so far and the expected win rate")
    return ax


def plot_bottleneck(table: pd.DataFrame, *, dimension: str | None = None, currency: str = "¥", ax=None,
                    group_label: str | None = None):
    """Won revenue lost at each stage against the best comparable group.

    Parameters
    ----------
    table : DataFrame
        :func:`crmkit.analysis.funnel.bottleneck_table`.
    dimension : str, optional
        The grouping to draw (default: the one of the costliest row).
    currency : str

    Returns
    -------
    Axes
    """
    ax = get_ax(ax, figsize=(9, 3.6))
    if table.empty:
        return empty_ax(ax, "no groups with enough deals to compare")
    dim = dimension or table.iloc[0]["dimension"]
    d = table[table["dimension"] == dim].pivot_table(index=["stage_index", "deal_stage"], columns="kind",
                                                      values="cost", observed=True).reset_index()
    d = d.sort_values("stage_index")
    y = np.arange(len(d))
    conv = d.get("conversion", pd.Series(0.0, index=d.index)).fillna(0).to_numpy()
    dur = d.get("duration", pd.Series(0.0, index=d.index)).fillna(0).to_numpy()
    ax.barh(y, conv, color="#ba2525", height=0.55, label="lower conversion")
    ax.barh(y, dur, left=conv, color="#d9822b", height=0.55, label="slower (revenue delayed)")
    for i, (c, t) in enumerate(zip(conv, dur)):
        ax.text(c + t, i, "  " + currency_formatter(currency)(c + t, None), va="center", fontsize=8)
    ax.set_yticks(y, d["deal_stage"].astype(str))
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(currency_formatter(currency))
    ax.set_xlim(0, max((conv + dur).max(), 1) * 1.2)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set(xlabel="won revenue lost or delayed against the best group", ylabel="",
           title=f"Where the funnel costs most, compared across {group_label or dim}")
    return ax


def plot_win_chance(curves: pd.DataFrame, *, ax=None):
    """Chance of winning a deal by the days it has spent in its current stage.

    Parameters
    ----------
    curves : DataFrame
        :func:`crmkit.analysis.funnel.win_chance_curves`.

    Returns
    -------
    Axes
    """
    ax = get_ax(ax, figsize=(9, 4))
    if curves.empty:
        return empty_ax(ax, "no stage history")
    for (_k, stage), c in curves.groupby(["stage_index", "deal_stage"], sort=True):
        ax.plot(c["days_in_stage"], c["win_chance"], label=str(stage), linewidth=2)
    ax.yaxis.set_major_formatter(_PCT)
    ax.set_ylim(0, 1)
    ax.set_xlim(left=0)
    ax.legend(title="current stage", fontsize=8, title_fontsize=8, loc="upper left",
              bbox_to_anchor=(1.01, 1), frameon=False)
    ax.set(xlabel="days the deal has been in its current stage", ylabel="chance the deal is won",
           title="Win chance of an open deal by stage and by age in the stage")
    return ax


def plot_pipeline(by_stage: pd.DataFrame, *, currency: str = "¥", ax=None):
    """Open pipeline per stage: as listed, weighted by stage, weighted by stage and age.

    Parameters
    ----------
    by_stage : DataFrame
        :func:`crmkit.analysis.funnel.pipeline_by_stage` (the ``total`` row is left out).

    Returns
    -------
    Axes
    """
    ax = get_ax(ax, figsize=(9, 4))
    d = by_stage[by_stage.iloc[:, 0] != "total"]
    if d.empty:
        return empty_ax(ax, "no open deals")
    x = np.arange(len(d))
    w = 0.27
    for i, (col, label, color) in enumerate((("open_value", "open value", "#9aa5b1"),
                                             ("stage_weighted_value", "weighted by stage", "#7fb8e6"),
                                             ("weighted_value", "weighted by stage and age", _BLUE))):
        ax.bar(x + (i - 1) * w, d[col], width=w, color=color, label=label)
    ax.set_xticks(x, d.iloc[:, 0].astype(str))
    ax.yaxis.set_major_formatter(currency_formatter(currency))
    ax.legend(fontsize=8, frameon=False)
    ax.set(xlabel="current stage", ylabel="value", title="Open pipeline by stage: listed and likely to be won")
    return ax
