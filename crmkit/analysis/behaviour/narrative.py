"""Behaviour: findings in words and the planted-truth check.

Sentences and workshop checks computed from the tables of :mod:`crmkit.analysis.behaviour.behaviour`; kept apart from the
computation so the analysis functions stay pure and testable on their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import fmt
from ...data.schema import EVENT_TYPES
from ...periods import Period
from .behaviour import WEEKDAYS, festival_lift, weekend_ratio

__all__ = [
    "behaviour_findings",
    "compare_with_planted",
    "behaviour_actions",
]


def behaviour_findings(*, window: Period | None = None, frequency: pd.DataFrame | None = None,
                       values: pd.Series | None = None, repeat: dict | None = None,
                       weekdays: pd.DataFrame | None = None, hours: pd.DataFrame | None = None,
                       festivals: pd.DataFrame | None = None, first_categories: pd.DataFrame | None = None,
                       funnel: pd.DataFrame | None = None, funnel_unit: str = "session",
                       currency: str = "¥") -> list[str]:
    """Sentences on purchase behaviour, computed from this module's tables (any may be omitted).

    Parameters
    ----------
    window : Period, optional
        The window the tables describe (named in the sentences).
    frequency : DataFrame, optional
        :func:`purchase_frequency`.
    values : Series, optional
        :func:`order_value_stats`.
    repeat : dict, optional
        :func:`repeat_summary`.
    weekdays : DataFrame, optional
        :func:`weekday_profile`.
    hours : DataFrame, optional
        :func:`weekday_hour_counts` (only when orders carry a time of day).
    festivals : DataFrame, optional
        :func:`festival_lift`.
    first_categories : DataFrame, optional
        :func:`first_category_share`.
    funnel : DataFrame, optional
        :func:`event_funnel` without ``by``.
    funnel_unit : {"session", "customer"}, default "session"
        The unit ``funnel`` counts.
    currency : str, default "¥"

    Returns
    -------
    list of str
        Markdown sentences.
    """
    out = []
    where = f" in {window.label.replace('_', ' to ')}" if window is not None else ""
    if frequency is not None and frequency["customers"].sum():
        one = frequency.loc[frequency["orders"] == 1, "share"].iloc[0]
        n = int(frequency["customers"].sum())
        out.append(f"Of the {n:,} customers who bought{where}, **{fmt.pct(one)} placed a single order**; "
                   f"{fmt.pct(1 - frequency['cumulative_share'].iloc[2])} placed more than three.")
    if values is not None and values["orders"] > 0:
        out.append(f"Half of the orders are below {currency}{values['median']:,.0f} "
                   f"(mean {currency}{values['mean']:,.0f}; 90% are below {currency}{values['p90']:,.0f}).")
    if repeat is not None and repeat["customers"]:
        s = (f"**{fmt.pct(repeat['one_time_share'])} of customers have not (yet) come back** after their first "
             f"purchase day; those who did took a median of {repeat['median_days_to_second']:.0f} days")
        if pd.notna(repeat["median_gap_days"]):
            s += f", and the median gap between any two purchase days is {repeat['median_gap_days']:.0f} days"
        out.append(s + ".")
        out.append(f"Counting recent customers who may still return (Kaplan-Meier), "
                   f"{fmt.pct(repeat['reorder_within_horizon'])} of new customers buy again within "
                   f"{repeat['horizon_days']} days.")
    if weekdays is not None and weekdays["mean_orders"].notna().all():
        hi = weekdays.loc[weekdays["index"].idxmax()]
        lo = weekdays.loc[weekdays["index"].idxmin()]
        out.append(f"The busiest weekday is {hi['weekday_name']} ({hi['index']:.2f}x an average day), the "
                   f"quietest {lo['weekday_name']} ({lo['index']:.2f}x); weekends see "
                   f"{weekend_ratio(weekdays):.2f}x the orders of a weekday.")
    if hours is not None and hours["orders"].sum():
        by_hour = hours.groupby("hour")["share"].sum()
        peak = int(by_hour.idxmax())
        out.append(f"Orders peak at {peak:02d}:00-{peak + 1:02d}:00 ({fmt.pct(by_hour.max())} of the day's "
                   f"orders in that hour).")
    if festivals is not None and len(festivals):
        f = festivals.groupby("festival")["lift"].mean().sort_values(ascending=False)
        parts = [f"{name} {lift:.1f}x" for name, lift in f.items()]
        out.append("Festival days against the median day around them: " + ", ".join(parts) + ".")
    if first_categories is not None and len(first_categories):
        top = first_categories.iloc[0]
        out.append(f"**{top['category']}** is the most common first purchase ({fmt.pct(top['share'])} of "
                   f"first orders).")
    if funnel is not None and len(funnel) and "channel" not in funnel.columns:
        f = funnel.set_index("stage")
        out.append(f"In the web funnel, {fmt.pct(f.loc['purchase', 'share_of_start'])} of the {funnel_unit}s that "
                   f"viewed a product went on to buy; the weakest step is "
                   f"{_weakest(f)}.")
    return out


def _weakest(f: pd.DataFrame) -> str:
    steps = f["step_conversion"].iloc[1:]
    stage = steps.idxmin()
    prev = list(EVENT_TYPES)[list(EVENT_TYPES).index(stage) - 1]
    return f"{prev.replace('_', ' ')} -> {stage.replace('_', ' ')} ({fmt.pct(steps.min())} continue)"


def compare_with_planted(truth: dict, *, weekdays: pd.DataFrame | None = None,
                         festivals: pd.DataFrame | None = None, hours: pd.DataFrame | None = None,
                         funnel: pd.DataFrame | None = None, baseline_days: int = 28) -> pd.DataFrame:
    """Measured seasonality and funnel next to the truth planted in the synthetic demo data.

    Parameters
    ----------
    truth : dict
        ``Dataset.truth`` of the demo (``truth["seasonality"]``, ``truth["funnel"]``).
    weekdays : DataFrame, optional
        :func:`weekday_profile`; compared with the planted weekday factors (as a
        weekend / weekday ratio and per weekday, both relative to an average day).
    festivals : DataFrame, optional
        :func:`festival_lift`; each festival's mean lift is compared with the lift the
        planted daily intensity gives under the same baseline rule.
    hours : DataFrame, optional
        :func:`weekday_hour_counts`; the peak hour and its share.
    funnel : DataFrame, optional
        :func:`event_funnel` per session ``by="channel"``; step conversions.
    baseline_days : int, default 28

    Returns
    -------
    DataFrame
        Columns ``measure``, ``planted``, ``measured``, ``difference`` (measured -
        planted).
    """
    rows = []
    s = truth.get("seasonality", {})
    if weekdays is not None and "weekday" in s:
        f = np.asarray([s["weekday"][w] for w in WEEKDAYS], dtype=float)
        rows.append(("weekend / weekday orders", f[5:].mean() / f[:5].mean(), weekend_ratio(weekdays)))
        for w, pf, m in zip(WEEKDAYS, f / f.mean(), weekdays["index"]):
            rows.append((f"{w} vs average day", pf, m))
    if festivals is not None and len(festivals) and "daily" in s:
        intensity = s["daily"]
        planted = festival_lift(pd.DataFrame({"orders": intensity.to_numpy(), "revenue": 0.0},
                                             index=pd.DatetimeIndex(intensity.index, name="day")),
                                baseline_days=baseline_days,
                                festivals={n: [str(d.date())] for n, d in
                                           festivals[["festival", "date"]].itertuples(index=False)})
        got = festivals.groupby("festival")["lift"].mean()
        exp = planted.groupby("festival")["lift"].mean()
        for name in got.index.intersection(exp.index):
            rows.append((f"{name}: orders vs median day", exp[name], got[name]))
    if hours is not None and "hourly" in s and hours["orders"].sum():
        planted_h = pd.Series(s["hourly"], dtype=float)
        planted_h = planted_h / planted_h.sum()
        measured_h = hours.groupby("hour")["share"].sum()
        rows.append(("peak hour", float(planted_h.idxmax()), float(measured_h.idxmax())))
        rows.append(("share of orders in the peak hour", planted_h.max(), measured_h.max()))
    if funnel is not None and "funnel" in truth and "channel" in funnel.columns:
        names = {"click": "view_to_click", "add_to_cart": "click_to_add_to_cart",
                 "purchase": "add_to_cart_to_purchase"}
        for ch, f in funnel.groupby("channel"):
            if ch not in truth["funnel"]:
                continue
            for stage, conv in zip(f["stage"], f["step_conversion"]):
                if stage in names:
                    rows.append((f"{ch}: {names[stage].replace('_', ' ')}", truth["funnel"][ch][names[stage]], conv))
    out = pd.DataFrame(rows, columns=["measure", "planted", "measured"])
    out["difference"] = out["measured"] - out["planted"]
    return out


def behaviour_actions(*, repeat: dict | None = None, hours: pd.DataFrame | None = None,
                      weekdays: pd.DataFrame | None = None, festivals: pd.DataFrame | None = None,
                      funnel: pd.DataFrame | None = None, recent_first_buyers: int | None = None
                      ) -> list[str]:
    """What to do about the behaviour described, computed from the same tables.

    Parameters
    ----------
    repeat : dict, optional
        :func:`repeat_summary`: drives the second-purchase action (timing from the median
        days to the second purchase).
    hours, weekdays : DataFrame, optional
        When to send messages (peak hour and weekday).
    festivals : DataFrame, optional
        :func:`festival_lift`: the festival to prepare for (largest lift).
    funnel : DataFrame, optional
        :func:`event_funnel` without ``by``: the weakest step to fix.
    recent_first_buyers : int, optional
        Customers whose first purchase is recent enough for the second-purchase offer.

    Returns
    -------
    list of str

    Examples
    --------
    >>> behaviour_actions(repeat={"customers": 100, "one_time_share": 0.6,
    ...     "median_days_to_second": 21.0, "reorder_within_horizon": 0.35, "horizon_days": 90},
    ...     recent_first_buyers=40)[0]
    'Second purchase: 60% of new customers have not bought again. Send the 40 customers whose first purchase was in the last 21 days and who have not come back yet a second-purchase offer around day 21, when returning customers usually come back.'
    """
    out = []
    if repeat and repeat.get("customers") and pd.notna(repeat.get("median_days_to_second")):
        days = int(round(repeat["median_days_to_second"]))
        who = (f"the {fmt.plural(recent_first_buyers, 'customer')} whose first purchase was in the "
               f"last {days} days and who have not come back yet" if recent_first_buyers else
               "each new customer")
        out.append(f"Second purchase: {fmt.pct(repeat['one_time_share'])} of new customers have not "
                   f"bought again. Send {who} a second-purchase offer around day {days}, when returning "
                   "customers usually come back.")
    when = []
    if weekdays is not None and weekdays["mean_orders"].notna().all():
        when.append(str(weekdays.loc[weekdays["index"].idxmax(), "weekday_name"]))
    if hours is not None and hours["orders"].sum():
        peak = int(hours.groupby("hour")["share"].sum().idxmax())
        when.append(f"{peak:02d}:00-{peak + 1:02d}:00")
    if when:
        out.append(f"Timing: schedule campaign messages for {' '.join(when)}, when most orders are "
                   "placed.")
    if festivals is not None and len(festivals):
        f = festivals.groupby("festival")["lift"].mean()
        best = f.idxmax()
        if f.max() > 1.2:
            out.append(f"Festivals: plan stock, staff and offers for {best} ({f.max():.1f}x the orders "
                       "of a normal day).")
    if funnel is not None and len(funnel) and "channel" not in funnel.columns:
        out.append(f"Web funnel: work on the weakest step, {_weakest(funnel.set_index('stage'))} "
                   "(checkout friction, reminders for abandoned carts).")
    return out
