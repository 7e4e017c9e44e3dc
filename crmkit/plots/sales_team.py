"""Charts of the sales team (notebook 13). Each takes frames computed by
:mod:`crmkit.analysis.sales_team`, ``ax=None``, and returns the Axes.
"""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from . import currency_formatter, get_ax

__all__ = [
    "VERDICT_COLORS",
    "plot_win_rates",
    "plot_win_rate_matrix",
    "plot_target_completion",
    "plot_deal_sizes",
]

VERDICT_COLORS = {"above the team": "#2f8132", "within the noise": "#7a8793", "below the team": "#ba2525",
                  "no closed deals": "#d3d8de"}
_PCT = mticker.PercentFormatter(xmax=1, decimals=0)



def plot_win_rates(rates: pd.DataFrame, *, ax=None):
    """Win rate per salesperson: raw (hollow), luck removed (filled) with its interval.

    Parameters
    ----------
    rates : DataFrame
        :func:`crmkit.analysis.sales_team.win_rates` (``attrs["team_rate"]`` drawn as a
        line).

    Returns
    -------
    Axes
    """
    d = rates[rates["closed_deals"] > 0]
    ax = get_ax(ax, figsize=(9, 0.45 * len(d) + 1.5))
    y = np.arange(len(d))
    colors = [VERDICT_COLORS.get(v, "#7a8793") for v in d["verdict"]]
    ax.hlines(y, d["win_rate_low"], d["win_rate_high"], color=colors, linewidth=3, alpha=0.6)
    ax.scatter(d["win_rate_shrunk"], y, color=colors, s=60, zorder=3, label="luck removed (with interval)")
    ax.scatter(d["win_rate"], y, facecolor="white", edgecolor="black", s=35, zorder=4, label="raw win rate")
    team = rates.attrs.get("team_rate")
    if team is not None and np.isfinite(team):
        ax.axvline(team, color="black", linestyle="--", linewidth=1, label=f"team {100 * team:.0f}%")
    labels = [f"{o}  ({n:,} closed)" for o, n in zip(d.index, d["closed_deals"])]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_PCT)
    ax.set_xlim(0, min(1, float(d["win_rate_high"].max()) + 0.1))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False)
    ax.set(xlabel="share of closed deals won", ylabel="",
           title="Win rates: green and red are clearly above or below the team, grey is within the noise")
    return ax


def plot_win_rate_matrix(matrix: pd.DataFrame, *, ax=None):
    """Heatmap: the chance that the row's true win rate is higher than the column's.

    Parameters
    ----------
    matrix : DataFrame
        :func:`crmkit.analysis.sales_team.win_rate_matrix`.

    Returns
    -------
    Axes
    """
    ax = get_ax(ax, figsize=(8, 6))
    annot = matrix.map(lambda v: "" if not np.isfinite(v) else f"{100 * v:.0f}%")
    sns.heatmap(100 * matrix, annot=annot, fmt="", cmap="RdBu", vmin=0, vmax=100, center=50, ax=ax,
                linewidths=0.5, cbar_kws={"label": "% chance the row wins more often"}, annot_kws={"fontsize": 8})
    ax.set_yticklabels(ax.get_yticklabels(), rotation=0)
    ax.set_xticklabels(ax.get_xticklabels(), rotation=30, ha="right")
    ax.set(xlabel="", ylabel="",
           title="Chance that the row's salesperson truly wins more often than the column's")
    return ax


def plot_target_completion(scorecard: pd.DataFrame, *, elapsed: float | None = None, ax=None):
    """Share of the period's target reached per salesperson (100% line; share of the period gone).

    Parameters
    ----------
    scorecard : DataFrame
        :func:`crmkit.analysis.sales_team.owner_scorecard` with targets.
    elapsed : float, optional
        Share of the period gone, drawn as a dotted line ("on pace").

    Returns
    -------
    Axes
    """
    d = scorecard[scorecard["target"].notna()].sort_values("target_completion", ascending=False)
    ax = get_ax(ax, figsize=(9, 0.45 * len(d) + 1.5))
    if d.empty:
        ax.text(0.5, 0.5, "no targets for this period", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    y = np.arange(len(d))
    colors = np.where(d["target_completion"] >= 1, "#2f8132", np.where(d["target_completion"] >= 0.7,
                                                                        "#d9822b", "#ba2525"))
    ax.barh(y, d["target_completion"], color=colors, height=0.6)
    for i, v in enumerate(d["target_completion"]):
        ax.text(v + 0.01, i, f"{100 * v:.0f}%", va="center", fontsize=8)
    ax.axvline(1, color="black", linewidth=1)
    if elapsed is not None and elapsed < 0.999:
        ax.axvline(elapsed, color="black", linestyle=":", linewidth=1)
    ax.set_yticks(y, d.index)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(_PCT)
    ax.set_xlim(0, max(1.2, float(d["target_completion"].max()) + 0.15))
    ax.set(xlabel="won revenue / target", ylabel="", title="Target reached in the period")
    return ax


def plot_deal_sizes(won: pd.DataFrame, *, order=None, currency: str = "¥", ax=None):
    """Won deal values per salesperson (log scale): each dot a deal, the box the middle half.

    Parameters
    ----------
    won : DataFrame
        Won deals (``owner``, ``amount``), e.g. from
        :func:`crmkit.analysis.sales_team.closed_in_window`.
    order : list of str, optional

    Returns
    -------
    Axes
    """
    d = won[won["amount"] > 0]
    order = list(order) if order is not None else sorted(d["owner"].unique())
    ax = get_ax(ax, figsize=(9, 0.45 * len(order) + 1.5))
    values = [d.loc[d["owner"] == o, "amount"].to_numpy() for o in order]
    y = np.arange(len(order))
    has = [i for i, v in enumerate(values) if len(v)]
    ax.boxplot([values[i] for i in has], positions=y[has], orientation="horizontal", widths=0.6,
               showfliers=False, patch_artist=True, boxprops={"facecolor": "#d3e4f3", "edgecolor": "#555555"},
               medianprops={"color": "#555555"})
    rng = np.random.default_rng(0)  # fixed jitter: the same chart on every run
    for i in has:
        ax.scatter(values[i], i + rng.uniform(-0.2, 0.2, len(values[i])), s=9, color="#3e7cb1", alpha=0.6,
                   zorder=3)
    ax.set_xscale("log")
    ax.set_yticks(y, order)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(currency_formatter(currency))
    ax.xaxis.set_minor_formatter(mticker.NullFormatter())
    ax.set(xlabel="won deal value (log scale)", ylabel="", title="Won deal sizes per salesperson")
    return ax
