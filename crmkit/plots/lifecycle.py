"""Charts for lifecycle stages, cohorts and retention (notebook 04). Each takes frames
computed by :mod:`crmkit.analysis.lifecycle` or :mod:`crmkit.analysis.lifecycle`, ``ax=None``, and returns
the Axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from ..analysis.lifecycle.lifecycle import NOT_YET, STAGES
from . import get_ax

__all__ = [
    "STAGE_COLORS",
    "plot_stage_counts",
    "plot_transition_matrix",
    "plot_stage_flow",
    "plot_tier_migration",
    "plot_cohort_heatmap",
    "plot_retention_curves",
    "plot_survival",
]

STAGE_COLORS = {
    NOT_YET: "#d3d8de",
    "prospect": "#9aa5b1",
    "new": "#7fb8e6",
    "active": "#3e7cb1",
    "loyal": "#2f8132",
    "reactivated": "#8e6bbf",
    "at_risk": "#d9822b",
    "lapsed": "#ba2525",
}
_PCT = mticker.PercentFormatter(xmax=1, decimals=0)



def _label(stage: str) -> str:
    return stage.replace("_", " ")


def plot_stage_counts(counts: pd.DataFrame, *, previous: pd.DataFrame | None = None,
                      labels: tuple[str, str] = ("now", "previous"), ax=None):
    """Horizontal bars: customers per lifecycle stage (and at the previous date, if given).

    Parameters
    ----------
    counts : DataFrame
        Output of :func:`crmkit.analysis.lifecycle.stage_counts`.
    previous : DataFrame, optional
        The same at the previous date, drawn as outlined bars.
    labels : pair of str
        Legend labels of ``counts`` and ``previous``.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(9, 4))
    y = np.arange(len(counts))
    h = 0.4 if previous is not None else 0.7
    colors = [STAGE_COLORS[s] for s in counts["stage"]]
    bars = ax.barh(y - (h / 2 if previous is not None else 0), counts["customers"], height=h,
                   color=colors, label=labels[0])
    ax.bar_label(bars, labels=[f"{n:,} ({100 * s:.0f}%)" for n, s in zip(counts["customers"], counts["share"])],
                 padding=3, fontsize=8)
    if previous is not None:
        p = previous.set_index("stage").reindex(counts["stage"])
        ax.barh(y + h / 2, p["customers"], height=h, color="white", edgecolor=colors, hatch="//",
                label=labels[1])
        ax.legend(loc="lower right")
    ax.set_yticks(y, [_label(s) for s in counts["stage"]])
    ax.invert_yaxis()
    ax.set_xlim(0, counts["customers"].max() * 1.35 if len(counts) else 1)
    ax.set(xlabel="customers", ylabel="", title="Customers by lifecycle stage")
    return ax


def plot_transition_matrix(transitions: pd.DataFrame, *, ax=None):
    """Heatmap: where the customers of each stage (rows) are now (columns), in % of the row.

    Parameters
    ----------
    transitions : DataFrame
        Output of :func:`crmkit.analysis.lifecycle.stage_transitions`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(9, 5))
    rows = [s for s in (NOT_YET, *STAGES) if s in set(transitions["from_stage"])]
    cols = [s for s in STAGES if s in set(transitions["to_stage"])]
    share = transitions.pivot(index="from_stage", columns="to_stage", values="share").reindex(
        index=rows, columns=cols).fillna(0)
    n = transitions.pivot(index="from_stage", columns="to_stage", values="customers").reindex(
        index=rows, columns=cols).fillna(0).astype(int)
    annot = np.where(n.to_numpy() > 0,
                     [[f"{100 * s:.0f}%\n({c:,})" for s, c in zip(rs, rc)]
                      for rs, rc in zip(share.to_numpy(), n.to_numpy())], "")
    sns.heatmap(100 * share, annot=annot, fmt="", cmap="Blues", vmin=0, vmax=100, ax=ax,
                cbar_kws={"label": "% of the row's customers"}, linewidths=0.5, annot_kws={"fontsize": 8})
    ax.set_xticklabels([_label(c) for c in cols], rotation=0)
    ax.set_yticklabels([_label(r) for r in rows], rotation=0)
    ax.set(xlabel="stage now", ylabel="stage at the start", title="Stage transitions (share of each row)")
    return ax


def _band(ax, x0, x1, y0a, y0b, y1a, y1b, color):
    """A smooth band from [y0a, y0b] at x0 to [y1a, y1b] at x1."""
    t = np.linspace(0, 1, 50)
    s = 3 * t ** 2 - 2 * t ** 3  # smoothstep
    x = x0 + (x1 - x0) * t
    ax.fill_between(x, y0a + (y1a - y0a) * s, y0b + (y1b - y0b) * s, color=color, alpha=0.45,
                    linewidth=0)


def plot_stage_flow(transitions: pd.DataFrame, *, labels: tuple[str, str] = ("before", "now"),
                    min_share: float = 0.0, ax=None):
    """Alluvial (Sankey-like) flow of customers from their stage before to their stage now.

    Each column stacks the stages (bar height = customers); each band carries the
    customers who moved from one stage to another, in the colour of the stage they
    came from.

    Parameters
    ----------
    transitions : DataFrame
        Output of :func:`crmkit.analysis.lifecycle.stage_transitions`.
    labels : pair of str
        Titles of the two columns (e.g. the two period labels).
    min_share : float, default 0
        Stages holding less than this share of customers on a side get no text label.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(10, 6))
    order = [NOT_YET, *STAGES]
    t = transitions.loc[transitions["customers"] > 0]
    if t.empty:
        ax.text(0.5, 0.5, "No customers", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    total = float(t["customers"].sum())
    gap = 0.012 * total
    width = 0.08

    def stack(col):
        n = t.groupby(col)["customers"].sum()
        pos, y = {}, 0.0
        for s in order:
            if s in n.index:
                pos[s] = (y, y + n[s])
                y += n[s] + gap
        return pos, n

    left, nl = stack("from_stage")
    right, nr = stack("to_stage")
    rank = {s: i for i, s in enumerate(order)}
    t = t.assign(_f=t["from_stage"].map(rank), _t=t["to_stage"].map(rank))
    # each band leaves its source in the order of the targets and enters its target in
    # the order of the sources, so bands do not cross inside a block
    y_left, cur = {}, {s: v[0] for s, v in left.items()}
    for f, to, c in t.sort_values(["_f", "_t"])[["from_stage", "to_stage", "customers"]].itertuples(index=False):
        y_left[(f, to)] = cur[f]
        cur[f] += c
    cur = {s: v[0] for s, v in right.items()}
    for f, to, c in t.sort_values(["_t", "_f"])[["from_stage", "to_stage", "customers"]].itertuples(index=False):
        y0 = y_left[(f, to)]
        _band(ax, width, 1 - width, y0, y0 + c, cur[to], cur[to] + c, STAGE_COLORS[f])
        cur[to] += c
    for side, pos, n, x, ha in ((0, left, nl, 0, "right"), (1, right, nr, 1 - width, "left")):
        for s, (a, b) in pos.items():
            ax.add_patch(plt.Rectangle((x, a), width, b - a, color=STAGE_COLORS[s], linewidth=0))
            if n[s] / total >= min_share:
                tx = -0.01 if side == 0 else 1.01
                ax.text(tx, (a + b) / 2, f"{_label(s)} {int(n[s]):,}", ha=ha, va="center", fontsize=9)
    ax.set_xlim(-0.3, 1.3)
    ax.set_ylim(max(max(v[1] for v in left.values()), max(v[1] for v in right.values())) + gap, -gap)
    ax.text(width / 2, -gap, labels[0], ha="center", va="bottom", fontsize=10, fontweight="bold")
    ax.text(1 - width / 2, -gap, labels[1], ha="center", va="bottom", fontsize=10, fontweight="bold")
    ax.set_axis_off()
    ax.set_title("How customers moved between stages", pad=18)
    return ax


def plot_tier_migration(counts: pd.DataFrame, *, ax=None):
    """Heatmap: customers by value tier before (rows) and now (columns).

    Parameters
    ----------
    counts : DataFrame
        Output of :func:`crmkit.analysis.lifecycle.migration_counts`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(7, 4.5))
    levels = ["high", "medium", "low", "none"]
    m = counts.pivot(index="tier_before", columns="tier_after", values="customers").reindex(
        index=levels, columns=levels)
    share = counts.pivot(index="tier_before", columns="tier_after", values="share").reindex(
        index=levels, columns=levels)
    annot = [[("" if pd.isna(c) else f"{int(c):,}\n({100 * s:.0f}%)" if pd.notna(s) else f"{int(c):,}")
              for c, s in zip(rc, rs)] for rc, rs in zip(m.to_numpy(), share.to_numpy())]
    sns.heatmap(100 * share.fillna(0), annot=np.array(annot), fmt="", cmap="Purples", vmin=0, vmax=100,
                ax=ax, cbar_kws={"label": "% of the row"}, linewidths=0.5, annot_kws={"fontsize": 8})
    ax.set(xlabel="tier now", ylabel="tier at the start",
           title="Value-tier migration (customers, % of the row)")
    ax.set_yticklabels(ax.get_yticklabels(), rotation=0)
    return ax


def plot_cohort_heatmap(cohorts: pd.DataFrame, *, value: str = "retention", freq: str = "M",
                        max_periods: int | None = None, annotate: bool | None = None, ax=None):
    """Heatmap of a cohort table: acquisition cohorts (rows) by periods since acquisition.

    Parameters
    ----------
    cohorts : DataFrame
        Output of :func:`crmkit.analysis.lifecycle.cohort_table`.
    value : {"retention", "revenue_retention", "customers", "revenue"}, default "retention"
    freq : {"M", "Q"}, default "M"
        Only used in labels.
    max_periods : int, optional
        Show periods ``0..max_periods`` only.
    annotate : bool, optional
        Write the values in the cells (default: when the grid is small enough).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    d = cohorts
    if max_periods is not None:
        d = d.loc[d["period_number"] <= max_periods]
    m = d.pivot(index="cohort", columns="period_number", values=value).sort_index()
    m.index = [f"{c:%Y-%m}" for c in m.index]
    ax = get_ax(ax, figsize=(min(14, 2 + 0.55 * m.shape[1]), min(12, 1.5 + 0.32 * m.shape[0])))
    share = value in ("retention", "revenue_retention")
    vmax = None
    if share and m.shape[1] > 1:
        # period 0 is 100% by construction; scale the colours on the later periods
        # (revenue retention can pass 100%: such cells share the darkest colour)
        vmax = min(1.0, float(np.nanmax(m.iloc[:, 1:].to_numpy())))
    if annotate is None:
        annotate = m.shape[1] <= 25 and m.shape[0] <= 30
    data = 100 * m if share else m
    sns.heatmap(data, annot=annotate, fmt=".0f", cmap="YlGnBu", ax=ax, linewidths=0.3,
                vmin=0, vmax=100 * vmax if (share and vmax) else None,
                annot_kws={"fontsize": 7},
                cbar_kws={"label": "% of period 0" if value == "revenue_retention" else
                          "% of the cohort" if share else value})
    unit = "months" if freq == "M" else "quarters"
    names = {"retention": "Customer retention", "revenue_retention": "Revenue retention",
             "customers": "Active customers", "revenue": "Revenue"}
    ax.set(xlabel=f"{unit} since the first purchase", ylabel="acquisition cohort",
           title=f"{names.get(value, value)} by acquisition cohort")
    ax.set_yticklabels(ax.get_yticklabels(), rotation=0)
    return ax


def plot_retention_curves(curves: pd.DataFrame, *, min_customers: int = 30, max_periods: int | None = 12,
                          title: str | None = None, freq: str = "M", ax=None):
    """Lines: share of customers active in each period since acquisition, per group.

    Parameters
    ----------
    curves : DataFrame
        Output of :func:`crmkit.analysis.lifecycle.retention_curves`.
    min_customers : int, default 30
        Points resting on fewer customers are not drawn (too noisy).
    max_periods : int or None, default 12
        Last period number drawn.
    title : str, optional
    freq : {"M", "Q"}, default "M"
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    d = curves.loc[(curves["customers"] >= min_customers) & (curves["period_number"] > 0)]
    if max_periods is not None:
        d = d.loc[d["period_number"] <= max_periods]
    unit = "months" if freq == "M" else "quarters"
    if d.empty:
        ax.text(0.5, 0.5, f"Not enough history yet: no group has {min_customers}+ customers\n"
                f"observed one or more {unit} after their first purchase", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        ax.set_title(title or "Retention curves")
        return ax
    sns.lineplot(data=d, x="period_number", y="retention", hue="group", marker="o", ax=ax,
                 hue_order=sorted(d["group"].unique()))
    ax.yaxis.set_major_formatter(_PCT)
    ax.set_ylim(bottom=0)
    ax.set(xlabel=f"{unit} since the first purchase", ylabel="share active in that period",
           title=title or "Retention curves")
    ax.legend(title="", loc="upper right", fontsize=8, ncols=2)
    return ax


def plot_survival(survival: pd.DataFrame, *, ci: bool | None = None, max_days: float | None = None,
                  title: str | None = None, ax=None):
    """Kaplan-Meier step curves: share of customers still buying, by days since the first purchase.

    Parameters
    ----------
    survival : DataFrame
        Output of :func:`crmkit.analysis.lifecycle.survival_by_group`.
    ci : bool, optional
        Shade the 95% bands (default: when there are at most three groups).
    max_days : float, optional
    title : str, optional
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax)
    palette = sns.color_palette("tab10", survival["group"].nunique())
    if ci is None:
        ci = survival["group"].nunique() <= 3
    for color, (g, s) in zip(palette, survival.groupby("group", sort=True)):
        t = np.r_[0.0, s["time"].to_numpy(dtype=float)]
        ax.step(t, np.r_[1.0, s["survival"].to_numpy()], where="post", color=color,
                label=f"{g} ({int(s['customers'].iloc[0]):,})")
        if ci and s["ci_lower"].notna().any():
            ax.fill_between(t, np.r_[1.0, s["ci_lower"].fillna(s["survival"]).to_numpy()],
                            np.r_[1.0, s["ci_upper"].fillna(s["survival"]).to_numpy()],
                            step="post", color=color, alpha=0.12)
    ax.yaxis.set_major_formatter(_PCT)
    ax.set_ylim(0, 1.02)
    if max_days is not None:
        ax.set_xlim(0, max_days)
    else:
        ax.set_xlim(left=0)
    ax.set(xlabel="days since the first purchase", ylabel="share still buying",
           title=title or "Customer survival (Kaplan-Meier)")
    ax.legend(title="", fontsize=8, loc="upper right")
    return ax
