"""Churn: driver sentences, findings, the index summary and the planted-driver check.

Sentences and workshop checks computed from the tables of :mod:`crmkit.analysis.churn`; kept apart from the
computation so the analysis functions stay pure and testable on their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .features import CutoffPlan
from .models import _PLANTED_FEATURES, MODEL_LABELS

__all__ = [
    "driver_sentences",
    "planted_driver_check",
    "churn_findings",
    "churn_summary",
]


def driver_sentences(importance: pd.DataFrame, pdp: pd.DataFrame | None = None, *,
                     top: int = 5) -> list[str]:
    """Turn permutation importances (and partial dependence) into plain sentences.

    Parameters
    ----------
    importance : DataFrame
        Output of :func:`permutation_drivers`.
    pdp : DataFrame, optional
        Output of :func:`partial_dependence_table`; adds the direction of each effect.
    top : int, default 5

    Returns
    -------
    list of str
        One sentence per driver, strongest first.

    Examples
    --------
    >>> imp = pd.DataFrame({"importance": [0.08, 0.0], "group": ["service", "web"],
    ...                     "meaning": ["complaints in the last 90 days", "x"]},
    ...                    index=pd.Index(["complaints_90d", "web_sessions_30d"], name="feature"))
    >>> pdp = pd.DataFrame({"feature": "complaints_90d", "value": [0.0, 3.0],
    ...                     "churn_probability": [0.2, 0.6]})
    >>> driver_sentences(imp, pdp)[0]
    '1. complaints_90d (complaints in the last 90 days, service): shuffling it lowers ROC AUC by 0.080; predicted churn rises from 20% at 0 to 60% at 3.'
    """
    out = []
    imp = importance.loc[importance["importance"] > 0].head(top)
    for i, (f, row) in enumerate(imp.iterrows(), start=1):
        what = row.get("meaning") or ""
        s = f"{i}. {f} ({what + ', ' if what else ''}{row.get('group', '')}): shuffling it lowers ROC AUC by {row['importance']:.3f}"
        if pdp is not None and (pdp["feature"] == f).any():
            d = pdp.loc[pdp["feature"] == f]
            lo, hi = d.iloc[0], d.iloc[-1]
            verb = "rises" if hi["churn_probability"] > lo["churn_probability"] else "falls"
            if abs(hi["churn_probability"] - lo["churn_probability"]) < 0.01:
                s += f"; predicted churn hardly changes across its range ({lo['churn_probability']:.0%})"
            else:
                s += (f"; predicted churn {verb} from {lo['churn_probability']:.0%} at "
                      f"{lo['value']:,.4g} to {hi['churn_probability']:.0%} at {hi['value']:,.4g}")
        out.append(s + ".")
    if not out:
        out.append("No feature improves the held-out ROC AUC when kept intact: the model "
                   "has found no reliable driver.")
    return out


def planted_driver_check(importance: pd.DataFrame, drivers, *, top: int = 5) -> pd.DataFrame:
    """Check that planted churn drivers are among the strongest features found.

    Parameters
    ----------
    importance : DataFrame
        Output of :func:`permutation_drivers`.
    drivers : dict or list
        Planted drivers (the demo's ``truth["churn_drivers"]``): their names (keys of
        a dict) such as ``"complaints"`` or ``"low_satisfaction"``.
    top : int, default 5
        A driver is recovered when one of its features ranks in the top ``top``.

    Returns
    -------
    DataFrame
        One row per planted driver: ``planted_driver``, ``best_feature`` (its
        highest-ranked feature), ``rank`` (1 = strongest), ``importance`` and
        ``recovered`` (bool).
    """
    names = list(drivers) if not isinstance(drivers, str) else [drivers]
    ranked = list(importance.index)
    rows = []
    for name in names:
        prefixes = next((v for k, v in _PLANTED_FEATURES.items() if k in str(name).lower()), ())
        hits = [f for f in ranked if prefixes and f.startswith(prefixes)]
        if hits:
            f = hits[0]
            rank = ranked.index(f) + 1
            rows.append((str(name), f, rank, float(importance.loc[f, "importance"]), rank <= top))
        else:
            rows.append((str(name), "", np.nan, np.nan, False))
    return pd.DataFrame(rows, columns=["planted_driver", "best_feature", "rank", "importance",
                                       "recovered"])


def churn_findings(*, plan: CutoffPlan, base_rate: float, metrics: pd.DataFrame, best_kind: str,
                   importance: pd.DataFrame, threshold: pd.Series, at_risk: pd.DataFrame,
                   scored: int, currency: str = "¥", value_basis: str = "past-year spend",
                   realised: pd.DataFrame | None = None,
                   over_time: pd.DataFrame | None = None) -> list[str]:
    """Findings of the churn notebook as sentences computed from the results.

    Parameters
    ----------
    plan : CutoffPlan
    base_rate : float
        Churn rate at the test cut-off.
    metrics : DataFrame
        Output of :func:`evaluate_models` (with the recency baseline).
    best_kind : str
        The chosen model (:func:`best_model`).
    importance : DataFrame
        Output of :func:`permutation_drivers` for that model.
    threshold : Series
        Output of :func:`best_threshold`.
    at_risk : DataFrame
        Output of :func:`at_risk_list`.
    scored : int
        Customers scored as of the scoring date.
    currency : str
    value_basis : str
        What ``customer_value`` means (from :func:`customer_values`).
    realised : DataFrame, optional
        Output of :func:`realised_outcome`, when the data covers the scoring window.
    over_time : DataFrame, optional
        Output of :func:`churn_rate_over_time`.

    Returns
    -------
    list of str
    """
    n = plan.horizon_days
    best = MODEL_LABELS[best_kind]
    out = [
        f"Churn here means no purchase in the {n} days after a cut-off, among customers who "
        f"bought in the {plan.lookback_days} days before it. At the test cut-off "
        f"({plan.test:%Y-%m-%d}) {base_rate:.1%} of the active customers churned.",
    ]
    if over_time is not None and len(over_time.dropna(subset=["churn_rate"])) >= 2:
        r = over_time["churn_rate"].dropna()
        out.append(
            f"Over {len(r)} month-end cut-offs the churn rate went from {r.iloc[0]:.0%} "
            f"({r.index[0]:%Y-%m-%d}) to {r.iloc[-1]:.0%} ({r.index[-1]:%Y-%m-%d}), lowest "
            f"{r.min():.0%} ({r.idxmin():%Y-%m}) and highest {r.max():.0%} ({r.idxmax():%Y-%m}).")
    m = metrics.loc[best]
    base_name = MODEL_LABELS["recency"]
    if base_name in metrics.index:
        b = metrics.loc[base_name]
        gain = m["roc_auc"] - b["roc_auc"]
        verdict = ("beats" if gain >= 0.01 else "barely beats" if gain > 0 else "does not beat")
        out.append(
            f"The best model, {best}, reaches ROC AUC {m['roc_auc']:.3f} and PR AUC "
            f"{m['pr_auc']:.3f} on the later, unseen cut-off; it {verdict} ranking customers by "
            f"recency alone (ROC AUC {b['roc_auc']:.3f}, PR AUC {b['pr_auc']:.3f}; difference "
            f"{gain:+.3f}). Its riskiest tenth churns at {m['top_decile_churn_rate']:.0%}, "
            f"{m['top_decile_lift']:.1f} times the base rate.")
    top = importance.loc[importance["importance"] > 0].head(3)
    if len(top):
        parts = [f"{f} ({r['group']})" for f, r in top.iterrows()]
        out.append("The strongest drivers (permutation importance on the test cut-off) are "
                   + ", ".join(parts) + ".")
    if threshold["expected_profit"] > 0:
        out.append(
            f"Contacting customers with a churn probability of at least {threshold['threshold']:.0%} "
            f"maximises the expected profit on the test cut-off: {int(threshold['contacted']):,} "
            f"contacts ({threshold['share_contacted']:.0%} of active customers) reaching "
            f"{int(threshold['churners_contacted']):,} churners, for "
            f"{currency}{threshold['expected_profit']:,.0f}.")
    else:
        out.append("At the stated contact cost, success rate and value per saved customer no "
                   "contact pays for itself on the test cut-off; the at-risk list is empty.")
    if len(at_risk):
        out.append(
            f"As of {plan.score:%Y-%m-%d}, {len(at_risk):,} of {scored:,} active customers are at "
            f"or above that threshold, with {currency}{at_risk['value_at_risk'].sum():,.0f} of "
            f"expected value at risk (churn probability times customer value, the {value_basis}); "
            f"the list (churn_at_risk.csv) is ordered by value at risk.")
    elif threshold["expected_profit"] > 0:
        out.append(f"As of {plan.score:%Y-%m-%d} no active customer is above the contact threshold.")
    if realised is not None and realised.loc["all", "customers"] > 0:
        f, o = realised.loc["flagged"], realised.loc["not flagged"]
        if f["customers"] and o["customers"]:
            out.append(
                f"The data already shows what happened next: {f['actual_churn']:.1%} of the "
                f"flagged customers churned (predicted {f['predicted_churn']:.1%}), against "
                f"{o['actual_churn']:.1%} of the others (predicted {o['predicted_churn']:.1%}).")
    return out


def churn_summary(*, plan: CutoffPlan, base_rate: float, metrics: pd.DataFrame, best_kind: str,
                  importance: pd.DataFrame, threshold: pd.Series, at_risk: pd.DataFrame,
                  value_basis: str) -> dict:
    """Numbers of the churn notebook for ``summaries/churn.json`` (JSON-ready dict)."""
    return {
        "horizon_days": plan.horizon_days, "lookback_days": plan.lookback_days,
        "train_cutoff": f"{plan.train:%Y-%m-%d}", "test_cutoff": f"{plan.test:%Y-%m-%d}",
        "score_date": f"{plan.score:%Y-%m-%d}", "base_rate": base_rate,
        "best_model": MODEL_LABELS[best_kind],
        "metrics": {k: {c: float(v) for c, v in row.items()} for k, row in metrics.iterrows()},
        "top_drivers": list(importance.index[:10]),
        "threshold": float(threshold["threshold"]),
        "expected_profit_test": float(threshold["expected_profit"]),
        "at_risk_customers": len(at_risk),
        "value_at_risk": float(at_risk["value_at_risk"].sum()) if len(at_risk) else 0.0,
        "value_basis": value_basis,
    }
