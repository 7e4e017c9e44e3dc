"""KPI overview: headline strings for the index and findings in words.

Sentences and workshop checks computed from the tables of :mod:`crmkit.analysis.kpi.kpis`; kept apart from the
computation so the analysis functions stay pure and testable on their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import fmt
from ...periods import Period
from .kpis import LOWER_IS_BETTER

__all__ = [
    "headline",
    "kpi_findings",
    "kpi_actions",
]


def headline(kpis: pd.DataFrame, *, currency: str = "¥") -> list[dict]:
    """Format a :func:`kpi_table` as display strings for the report index.

    Returns
    -------
    list of dict
        ``{"kpi", "label", "value", "previous", "change"}`` with formatted strings
        (changes of shares and scores in points, others in relative percent), and
        ``"good"``: True when the change is good news (a rise, or a fall of a KPI in
        :data:`LOWER_IS_BETTER`), False when bad, None without a change.

    Examples
    --------
    >>> k = pd.DataFrame({"label": ["NPS"], "value": [-10.0], "previous": [-20.0],
    ...                   "change": [10.0], "unit": ["score"]}, index=pd.Index(["nps"], name="kpi"))
    >>> h = headline(k)[0]
    >>> h["value"], h["change"], h["good"]
    ('-10', '+10 pts', True)
    """
    out = []
    for key, r in kpis.iterrows():
        ch = r["change"]
        out.append({
            "kpi": key, "label": r["label"], "value": _value(r["value"], r["unit"], currency),
            "previous": _value(r["previous"], r["unit"], currency),
            "change": fmt.change(r["value"], r["previous"], unit=r["unit"]),
            "good": None if pd.isna(ch) or ch == 0 else bool((ch > 0) != (key in LOWER_IS_BETTER)),
        })
    return out


def _value(v, unit: str, currency: str) -> str:
    if fmt.is_missing(v):
        return fmt.MISSING
    if unit == "currency":
        return fmt.money(v, currency)
    if unit == "count":
        return fmt.count(v)
    if unit == "share":
        return fmt.pct(v, decimals=1)
    if unit == "score":
        return f"{v:.0f}"
    return f"{v:.2f}"


def kpi_findings(kpis: pd.DataFrame, *, period: Period, currency: str = "¥") -> list[str]:
    """Sentences stating the main KPI movements, computed from :func:`kpi_table`.

    Changes of rates and scores are stated in points. KPIs a dataset lacks (no
    surveys, NPS without CSAT, no marketing spend) are left out.

    Returns
    -------
    list of str
        Markdown texts, e.g. ``"Revenue was **¥1,234,567** in 2025-Q4, up 12.3% on 2025-Q3."``
    """
    shown = {r["kpi"]: r for r in headline(kpis, currency=currency)}
    prev = period.previous().label
    out = []

    def has(key):
        return key in kpis.index and pd.notna(kpis.loc[key, "value"])

    def moved(key):
        ch = kpis.loc[key, "change"]
        if pd.isna(ch):
            return f"no comparison with {prev}"
        if ch == 0:
            return f"unchanged on {prev}"
        word = "up" if ch > 0 else "down"
        return f"{word} {shown[key]['change'].lstrip('+-')} on {prev}"

    if has("revenue"):
        out.append(f"Revenue was **{shown['revenue']['value']}** in {period.label}, {moved('revenue')}.")
    if has("active_customers") and has("new_customers"):
        act, new = kpis.loc["active_customers", "value"], kpis.loc["new_customers", "value"]
        out.append(
            f"**{shown['active_customers']['value']}** customers bought ({moved('active_customers')}); "
            f"{shown['new_customers']['value']} of them were new ({fmt.pct(new / act if act else np.nan)} "
            "of active).")
    if has("aov"):
        out.append(f"The average order value was {shown['aov']['value']} ({moved('aov')}).")
    if has("retention_rate"):
        out.append(
            f"{shown['retention_rate']['value']} of {prev}'s buyers bought again in {period.label} "
            f"({moved('retention_rate')}); the period churn rate was {shown['churn_rate']['value']}.")
    if has("cac"):
        out.append(f"Acquiring a customer cost {shown['cac']['value']} on average (CAC, {moved('cac')}).")
    scores = []
    if has("nps"):
        scores.append(f"NPS was **{shown['nps']['value']}** ({moved('nps')})")
    if has("csat"):
        scores.append(f"CSAT {shown['csat']['value']} satisfied answers ({moved('csat')})")
    if scores:
        out.append("; ".join(scores) + ".")
    return out


KPI_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("churn_rate", "up", "The period churn rate {moved}: start retention work with the at-risk list "
                         "of the churn report (06), highest value at risk first."),
    ("new_customers", "down", "New customers {moved}: check acquisition spend and channel conversion "
                              "(marketing channels report) before the next campaign."),
    ("cac", "up", "CAC {moved} to {value}: move budget towards the channels with the lowest cost "
                  "per valuable customer."),
    ("aov", "down", "The average order value {moved}: review discounts and bundles (market basket "
                    "report) so order values recover."),
    ("return_rate", "up", "The return rate {moved}: find the products and channels behind the "
                          "returns before they eat the margin."),
    ("nps", "down", "NPS {moved}: read the detractors' comments and call back unhappy high-value "
                    "customers (satisfaction report)."),
)
"""The KPI overview's actions as data: KPI, the direction that is bad news, the sentence
(``{moved}``: "rose 5.0 pts"; ``{value}``: the KPI as shown)."""


def kpi_actions(kpis: pd.DataFrame, *, currency: str = "¥",
                threshold_points: float = 2.0, threshold_relative: float = 0.10) -> list[str]:
    """What to do about the period's movements: one action per KPI that moved enough.

    A share or score that moved by at least ``threshold_points`` points, or an amount or
    count that moved by at least ``threshold_relative`` (relative), gets an action that
    names the report with the detail and the size of the movement. Without such
    movements the action is to keep the current plan and watch the next period.

    Returns
    -------
    list of str

    Examples
    --------
    >>> k = pd.DataFrame({"label": ["Period churn rate"], "value": [0.55], "previous": [0.50],
    ...                   "change": [0.05], "unit": ["share"]}, index=pd.Index(["churn_rate"], name="kpi"))
    >>> kpi_actions(k)[0]
    'The period churn rate rose 5.0 pts: start retention work with the at-risk list of the churn report (06), highest value at risk first.'
    """
    shown = {r["kpi"]: r for r in headline(kpis, currency=currency)}
    out = []

    def big(key):
        if key not in kpis.index or pd.isna(kpis.loc[key, "change"]):
            return False
        ch = float(kpis.loc[key, "change"])
        unit = kpis.loc[key, "unit"]
        if unit == "share":
            return abs(ch) * 100 >= threshold_points
        if unit == "score":
            return abs(ch) >= threshold_points
        return abs(ch) >= threshold_relative

    def moved(key):
        word = "rose" if kpis.loc[key, "change"] > 0 else "fell"
        return f"{word} {shown[key]['change'].lstrip('+-')}"

    for key, worse, text in KPI_ACTIONS:
        change = kpis.loc[key, "change"] if big(key) else 0.0
        if (worse == "up" and change > 0) or (worse == "down" and change < 0):
            out.append(text.format(moved=moved(key), value=shown[key]["value"]))
    if not out:
        out.append("No headline KPI moved enough to change course: keep the current plan and "
                   "check the segment and lifecycle reports for who drives the numbers.")
    return out
