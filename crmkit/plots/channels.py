"""Charts of marketing channels (notebook 11). Each takes frames computed by
:mod:`crmkit.analysis.channels`, ``ax=None``, and returns the Axes.
"""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from . import date_axis, empty_ax, get_ax, money_axis

__all__ = [
    "channel_colors",
    "money_axis",
    "plot_ltv_cac",
    "plot_cac_trend",
    "plot_payback",
    "plot_spend_value_share",
    "plot_attribution",
    "plot_value_per_spend",
]

_PALETTE = ("#3e7cb1", "#d9822b", "#2f8132", "#8e44ad", "#ba2525", "#16a085", "#7f8c8d", "#c0a062")
_PCT = mticker.PercentFormatter(xmax=1, decimals=0)


def channel_colors(channels) -> dict[str, str]:
    """One colour per channel (in sorted order); pass the result to every chart of a page.

    Examples
    --------
    >>> channel_colors(["search", "email"])
    {'email': '#3e7cb1', 'search': '#d9822b'}
    """
    return {c: _PALETTE[i % len(_PALETTE)] for i, c in enumerate(sorted(map(str, channels)))}


def _colors(colors, channels) -> dict[str, str]:
    """``colors`` completed with a colour for every channel it lacks."""
    out = dict(colors or {})
    for c in sorted(map(str, channels)):
        if c not in out:
            out[c] = _PALETTE[len(out) % len(_PALETTE)]
    return out


def plot_ltv_cac(value: pd.DataFrame, *, currency: str = "¥", rule_of_thumb: float = 3.0, colors=None,
                 basis: str = "value", ax=None):
    """Lifetime value per acquired customer against CAC, one point per paid channel.

    The lines mark LTV = CAC (the customer just pays for itself) and LTV = 3 x CAC (the
    usual rule of thumb): channels above the upper line clear it.

    Parameters
    ----------
    value : DataFrame
        :func:`crmkit.analysis.channels.channel_value` (``cac``, ``ltv``).
    colors : dict, optional
        Colour per channel (:func:`channel_colors`), to match the other charts.
    basis : str, default "value"
        What the lifetime value counts (``"margin"`` or ``"revenue"``): named on the axis.
    """
    ax = get_ax(ax, figsize=(8, 5.5))
    d = value.loc[value["cac"].notna() & value["ltv"].notna()]
    if d.empty:
        return empty_ax(ax, "no channel with both spend and customers")
    colors = _colors(colors, value.index)
    top_x = d["cac"].max() * 1.25
    top_y = max(d["ltv"].max() * 1.15, rule_of_thumb * top_x * 0.2)
    x = np.linspace(0, top_x, 50)
    ax.plot(x, x, color="#ba2525", lw=1, ls="--", label="LTV = CAC (break-even)")
    ax.plot(x, rule_of_thumb * x, color="#d9822b", lw=1, ls=":", label=f"LTV = {rule_of_thumb:g} x CAC (rule of thumb)")
    for ch, r in d.iterrows():
        ax.scatter(r["cac"], r["ltv"], s=80, color=colors[str(ch)], zorder=3)
        ax.annotate(f"{ch}  {r['ltv_cac']:.1f} : 1", (r["cac"], r["ltv"]), xytext=(7, 4),
                    textcoords="offset points", fontsize=9)
    ax.set_xlim(0, top_x)
    ax.set_ylim(min(0, d["ltv"].min() * 1.1), top_y)
    ax.xaxis.set_major_formatter(money_axis(currency))
    ax.yaxis.set_major_formatter(money_axis(currency))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
    ax.set(title="Lifetime value per acquired customer against what it cost (CAC)",
           xlabel="CAC: spend per new customer", ylabel=f"lifetime {basis} per new customer")
    return ax


def plot_cac_trend(trend: pd.DataFrame, *, currency: str = "¥", period=None, colors=None, ax=None):
    """CAC per month and paid channel, the report period shaded.

    Parameters
    ----------
    trend : DataFrame
        :func:`crmkit.analysis.channels.cac_trend`.
    period : Period, optional
    colors : dict, optional
        Colour per channel (:func:`channel_colors`).
    """
    ax = get_ax(ax, figsize=(10, 4.5))
    d = trend.dropna(subset=["cac"])
    if d.empty:
        return empty_ax(ax, "no month with both spend and new customers")
    colors = _colors(colors, trend["channel"].unique())
    for ch, g in d.groupby("channel"):
        ax.plot(g["month"], g["cac"], marker="o", ms=3, color=colors[str(ch)], label=str(ch))
    if period is not None:
        ax.axvspan(period.start, period.end_exclusive, color="tab:orange", alpha=0.12)
    date_axis(ax)
    ax.yaxis.set_major_formatter(money_axis(currency))
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set(title="CAC per month", xlabel="", ylabel="spend per new customer")
    return ax


def plot_payback(curves: pd.DataFrame, cac: pd.Series, *, max_month: int | None = 12, colors=None, ax=None):
    """Cumulative value per acquired customer as a multiple of its CAC, by month since acquisition.

    A line crossing 1 has paid back the acquisition cost; crossing 3 meets the usual
    rule of thumb.

    Parameters
    ----------
    curves : DataFrame
        :func:`crmkit.analysis.channels.value_curves`.
    cac : Series
        CAC per channel (paid channels only are drawn).
    max_month : int, optional, default 12
        Months shown.
    colors : dict, optional
        Colour per channel (:func:`channel_colors`).
    """
    ax = get_ax(ax, figsize=(9, 4.5))
    cac = cac.dropna()
    d = curves.loc[curves["channel"].isin(cac.index)]
    if max_month is not None:
        d = d.loc[d["month"] <= max_month]
    if d.empty:
        return empty_ax(ax, "no paid channel with value to show")
    colors = _colors(colors, curves["channel"].unique())
    for ch, g in d.groupby("channel"):
        ax.plot(g["month"], g["cumulative_value"] / cac[ch], marker="o", ms=3, color=colors[str(ch)],
                label=str(ch))
    ax.axhline(1, color="#ba2525", lw=1, ls="--")
    ax.axhline(3, color="#d9822b", lw=1, ls=":")
    ax.text(1, 1, " paid back", color="#ba2525", fontsize=8, va="bottom", transform=ax.get_yaxis_transform())
    ax.text(1, 3, " 3 x CAC", color="#d9822b", fontsize=8, va="bottom", transform=ax.get_yaxis_transform())
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _: f"{v:g} x"))
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.legend(loc="upper left", bbox_to_anchor=(1.08, 1.0), frameon=False)
    ax.set(title="Value returned per unit of acquisition cost, month by month",
           xlabel="months since acquisition", ylabel="cumulative value / CAC (log scale)")
    return ax


def plot_spend_value_share(value: pd.DataFrame, *, ax=None):
    """Share of the spend against share of the value acquired, per paid channel.

    Parameters
    ----------
    value : DataFrame
        :func:`crmkit.analysis.channels.channel_value` (``spend_share``, ``value_share``).
    """
    ax = get_ax(ax, figsize=(8, 4))
    d = value.dropna(subset=["spend_share", "value_share"]).sort_values("spend_share")
    if d.empty:
        return empty_ax(ax, "no paid channel")
    y = np.arange(len(d))
    ax.barh(y + 0.2, d["spend_share"], height=0.38, color="#9aa5b1", label="share of spend")
    ax.barh(y - 0.2, d["value_share"], height=0.38, color="#2f8132", label="share of value")
    for i, (_, r) in enumerate(d.iterrows()):
        ax.text(r["spend_share"] + 0.005, i + 0.2, f"{100 * r['spend_share']:.0f}%", va="center", fontsize=8)
        ax.text(r["value_share"] + 0.005, i - 0.2, f"{100 * r['value_share']:.0f}%", va="center", fontsize=8)
    ax.set_yticks(y, d.index.astype(str))
    ax.xaxis.set_major_formatter(_PCT)
    ax.set_xlim(0, max(d["spend_share"].max(), d["value_share"].max()) * 1.2)
    ax.legend(loc="lower right", frameon=False)
    ax.set(title="Where the money goes and where the value comes from", xlabel="share of paid channels",
           ylabel="")
    return ax


def plot_attribution(table: pd.DataFrame, *, models: dict[str, str] | None = None, ax=None):
    """First purchases credited to each channel by each attribution model, side by side.

    Parameters
    ----------
    table : DataFrame
        :func:`crmkit.analysis.channels.attribution_table`.
    models : dict, optional
        Columns to draw and their names (default
        :data:`crmkit.analysis.channels.MODELS`).
    """
    from ..analysis.channels.attribution import MODELS

    models = MODELS if models is None else models
    ax = get_ax(ax, figsize=(10, 4.8))
    if table.empty or table[list(models)].to_numpy().sum() == 0:
        return empty_ax(ax, "no first purchase to attribute")
    d = table[list(models)]
    n, k = d.shape
    width = 0.8 / k
    shades = ["#c6dbef", "#6baed6", "#9aa5b1", "#4a6fa5", "#d9822b"]
    y = np.arange(n)
    for i, (col, name) in enumerate(models.items()):
        ax.barh(y - 0.4 + width * (i + 0.5), d[col], height=width, color=shades[i % len(shades)], label=name)
    ax.set_yticks(y, d.index.astype(str))
    ax.invert_yaxis()
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.set(title="First purchases credited to each traffic channel, by model", xlabel="first purchases credited",
           ylabel="")
    return ax


def plot_value_per_spend(point: pd.DataFrame, *, currency: str = "¥", level: float = 0.9, colors=None, ax=None):
    """Lifetime value bought per unit of spend, per paid channel, with its interval.

    Parameters
    ----------
    point : DataFrame
        First element of :func:`crmkit.analysis.channels.value_per_spend`.
    colors : dict, optional
        Colour per channel (:func:`channel_colors`).
    """
    ax = get_ax(ax, figsize=(8, 4))
    d = point.dropna(subset=["value_per_spend"]).sort_values("value_per_spend")
    if d.empty:
        return empty_ax(ax, "no paid channel")
    colors = _colors(colors, point.index)
    y = np.arange(len(d))
    ax.barh(y, d["value_per_spend"], color=[colors[str(c)] for c in d.index], height=0.6)
    err = np.vstack([d["value_per_spend"] - d["low"], d["high"] - d["value_per_spend"]]).clip(min=0)
    ax.errorbar(d["value_per_spend"], y, xerr=err, fmt="none", ecolor="black", capsize=3, lw=1)
    for i, (_, r) in enumerate(d.iterrows()):
        ax.text(r["high"] * 1.02 if np.isfinite(r["high"]) else r["value_per_spend"] * 1.02, i,
                f"{currency}{r['value_per_spend']:.2f}", va="center", fontsize=8)
    ax.set_yticks(y, d.index.astype(str))
    ax.set_xlim(0, np.nanmax(d["high"].to_numpy(dtype=float)) * 1.2)
    ax.xaxis.set_major_formatter(money_axis(currency))
    ax.set(title=f"Value bought per {currency}1 of spend ({100 * level:.0f}% interval)",
           xlabel=f"lifetime value per {currency}1 spent", ylabel="")
    return ax
