"""Satisfaction and service in words: findings, actions, the index summary, planted-truth checks.

Every sentence is computed from the frames of the compute modules; numbers are
formatted with :mod:`crmkit.fmt` only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import fmt
from ...labels import label

__all__ = [
    "score_sentence",
    "response_sentence",
    "comparison_display",
    "group_sentence",
    "themes_display",
    "service_table",
    "driver_sentence",
    "driver_sentences",
    "theme_sentence",
    "service_sentence",
    "loyalty_sentence",
    "loyalty_display",
    "referral_sentence",
    "satisfaction_findings",
    "satisfaction_actions",
    "planted_checks",
    "plain",
]

_GROUP_WORDS = {"promoter": "promoters", "passive": "passives", "detractor": "detractors"}


def _signed(x: float, *, decimals: int = 0) -> str:
    return fmt.MISSING if fmt.is_missing(x) else f"{float(x):+.{decimals}f}"


def score_sentence(comparison: pd.DataFrame, *, measure: str, period: str, previous: str) -> str:
    """One sentence on NPS or CSAT: level, interval, answers, change and whether it is noise.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`crmkit.analysis.satisfaction.compare_scores`.
    measure : {"nps", "csat"}
    period, previous : str
        Labels of the two periods.

    Examples
    --------
    >>> c = pd.DataFrame({"value": [46.0], "previous": [40.0], "change": [6.0], "change_low": [1.0],
    ...                   "change_high": [11.0], "beyond_noise": [True], "n": [1300], "n_previous": [1000]},
    ...                  index=pd.Index(["nps"], name="measure"))
    >>> score_sentence(c, measure="nps", period="2025-Q4", previous="2025-Q3")
    'NPS was **+46** in 2025-Q4 (1,300 answers), +6 pts against 2025-Q3 (+40): larger than the noise (95% interval of the change +1 to +11 pts).'
    """
    r = comparison.loc[measure]
    if r["n"] == 0:
        return f"No {measure.upper()} answers in {period}."
    if measure == "nps":
        value, prev = f"**{_signed(r['value'])}**", _signed(r["previous"])
        change = fmt.change(r["value"], r["previous"], unit="score")
        lo, hi = _signed(r["change_low"]), _signed(r["change_high"]) + " pts"
    else:
        value, prev = f"**{fmt.pct(r['value'])}**", fmt.pct(r["previous"])
        change = fmt.change(r["value"], r["previous"], unit="share")
        lo, hi = fmt.points(r["change_low"]).replace(" pts", ""), fmt.points(r["change_high"])
    name = "NPS" if measure == "nps" else "CSAT"
    text = f"{name} was {value} in {period} ({fmt.count(r['n'])} answers)"
    if r["n_previous"] == 0:
        return text + f"; no answers in {previous} to compare with."
    verdict = "larger than the noise" if r["beyond_noise"] else "within the noise"
    return (f"{text}, {change} against {previous} ({prev}): {verdict} "
            f"(95% interval of the change {lo} to {hi}).")


def response_sentence(rate: dict, *, period: str) -> str:
    """Answers, respondents and the response rate in words.

    Examples
    --------
    >>> response_sentence({"answers": 130, "purchases": 1000, "response_rate": 0.13, "respondents": 100,
    ...                    "buyers": 400, "respondent_share": 0.25}, period="2025-Q4")
    '130 answers in 2025-Q4 from 100 customers: 13 answers per 100 purchases, and 25% of the 400 customers who bought answered at least once.'
    """
    if rate["answers"] == 0:
        return f"No survey answers in {period}."
    per100 = fmt.num(100 * rate["response_rate"], digits=2) if not fmt.is_missing(rate["response_rate"]) else fmt.MISSING
    return (f"{fmt.count(rate['answers'])} answers in {period} from {fmt.count(rate['respondents'])} customers: "
            f"{per100} answers per 100 purchases, and {fmt.pct(rate['respondent_share'])} of the "
            f"{fmt.count(rate['buyers'])} customers who bought answered at least once.")


def comparison_display(comparison: pd.DataFrame, *, period: str, previous: str) -> pd.DataFrame:
    """The NPS / CSAT comparison as a table of words for the page."""
    rows = []
    for m, r in comparison.iterrows():
        unit = "score" if m == "nps" else "share"
        show = (lambda v: _signed(v)) if m == "nps" else (lambda v: fmt.pct(v))
        if m == "nps":
            interval = f"{_signed(r['change_low'])} to {_signed(r['change_high'])} pts"
        else:
            interval = f"{fmt.points(r['change_low']).replace(' pts', '')} to {fmt.points(r['change_high'])}"
        verdict = (fmt.MISSING if fmt.is_missing(r["change_low"]) else
                   "larger than the noise" if r["beyond_noise"] else "within the noise")
        rows.append({"measure": "NPS" if m == "nps" else "CSAT", period: show(r["value"]),
                     f"answers {period}": fmt.count(r["n"]), previous: show(r["previous"]),
                     f"answers {previous}": fmt.count(r["n_previous"]),
                     "change": fmt.change(r["value"], r["previous"], unit=unit),
                     "95% interval of the change": interval if not fmt.is_missing(r["change_low"]) else fmt.MISSING,
                     "verdict": verdict})
    return pd.DataFrame(rows)


def group_sentence(table: pd.DataFrame, *, by: str) -> str | None:
    """Highest and lowest NPS among the groups with enough answers, and whether they differ beyond noise."""
    t = table.loc[~table["small"] & table["nps"].notna()]
    if len(t) < 2:
        return None
    hi, lo = t["nps"].idxmax(), t["nps"].idxmin()
    apart = t.loc[hi, "nps_low"] > t.loc[lo, "nps_high"]
    verdict = "the intervals do not overlap" if apart else "their intervals overlap: no clear difference"
    return (f"By {label(by)}: highest NPS {hi} ({_signed(t.loc[hi, 'nps'])}), lowest {lo} "
            f"({_signed(t.loc[lo, 'nps'])}); {verdict}.")


def themes_display(themes: pd.DataFrame, *, group: str = "promoter", other: str = "detractor") -> pd.DataFrame:
    """Distinctive terms with their examples as a table of words (examples joined with " · ")."""
    if themes is None or themes.empty:
        return pd.DataFrame(columns=["used more by", "language", "word", "uses", "uses by the other group",
                                     "example comments"])
    lang = {"zh": "Chinese", "en": "English"}
    return pd.DataFrame({
        "used more by": themes["side"].map(lambda g: _GROUP_WORDS.get(g, g)),
        "language": themes["language"].map(lambda x: lang.get(x, x)),
        "word": themes["term"],
        "uses": themes["count"].astype(np.int64),
        "uses by the other group": themes["count_other"].astype(np.int64),
        "example comments": themes["examples"].map(lambda xs: " · ".join(xs)),
    })


def service_table(*, rate: dict, times: pd.DataFrame, sla: dict, sla_first: dict | None,
                  open_tickets: pd.DataFrame, repeat: pd.DataFrame, sla_hours: float,
                  first_response_sla_hours: float, repeat_days: int) -> pd.DataFrame:
    """The complaint-handling measures of a period as a two-column table of words."""
    c = times.loc["complaints"] if "complaints" in times.index else pd.Series(dtype=float)

    def hours(x):
        return fmt.MISSING if fmt.is_missing(x) else f"{fmt.num(x, digits=2)} h"

    rows = [
        ("complaints opened", fmt.count(rate["complaints"])),
        ("complaints per 1,000 orders", fmt.num(rate["per_1000_orders"], digits=3)),
        ("time to first response: median / 90th percentile",
         f"{hours(c.get('response_median_hours'))} / {hours(c.get('response_p90_hours'))}"),
        ("time to resolve: median / 90th percentile",
         f"{hours(c.get('resolution_median_hours'))} / {hours(c.get('resolution_p90_hours'))}"),
        (f"resolved within the service level ({sla_hours:g} h)",
         f"{fmt.pct(sla['share'])} ({fmt.count(sla['met'])} of {fmt.count(sla['met'] + sla['missed'])} decided)"),
    ]
    if sla_first is not None and sla_first["met"] + sla_first["missed"] > 0:
        rows.append((f"first response within {first_response_sla_hours:g} h",
                     f"{fmt.pct(sla_first['share'])} ({fmt.count(sla_first['met'])} of "
                     f"{fmt.count(sla_first['met'] + sla_first['missed'])})"))
    oc = open_tickets.loc[open_tickets["is_complaint"]] if len(open_tickets) else open_tickets
    rows += [
        ("complaints open at the reference date", fmt.count(len(oc))),
        ("oldest open complaint", fmt.MISSING if oc.empty else f"{fmt.count(np.floor(oc['age_days'].max()))} days"),
        ("other tickets open", fmt.count(len(open_tickets) - len(oc))),
        (f"repeat complainers (2+ complaints in {repeat_days} days)", fmt.count(len(repeat))),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"])


_WHO = {
    "slow_ticket": "customers whose ticket (opened in the {w} days before the answer) took more than {d} days to resolve",
    "open_ticket": "customers with a ticket still open when they answered",
    "complaint_before": "customers who complained in the {w} days before the answer",
    "ticket_before": "customers who contacted service in the {w} days before the answer",
}


def driver_sentence(row: pd.Series, *, term: str, slow_ticket_days: float = 3, service_window_days: int = 90,
                    confidence: float = 0.95) -> str:
    """One driver effect in words.

    Examples
    --------
    >>> r = pd.Series({"driver": "slow_ticket", "level": None, "reference": None, "effect": -1.8,
    ...                "ci_low": -2.6, "ci_high": -1.0, "answers": 28})
    >>> driver_sentence(r, term="slow_ticket")
    'Customers whose ticket (opened in the 90 days before the answer) took more than 3 days to resolve gave NPS answers 1.8 points lower on the 0-10 scale (95% CI 1.0 to 2.6 lower), other drivers held equal (28 answers).'
    """
    d = row["driver"]
    if d in _WHO:
        who = _WHO[d].format(w=service_window_days, d=f"{slow_ticket_days:g}")
    else:
        who = f"customers with {label(d)} {row['level']} (against {row['reference']})"
    e, lo, hi = float(row["effect"]), float(row["ci_low"]), float(row["ci_high"])
    direction = "lower" if e < 0 else "higher"
    if lo < 0 < hi:
        ci = f"{abs(lo):.1f} lower to {hi:.1f} higher"
    elif e < 0:
        ci = f"{abs(hi):.1f} to {abs(lo):.1f} lower"
    else:
        ci = f"{lo:.1f} to {hi:.1f} higher"
    return (f"{who[0].upper() + who[1:]} gave NPS answers {abs(e):.1f} points {direction} on the 0-10 scale "
            f"({confidence:.0%} CI {ci}), other drivers held equal ({fmt.count(row['answers'])} answers).")


def driver_sentences(effects: pd.DataFrame, *, slow_ticket_days: float = 3, service_window_days: int = 90,
                     top: int = 4, confidence: float = 0.95) -> list[str]:
    """The significant drivers in words, largest effect first (at most ``top``)."""
    if effects is None or effects.empty:
        return ["Too few survey answers to estimate what moves satisfaction."]
    sig = effects.loc[effects["significant"]]
    if sig.empty:
        return ["No driver moves the NPS answers by more than the noise."]
    sig = sig.reindex(sig["effect"].abs().sort_values(ascending=False).index).head(top)
    return [driver_sentence(r, term=t, slow_ticket_days=slow_ticket_days,
                            service_window_days=service_window_days, confidence=confidence)
            for t, r in sig.iterrows()]


def theme_sentence(terms: pd.DataFrame, *, group: str = "detractor", k: int = 4) -> str:
    """Which words set a group apart, both languages.

    Examples
    --------
    >>> t = pd.DataFrame({"side": ["detractor"] * 3, "language": ["en", "en", "zh"],
    ...                   "term": ["late", "wrong", "太慢"], "z": [5.0, 3.0, 4.0]})
    >>> theme_sentence(t)
    'Detractors write most distinctively about “late”, “太慢”, “wrong”.'
    """
    if terms is None or terms.empty or not (terms["side"] == group).any():
        return f"Too few comments from {_GROUP_WORDS.get(group, group)} to find their themes."
    t = terms.loc[terms["side"] == group].sort_values("z", ascending=False).head(k)
    words = ", ".join(f"“{w}”" for w in t["term"])
    return f"{_GROUP_WORDS.get(group, group).capitalize()} write most distinctively about {words}."


def service_sentence(rate: dict, sla: dict, times: pd.DataFrame, open_tickets: pd.DataFrame, *,
                     sla_hours: float, period: str, repaired: int = 0) -> str:
    """Complaint volume, speed and backlog in one sentence.

    ``repaired``: tickets whose impossible resolution time the cleaning removed (they
    look open); mentioned when complaints are open.
    """
    if rate["complaints"] == 0:
        text = f"No complaints were opened in {period}"
    else:
        text = (f"{fmt.count(rate['complaints'])} complaints in {period}, "
                f"{fmt.num(rate['per_1000_orders'], digits=2)} per 1,000 orders")
        med = times.loc["complaints", "resolution_median_hours"] if "complaints" in times.index else np.nan
        if not fmt.is_missing(med):
            text += f"; half were resolved within {fmt.num(med, digits=2)} hours"
        if not fmt.is_missing(sla["share"]):
            text += f", {fmt.pct(sla['share'])} within the {sla_hours:g}-hour service level"
    n_open = int(open_tickets["is_complaint"].sum()) if len(open_tickets) else 0
    if n_open:
        oldest = open_tickets.loc[open_tickets["is_complaint"], "age_days"].max()
        text += f". {fmt.count(n_open)} complaints are open, the oldest for {fmt.count(np.floor(oldest))} days"
        if repaired:
            text += (f" ({fmt.count(repaired)} tickets count as open only because their resolution time was "
                     "impossible and was removed: check them at the source)")
    return text + "."


def loyalty_sentence(table: pd.DataFrame, info: dict) -> str:
    """Complainers' churn against comparable non-complainers, in words."""
    if info["matched_complainers"] == 0:
        return ("Too few complainers among the active customers at "
                f"{fmt.date(info['cutoff'])} to compare their loyalty.")
    r = table.loc["churned"]
    verdict = "a difference larger than the noise" if (r["ci_low"] > 0 or r["ci_high"] < 0) else "within the noise"
    return (f"Of the {fmt.count(info['matched_complainers'])} active customers who complained in the "
            f"{info.get('comparison_days', 90)} days before {fmt.date(info['cutoff'])}, "
            f"{fmt.pct(r['complainers'])} bought nothing in the next {info['horizon_days']} days, against "
            f"{fmt.pct(r['matched'])} of comparable customers (same value tier and tenure) who did not "
            f"complain: {fmt.points(r['difference'])} ({verdict}; 95% interval "
            f"{fmt.points(r['ci_low']).replace(' pts', '')} to {fmt.points(r['ci_high'])}).")


def loyalty_display(table: pd.DataFrame, *, currency: str = "", horizon_days: int = 90) -> pd.DataFrame:
    """The complainer comparison as a table of words: rates in %, differences in points."""
    names = {"churned": f"bought nothing in the next {horizon_days} days",
             "repeat_purchases": f"purchases per customer in the next {horizon_days} days",
             "spend": f"spend per customer in the next {horizon_days} days"}
    rows = []
    for outcome, r in table.iterrows():
        if outcome == "churned":
            show, diff = fmt.pct, (lambda v: fmt.points(v))
        elif outcome == "spend":
            show = diff = (lambda v: fmt.money(v, currency))
        else:
            show = diff = (lambda v: fmt.num(v, decimals=2))
        rows.append({"outcome": names.get(outcome, outcome), "complainers": show(r["complainers"]),
                     "comparable non-complainers": show(r["matched"]),
                     "all non-complainers": show(r["all_others"]), "difference": diff(r["difference"]),
                     "95% interval": f"{diff(r['ci_low'])} to {diff(r['ci_high'])}"})
    return pd.DataFrame(rows)


def referral_sentence(share: dict | None, ratios: dict | None, *, period: str) -> str:
    """Referral share of new customers and the promoters' referral rate ratio."""
    parts = []
    if share is not None and not fmt.is_missing(share.get("share")):
        parts.append(f"{fmt.pct(share['share'])} of the {fmt.count(share['new_customers'])} new customers "
                     f"of {period} came by referral")
    elif share is not None and not fmt.is_missing(share.get("customer_share")):
        parts.append(f"no new customers in {period}; of all {fmt.count(share['customers'])} customers, "
                     f"{fmt.pct(share['customer_share'])} came by referral")
    if ratios is not None:
        r = ratios.get("promoter_vs_others", {})
        if not fmt.is_missing(r.get("ratio")):
            verdict = "" if r["low"] > 1 or r["high"] < 1 else " (within the noise)"
            parts.append(f"after answering, promoters referred new customers {fmt.num(r['ratio'], digits=2)} "
                         f"times as often as passives and detractors (95% interval "
                         f"{fmt.num(r['low'], digits=2)} to {fmt.num(r['high'], digits=2)}){verdict}")
    if not parts:
        return "No referral data: the dataset has no referral channel or referrals table."
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def satisfaction_findings(*, scores: pd.DataFrame | None = None, period: str = "", previous: str = "",
                          effects: pd.DataFrame | None = None, terms: pd.DataFrame | None = None,
                          service: str | None = None, loyalty: str | None = None,
                          referral: str | None = None, slow_ticket_days: float = 3,
                          service_window_days: int = 90) -> list[str]:
    """Three to five findings for the summary, from what the dataset allows."""
    out = []
    if scores is not None:
        out.append(score_sentence(scores, measure="nps", period=period, previous=previous)
                   + " " + score_sentence(scores, measure="csat", period=period, previous=previous))
    if effects is not None:
        sentences = driver_sentences(effects, slow_ticket_days=slow_ticket_days,
                                     service_window_days=service_window_days, top=1)
        out.append(sentences[0])
    if terms is not None and not terms.empty:
        out.append(theme_sentence(terms, group="detractor") + " " + theme_sentence(terms, group="promoter"))
    for s in (service, loyalty, referral):
        if s:
            out.append(s)
    return out[:5]


def satisfaction_actions(*, has_surveys: bool = True, callbacks: pd.DataFrame | None = None, currency: str = "",
                         value_basis: str = "", sla: dict | None = None, sla_hours: float = 48,
                         open_tickets: pd.DataFrame | None = None, effects: pd.DataFrame | None = None,
                         terms: pd.DataFrame | None = None, ratios: dict | None = None,
                         slow_ticket_days: float = 3) -> list[str]:
    """What to do, for whom, and how much is at stake."""
    out = []
    if not has_surveys:
        out.append("**CX owner:** ask for an NPS and a CSAT answer after purchases and add them to the export "
                   "as the `surveys` table: without them satisfaction, what moves it and the customers' own "
                   "words cannot be measured.")
    if callbacks is not None and len(callbacks):
        n_open = int((callbacks["open_complaints"] > 0).sum())
        n_det = int(callbacks["last_nps"].notna().sum())
        worth = callbacks["customer_value"].sum()
        out.append(f"**Customer service:** call back the {fmt.count(len(callbacks))} high-value customers in "
                   f"`satisfaction_callbacks.csv` this week ({fmt.count(n_open)} with an open complaint, "
                   f"{fmt.count(n_det)} recent detractors), highest value first; together they are worth "
                   f"{fmt.money(worth, currency)} ({value_basis}).")
    if sla is not None and not fmt.is_missing(sla.get("share")) and sla["share"] < 0.9:
        late = 0
        if open_tickets is not None and len(open_tickets):
            late = int((open_tickets["is_complaint"] & (open_tickets["age_days"] * 24 > sla_hours)).sum())
        extra = f"; clear the {fmt.count(late)} complaints already open past it first" if late else ""
        out.append(f"**Service managers:** only {fmt.pct(sla['share'])} of complaints met the {sla_hours:g}-hour "
                   f"service level{extra}.")
    if effects is not None and "slow_ticket" in effects.index:
        r = effects.loc["slow_ticket"]
        if r["significant"] and r["effect"] < 0:
            out.append(f"**Service managers:** resolve tickets within {slow_ticket_days:g} days: answers after "
                       f"slower tickets are {abs(r['effect']):.1f} points lower on the 0-10 scale.")
    if terms is not None and not terms.empty and (terms["side"] == "detractor").any():
        words = ", ".join(f"“{w}”" for w in terms.loc[terms["side"] == "detractor"]
                          .sort_values("z", ascending=False)["term"].head(3))
        out.append(f"**Product and logistics owners:** read the detractor comments on {words} (examples in "
                   "section 4) and fix the most common cause.")
    if ratios is not None:
        r = ratios.get("promoter_vs_others", {})
        if not fmt.is_missing(r.get("ratio")) and r["low"] > 1:
            out.append(f"**Marketing:** ask promoters for referrals right after they answer: they refer "
                       f"{fmt.num(r['ratio'], digits=2)} times as often as other respondents.")
    return out


def planted_checks(truth: dict, *, effects: pd.DataFrame | None = None, loyalty: pd.DataFrame | None = None,
                   ratios: dict | None = None, times: pd.DataFrame | None = None,
                   leaked_pii: int | None = None) -> pd.DataFrame:
    """Compare what the page recovered with the links planted in the synthetic demo.

    Parameters
    ----------
    truth : dict
        ``Dataset.truth`` of :func:`crmkit.data.synthetic.make_demo`.
    effects, loyalty, ratios, times : optional
        Outputs of :func:`driver_effects`, :func:`complainer_comparison`,
        :func:`referral_by_nps` and :func:`handling_times` (tickets of the whole data).
    leaked_pii : int, optional
        Names or phones of the planted comments found in the shown examples.

    Returns
    -------
    DataFrame
        Columns ``link``, ``planted``, ``estimate``, ``interval``, ``recovered`` (bool).
    """
    rows = []
    service = truth.get("service", {})
    if effects is not None and "slow_ticket" in effects.index and service:
        r = effects.loc["slow_ticket"]
        planted = -float(service["nps_drop"])
        rows.append({"link": f"a ticket resolved after more than {service['slow_ticket_days']:g} days lowers "
                             "the next NPS answer (points)",
                     "planted": planted, "estimate": float(r["effect"]),
                     "interval": f"{r['ci_low']:.2f} to {r['ci_high']:.2f}",
                     "recovered": bool(r["ci_low"] <= planted <= r["ci_high"] and r["ci_high"] < 0)})
    if loyalty is not None and "churned" in loyalty.index:
        r = loyalty.loc["churned"]
        p = truth["churn_drivers"]["complaints"]["probability_after_dropout"]
        rows.append({"link": f"complaints follow dropout (probability {p:.2f}): complainers churn more "
                             "than comparable customers (points of churn)",
                     "planted": np.nan, "estimate": 100 * float(r["difference"]),
                     "interval": f"{100 * r['ci_low']:.1f} to {100 * r['ci_high']:.1f}",
                     "recovered": bool(r["ci_low"] > 0)})
    if ratios is not None and "referrals" in truth:
        planted = truth["referrals"]["rate_ratio"]["promoter_vs_passive"]
        r = ratios["promoter_vs_passive"]
        rows.append({"link": "promoters refer more: referral rate ratio, promoters / passives",
                     "planted": planted, "estimate": r["ratio"],
                     "interval": f"{r['low']:.2f} to {r['high']:.2f}",
                     "recovered": bool(r["low"] <= planted <= r["high"] and r["low"] > 1)})
    if times is not None and "complaints" in times.index and service:
        for what, planted, col in (
                ("first response", service["first_response_median_hours"]["complaint"], "response_median_hours"),
                ("resolution", truth["tickets"]["median_resolution_hours"]["complaint"], "resolution_median_hours")):
            est = float(times.loc["complaints", col])
            rows.append({"link": f"median hours to {what} of a complaint", "planted": float(planted),
                         "estimate": est, "interval": "within 25% of the planted median",
                         "recovered": bool(abs(est / planted - 1) <= 0.25)})
    if leaked_pii is not None and service:
        rows.append({"link": "comments naming the customer and a phone are masked in the examples",
                     "planted": float(len(service.get("comments_with_pii_rows", []))),
                     "estimate": float(leaked_pii), "interval": "names or phones shown: must be 0",
                     "recovered": leaked_pii == 0})
    return pd.DataFrame(rows, columns=["link", "planted", "estimate", "interval", "recovered"])


def plain(obj):
    """``obj`` with numpy / pandas scalars, frames and NaN turned into plain JSON values.

    Examples
    --------
    >>> plain({"a": np.int64(3), "b": np.float64("nan"), "c": [np.bool_(True)], "d": pd.Timestamp("2025-01-02")})
    {'a': 3, 'b': None, 'c': [True], 'd': '2025-01-02'}
    """
    if isinstance(obj, pd.DataFrame):
        return [plain(r) for r in obj.reset_index().to_dict("records")]
    if isinstance(obj, pd.Series):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return None if not np.isfinite(obj) else float(obj)
    if isinstance(obj, pd.Timestamp):
        return None if pd.isna(obj) else f"{obj:%Y-%m-%d}" if obj == obj.normalize() else obj.isoformat()
    if obj is None or obj is pd.NaT or obj is pd.NA:
        return None
    return obj
