"""Charts of satisfaction and service (:mod:`crmkit.analysis.satisfaction`).

Each function takes computed frames and ``ax=None`` and returns the Axes; titles and
axis labels are words (the title is the chart's alt text).
"""

from __future__ import annotations

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from ..labels import label
from . import date_axis, get_ax

__all__ = [
    "plot_score_trend",
    "plot_group_scores",
    "plot_driver_effects",
    "plot_complaint_trend",
    "plot_resolution_curve",
    "plot_backlog",
    "plot_complainer_comparison",
    "plot_referral_rates",
]

_MAIN, _LIGHT, _BAD, _GOOD, _GREY = "#3e7cb1", "#a9c6e0", "#ba2525", "#2f8132", "#9a9a9a"




def plot_score_trend(trend: pd.DataFrame, *, score: str = "nps", period=None, ax=None):
    """NPS (points) or CSAT (%) per month with its 95% interval as a band.

    Parameters
    ----------
    trend : DataFrame
        Output of :func:`crmkit.analysis.satisfaction.score_trend`.
    score : {"nps", "csat"}
    period : Period, optional
        Shaded.
    """
    ax = get_ax(ax)
    t = trend.loc[trend["responses" if score == "nps" else "csat_responses"] > 0]
    x = t.index
    ax.fill_between(x, t[f"{score}_low"], t[f"{score}_high"], color=_LIGHT, alpha=0.6, label="95% interval")
    ax.plot(x, t[score], marker="o", color=_MAIN, label=label(score))
    if period is not None:
        ax.axvspan(period.start, period.end, color="#f2c14e", alpha=0.2, label="report period")
    if score == "csat":
        ax.yaxis.set_major_formatter(mticker.PercentFormatter(1.0, decimals=0))
        ylabel, title = "share of answers 4 or 5", "CSAT per month, with its 95% interval"
    else:
        ax.axhline(0, color=_GREY, linewidth=0.8)
        ylabel, title = "NPS (% promoters - % detractors)", "NPS per month, with its 95% interval"
    date_axis(ax)
    ax.legend(loc="lower left", frameon=False, fontsize="small")
    ax.set(title=title, xlabel="month of the answer", ylabel=ylabel)
    return ax


def plot_group_scores(table: pd.DataFrame, *, score: str = "nps", title: str | None = None,
                      overall: float | None = None, ax=None):
    """One dot per group with its 95% interval; groups with too few answers in grey.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`crmkit.analysis.satisfaction.score_table` grouped by something.
    score : {"nps", "csat"}
    overall : float, optional
        The overall value, drawn as a dashed line.
    """
    t = table.loc[table["responses" if score == "nps" else "csat_responses"] > 0].iloc[::-1]
    ax = get_ax(ax, figsize=(7, 0.45 * len(t) + 1.4))
    y = np.arange(len(t))
    small = t["small"].to_numpy(dtype=bool)
    for on, colour in ((~small, _MAIN), (small, _GREY)):
        if on.any():
            v = t[score].to_numpy()[on]
            err = np.vstack([v - t[f"{score}_low"].to_numpy()[on], t[f"{score}_high"].to_numpy()[on] - v])
            ax.errorbar(v, y[on], xerr=err, fmt="o", color=colour, ecolor=colour, capsize=3)
    if overall is not None and np.isfinite(overall):
        ax.axvline(overall, color=_BAD, linestyle="--", linewidth=1)
    if (~small).any():  # tiny groups' huge intervals must not squash the readable ones
        lo = np.nanmin(t[f"{score}_low"].to_numpy()[~small])
        hi = np.nanmax(t[f"{score}_high"].to_numpy()[~small])
        pad = 0.08 * (hi - lo if hi > lo else 1.0)
        ax.set_xlim(lo - pad, hi + pad)
    names = [f"{i} ({n:,})" for i, n in zip(t.index, t["responses" if score == "nps" else "csat_responses"])]
    ax.set_yticks(y, names)
    if score == "csat":
        ax.xaxis.set_major_formatter(mticker.PercentFormatter(1.0, decimals=0))
    what = label(t.index.name) if t.index.name else "group"
    ax.set(title=title or f"{label(score)} by {what}, with 95% intervals (dashed: all answers)",
           xlabel=label(score), ylabel="")
    return ax


def plot_driver_effects(effects: pd.DataFrame, *, names: dict | None = None, ax=None):
    """Forest plot: the effect of each driver on the 0-10 answer with its interval.

    Parameters
    ----------
    effects : DataFrame
        Output of :func:`crmkit.analysis.satisfaction.driver_effects`.
    names : dict, optional
        Words per term (default: the driver's label and level).
    """
    e = effects.iloc[::-1]
    ax = get_ax(ax, figsize=(8, 0.38 * len(e) + 1.4))
    y = np.arange(len(e))
    colours = np.where(~e["significant"].to_numpy(dtype=bool), _GREY,
                       np.where(e["effect"].to_numpy() < 0, _BAD, _GOOD))
    for yi, (_, r), c in zip(y, e.iterrows(), colours):
        ax.plot([r["ci_low"], r["ci_high"]], [yi, yi], color=c, linewidth=2)
        ax.plot(r["effect"], yi, "o", color=c)
    ax.axvline(0, color="black", linewidth=0.8)
    names = names or {}
    ticks = []
    for term, r in e.iterrows():
        if term in names:
            ticks.append(names[term])
        elif r["level"] is None or (isinstance(r["level"], float) and np.isnan(r["level"])):
            ticks.append(label(term))
        else:
            ticks.append(f"{label(r['driver'])}: {r['level']} (vs {r['reference']})")
    ax.set_yticks(y, ticks)
    ax.set(title="What moves the NPS answer: effect of each driver, other drivers held equal",
           xlabel="difference in the 0-10 answer (points), with 95% interval", ylabel="")
    return ax


def plot_complaint_trend(trend: pd.DataFrame, *, period=None, ax=None):
    """Complaints per 1,000 orders per month (:func:`crmkit.analysis.satisfaction.complaint_trend`)."""
    ax = get_ax(ax)
    ax.plot(trend.index, trend["per_1000_orders"], marker="o", color=_BAD)
    if period is not None:
        ax.axvspan(period.start, period.end, color="#f2c14e", alpha=0.2, label="report period")
        ax.legend(loc="upper left", frameon=False)
    ax.set_ylim(bottom=0)
    date_axis(ax)
    ax.set(title="Complaints per 1,000 orders, by month", xlabel="month", ylabel="complaints per 1,000 orders")
    return ax


def plot_resolution_curve(tickets: pd.DataFrame, *, as_of, sla_hours: float, start=None, ax=None,
                          max_hours: float | None = None):
    """Share of complaints still unresolved after each number of hours (Kaplan-Meier),
    with the service level marked; open complaints count until the reference date."""
    from ..analysis.satisfaction.service import complaints_in
    from ..analysis.stats import kaplan_meier

    ax = get_ax(ax)
    c = complaints_in(tickets, start=start, as_of=as_of)
    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    resolved = c["resolved_at"] if "resolved_at" in c else pd.Series(pd.NaT, index=c.index)
    done = (resolved < end).to_numpy(dtype=bool, na_value=False)
    stop = resolved.where(done, end)
    hours = ((stop - c["created_at"]).dt.total_seconds() / 3600).to_numpy(dtype=float)
    if len(hours):
        km = kaplan_meier(np.maximum(hours, 0), done)
        ax.step(np.r_[0, km.index], np.r_[1, km["survival"]], where="post", color=_MAIN,
                label="complaints not yet resolved")
    ax.axvline(sla_hours, color=_BAD, linestyle="--", label=f"service level: {sla_hours:g} hours")
    limit = max_hours or (np.nanpercentile(hours, 95) if len(hours) else 4 * sla_hours)
    ax.set_xlim(0, max(limit, 1.2 * sla_hours))
    ax.yaxis.set_major_formatter(mticker.PercentFormatter(1.0, decimals=0))
    ax.set_ylim(0, 1.02)
    ax.legend(loc="upper right", frameon=False)
    ax.set(title="How fast complaints are resolved", xlabel="hours since the complaint was opened",
           ylabel="share still unresolved")
    return ax


def plot_backlog(bands: pd.DataFrame, *, ax=None):
    """Open tickets by age, complaints and other tickets stacked."""
    ax = get_ax(ax, figsize=(8, 3.2))
    left = np.zeros(len(bands))
    y = np.arange(len(bands))[::-1]
    for col, colour in (("complaints", _BAD), ("other tickets", _LIGHT)):
        ax.barh(y, bands[col], left=left, color=colour, label=col)
        left += bands[col].to_numpy()
    ax.set_yticks(y, list(bands.index))
    ax.xaxis.set_major_locator(mticker.MaxNLocator(integer=True))
    ax.legend(loc="lower right", frameon=False)
    ax.set(title="Open tickets at the reference date, by age", xlabel="open tickets", ylabel="open for")
    return ax


def plot_complainer_comparison(table: pd.DataFrame, *, horizon_days: int = 90, ax=None):
    """Churn rate of complainers, of comparable non-complainers and of all others (bars),
    with the interval of the difference on the complainers' bar."""
    ax = get_ax(ax, figsize=(7, 3.2))
    r = table.loc["churned"]
    values = [r["complainers"], r["matched"], r["all_others"]]
    names = ["complainers", "comparable non-complainers\n(same value tier and tenure)", "all non-complainers"]
    bars = ax.barh(np.arange(3)[::-1], values, color=[_BAD, _MAIN, _LIGHT])
    lo, hi = r["matched"] + r["ci_low"], r["matched"] + r["ci_high"]
    ax.errorbar(r["complainers"], 2, xerr=[[r["complainers"] - lo], [hi - r["complainers"]]], color="black",
                capsize=4)
    for b, v in zip(bars, values):
        ax.text(0.02, b.get_y() + b.get_height() / 2, f"{v:.0%}", va="center", color="white")
    ax.set_yticks(np.arange(3)[::-1], names)
    ax.xaxis.set_major_formatter(mticker.PercentFormatter(1.0, decimals=0))
    ax.set_xlim(0, 1.05)
    ax.set(title=f"Churn in the {horizon_days} days after: complainers against comparable customers",
           xlabel=f"share with no purchase in the next {horizon_days} days", ylabel="")
    return ax


def plot_referral_rates(table: pd.DataFrame, *, ax=None):
    """Referrals per 100 customer-years after the first answer, by NPS group, with intervals."""
    ax = get_ax(ax, figsize=(7, 3.2))
    t = table
    x = np.arange(len(t))
    colours = [{"promoter": _GOOD, "passive": _GREY, "detractor": _BAD}.get(g, _MAIN) for g in t.index]
    ax.bar(x, t["per_100_customer_years"], color=colours)
    err = np.vstack([t["per_100_customer_years"] - t["ci_low"], t["ci_high"] - t["per_100_customer_years"]])
    ax.errorbar(x, t["per_100_customer_years"], yerr=err, fmt="none", color="black", capsize=4)
    ax.set_xticks(x, [f"{g}s\n({n:,} respondents)" for g, n in zip(t.index, t["respondents"])])
    ax.set(title="New customers referred per 100 customer-years, by the referrer's first NPS answer",
           xlabel="", ylabel="referrals per 100 customer-years")
    return ax
