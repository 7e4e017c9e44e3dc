"""Charts for customer lifetime value (notebook 05). Each takes computed frames, ``ax=None``,
and returns the Axes; the frames come from :mod:`crmkit.analysis.clv`.
"""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from . import currency_formatter, get_ax

__all__ = [
    "plot_expectation_heatmap",
    "plot_holdout_by_frequency",
    "plot_clv_distribution",
    "plot_top_customers",
]

_UNIT = {"W": "weeks", "D": "days"}
_METHOD_STYLE = {
    # key: (label, colour, line style, marker)
    "bgnbd": ("BG/NBD", "#3e7cb1", "-", "o"),
    "pareto_nbd": ("Pareto/NBD", "#2f8132", "--", "s"),
    "own_rate": ("naive: own past rate", "#d9822b", ":", "^"),
    "average_rate": ("naive: average rate", "#9aa5b1", ":", "v"),
}


def _money_axis(currency: str) -> mticker.FuncFormatter:
    """Like :func:`crmkit.plots.currency_formatter`, plus cents for values below 1."""
    big = currency_formatter(currency)

    def f(x, pos):
        return f"{currency}{x:.2g}" if 0 < abs(x) < 1 else big(x, pos)

    return mticker.FuncFormatter(f)



def plot_expectation_heatmap(grid: pd.DataFrame, *, value: str = "expected_purchases",
                             ax=None):
    """Heatmap of a model's prediction over frequency (x) and recency (y).

    Parameters
    ----------
    grid : DataFrame
        Output of :func:`crmkit.analysis.clv.expectation_grid` (long form, with
        ``attrs`` ``t``, ``T`` and ``time_unit``).
    value : {"expected_purchases", "probability_alive"}, default "expected_purchases"
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if value not in ("expected_purchases", "probability_alive"):
        raise ValueError(f"value must be expected_purchases or probability_alive, got {value!r}")
    ax = get_ax(ax, figsize=(9, 5.5))
    unit = _UNIT.get(grid.attrs.get("time_unit", "W"), "weeks")
    T, t = grid.attrs.get("T", float(grid["T"].iloc[0])), grid.attrs.get("t")
    wide = grid.pivot(index="recency", columns="frequency", values=value).sort_index(ascending=False)
    cmap = "viridis" if value == "expected_purchases" else "RdYlGn"
    kw = {"vmin": 0, "vmax": 1} if value == "probability_alive" else {"vmin": 0}
    sns.heatmap(wide, ax=ax, cmap=cmap, cbar_kws={"label": value.replace("_", " ")}, **kw)
    step = max(1, len(wide) // 8)
    ax.set_yticks(np.arange(0, len(wide), step) + 0.5)
    ax.set_yticklabels([f"{v:.0f}" for v in wide.index[::step]], rotation=0)
    xstep = max(1, len(wide.columns) // 15)
    ax.set_xticks(np.arange(0, len(wide.columns), xstep) + 0.5)
    ax.set_xticklabels([str(c) for c in wide.columns[::xstep]], rotation=0)
    if value == "expected_purchases":
        title = f"Expected purchases in the next {t:.0f} {unit}"
    else:
        title = "Probability that the customer is still active"
    ax.set(xlabel="repeat purchases so far (frequency)",
           ylabel=f"{unit} from first to last purchase (recency)",
           title=f"{title}\n(customers first seen {T:.0f} {unit} ago; top row: bought recently)")
    return ax


def plot_holdout_by_frequency(table: pd.DataFrame, *, ax=None):
    """Mean actual and predicted holdout purchases per calibration-frequency bucket.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`crmkit.analysis.clv.holdout_by_frequency` (the ``all`` row
        is not drawn).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(9, 4.5))
    d = table.drop(index="all", errors="ignore")
    x = np.arange(len(d))
    ax.bar(x, d["actual"], color="#cfd6dd", label="actual", width=0.6)
    for key, (label, colour, ls, marker) in _METHOD_STYLE.items():
        if key in d.columns:
            ax.plot(x, d[key], color=colour, linestyle=ls, marker=marker, label=label)
    ax.set_xticks(x)
    ax.set_xticklabels([f"{b}\n({n:,})" for b, n in zip(d.index, d["customers"])])
    ax.set(xlabel="repeat purchases in the calibration window (customers)",
           ylabel="purchases per customer in the holdout",
           title="Holdout: predicted versus actual purchases by past frequency")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", frameon=False)
    return ax


def plot_clv_distribution(predictions: pd.DataFrame, *, currency: str = "", ax=None):
    """Histogram of predicted CLV per customer on a log scale, mean and median marked.

    Parameters
    ----------
    predictions : DataFrame
        Output of :func:`crmkit.analysis.clv.clv_predictions` (column ``clv``).
    currency : str, default ""
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    ax = get_ax(ax, figsize=(9, 4))
    v = predictions["clv"].to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    floor = max(np.quantile(v, 0.01), 1e-2) if len(v) else 1e-2
    shown = np.maximum(v, floor)
    bins = np.logspace(np.log10(floor), np.log10(max(shown.max(), floor * 10)), 40)
    ax.hist(shown, bins=bins, color="#3e7cb1", alpha=0.85)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(_money_axis(currency))
    ax.xaxis.set_minor_formatter(mticker.NullFormatter())
    for stat, colour, name in ((np.mean(v), "#ba2525", "mean"), (np.median(v), "#2f8132", "median")):
        ax.axvline(max(stat, floor), color=colour, linestyle="--",
                   label=f"{name} {currency}{stat:,.0f}")
    ax.legend(frameon=False)
    ax.set(xlabel=f"predicted CLV per customer (log scale; below {currency}{floor:,.2f} shown at it)",
           ylabel="customers", title="How predicted customer value is spread")
    return ax


def plot_top_customers(predictions: pd.DataFrame, *, top: int = 20, currency: str = "",
                       ax=None):
    """Horizontal bars of the customers with the highest predicted CLV (IDs only).

    Predicted CLV is the bar; revenue to date (historical CLV) is a dot, so customers
    whose future is worth more than their past stand out.

    Parameters
    ----------
    predictions : DataFrame
        Output of :func:`crmkit.analysis.clv.clv_predictions` (index ``customer_id``,
        sorted by ``clv``).
    top : int, default 20
    currency : str, default ""
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    d = predictions.nlargest(top, "clv").iloc[::-1]
    ax = get_ax(ax, figsize=(9, 0.3 * len(d) + 1.5))
    y = np.arange(len(d))
    ax.barh(y, d["clv"], color="#3e7cb1", label="predicted CLV")
    ax.scatter(d["historical_clv"], y, color="#d9822b", zorder=3, label="revenue to date")
    ax.set_yticks(y)
    ax.set_yticklabels(d.index.astype(str))
    ax.xaxis.set_major_formatter(currency_formatter(currency))
    ax.xaxis.set_major_locator(mticker.MaxNLocator(6))
    ax.set(xlabel="value", ylabel="customer ID",
           title=f"Top {len(d)} customers by predicted CLV")
    ax.legend(loc="lower right", frameon=False)
    return ax
