"""Churn: words for features, driver sentences, findings, actions, the index summary and the
planted-driver check.

Sentences and workshop checks computed from the tables of :mod:`crmkit.analysis.churn`;
kept apart from the computation so the analysis functions stay pure and testable on
their own. Feature names become words through :func:`crmkit.labels.label` (the notebook
registers :func:`feature_labels` first).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import fmt
from ...labels import LABELS, label
from .features import CutoffPlan, describe_features
from .models import _PLANTED_FEATURES, MODEL_LABELS

__all__ = [
    "feature_labels",
    "mode_text",
    "model_verdict",
    "driver_sentences",
    "planted_driver_check",
    "churn_findings",
    "churn_actions",
    "churn_summary",
]

_ONE_HOT_WORDS = {
    "share_channel_": "share of purchases via {}",
    "share_cat_": "share of spend on {}",
    "acq_": "acquisition channel: {}",
    "region_": "region: {}",
}


def feature_labels(columns) -> dict[str, str]:
    """Words for churn features, to register with :func:`crmkit.labels.register`.

    One-hot and share features read as their label and level (``region_西南`` ->
    "region: 西南", ``share_cat_toys`` -> "share of spend on toys"); other features of
    :func:`churn_features` without a label in the core catalogue get their meaning
    (``orders_90d`` -> "purchases in the last 90 days"). Names of a customer table
    are left as they are.

    Examples
    --------
    >>> feature_labels(["region_西南", "orders_90d", "recency_days", "合约类型"])
    {'region_西南': 'region: 西南', 'orders_90d': 'purchases in the last 90 days'}
    """
    out = {}
    meaning = describe_features(list(columns))["meaning"]
    for name in columns:
        name = str(name)
        prefix = next((p for p in _ONE_HOT_WORDS if name.startswith(p)), None)
        if prefix is not None:
            out[name] = _ONE_HOT_WORDS[prefix].format(name[len(prefix):])
        elif name not in LABELS and meaning.get(name):
            out[name] = meaning[name]
    return out


def _rate(x: float) -> str:
    return fmt.pct(x, decimals=1)


def mode_text(data, *, rules) -> str:
    """Say which mode the page uses and what churn means in it (Markdown).

    Parameters
    ----------
    data : ChurnData
    rules : ChurnRules
    """
    n_fit, rate = len(data.y_fit), float(data.y_fit.mean())
    if data.mode == "orders":
        p = data.plan
        return (
            f"**Mode: churn derived from orders.** A customer is *active* at a cut-off day when "
            f"they bought in the {fmt.count(p.lookback_days)} days before it, and *churns* when they "
            f"make no purchase in the {fmt.count(p.horizon_days)} days after it. The models learn at "
            f"the training cut-off ({fmt.date(p.train)}), are checked at the test cut-off "
            f"({fmt.date(p.test)}), whose outcome they have not seen, and score the customers "
            f"active on {fmt.date(p.score)}. At the test cut-off {_rate(rate)} of "
            f"{fmt.count(n_fit)} active customers churned.")
    lab = data.label
    left = data.extra.get("left_values") or lab.churned
    stayed = data.extra.get("stayed_values") or ["every other value"]
    text = (
        f"**Mode: churn read from the customer table.** The export has one row per customer and "
        f"a column, *{lab.column}*, saying who left ({', '.join(left)} read as left; "
        f"{', '.join(stayed)} as stayed). {fmt.count(n_fit)} customers have a label and "
        f"{_rate(rate)} of them left. "
        f"The models learn from {fmt.count(len(data.y_train))} of them and are checked "
        f"{data.validation.split(':')[0]}: {fmt.count(len(data.y_test))} customers kept aside "
        f"with the same share of leavers. The {fmt.count(len(data.X_score))} customers who have "
        f"not left are scored.")
    if data.unlabelled:
        text += (f" {fmt.count(data.unlabelled)} rows have no label: they are left out of "
                 "learning and of the list.")
    return text


def model_verdict(metrics: pd.DataFrame, best_kind: str, *, baseline: str = "recency",
                  baseline_text: str | None = None) -> str:
    """Whether the best model is worth its complexity against the simple baseline.

    Parameters
    ----------
    metrics : DataFrame
        :func:`evaluate_models` output, with the baseline's row.
    best_kind : str
    baseline : str
        Kind of the baseline (``recency`` or ``rate``).
    baseline_text : str, optional
        The baseline in words (:attr:`ChurnModel.description`).

    Examples
    --------
    >>> m = pd.DataFrame({"roc_auc": [0.82, 0.72], "pr_auc": [0.6, 0.4]},
    ...                  index=["logistic regression", "churn-rate baseline"])
    >>> model_verdict(m, "logistic", baseline="rate", baseline_text="the churn rate by contract")
    'Worth it: the logistic regression ranks customers better than the churn rate by contract alone (ROC AUC 0.82 against 0.72, +0.10).'
    """
    best, base = metrics.loc[MODEL_LABELS[best_kind]], metrics.loc[MODEL_LABELS[baseline]]
    what = baseline_text or ("days since the last purchase" if baseline == "recency"
                             else MODEL_LABELS[baseline])
    gain = float(best["roc_auc"] - base["roc_auc"])
    nums = f"ROC AUC {best['roc_auc']:.2f} against {base['roc_auc']:.2f}, {gain:+.2f}"
    if gain >= 0.03:
        return (f"Worth it: the {MODEL_LABELS[best_kind]} ranks customers better than {what} "
                f"alone ({nums}).")
    if gain > 0.005:
        return (f"Barely worth it: the {MODEL_LABELS[best_kind]} ranks customers only a little "
                f"better than {what} alone ({nums}); the simple rule is nearly as good.")
    return (f"Not worth it: the {MODEL_LABELS[best_kind]} does not rank customers better than "
            f"{what} alone ({nums}); use the simple rule.")


def _effect_text(d: pd.DataFrame) -> str:
    """Direction of one feature's partial dependence (numbers) or level effects (text)."""
    p = d["churn_probability"].to_numpy(dtype=float)
    if isinstance(d["value"].iloc[0], str):
        hi, lo = d.iloc[int(np.argmax(p))], d.iloc[int(np.argmin(p))]
        return (f"predicted churn is highest for {hi['value']} ({fmt.pct(hi['churn_probability'])}) "
                f"and lowest for {lo['value']} ({fmt.pct(lo['churn_probability'])})")
    first, last = d.iloc[0], d.iloc[-1]
    if abs(last["churn_probability"] - first["churn_probability"]) < 0.01:
        return f"predicted churn hardly changes across its range ({fmt.pct(first['churn_probability'])})"
    verb = "rises" if last["churn_probability"] > first["churn_probability"] else "falls"
    return (f"predicted churn {verb} from {fmt.pct(first['churn_probability'])} at "
            f"{fmt.num(first['value'])} to {fmt.pct(last['churn_probability'])} at "
            f"{fmt.num(last['value'])}")


def driver_sentences(importance: pd.DataFrame, pdp: pd.DataFrame | None = None, *,
                     top: int = 5) -> list[str]:
    """Turn permutation importances (and partial dependence) into plain sentences.

    Parameters
    ----------
    importance : DataFrame
        Output of :func:`permutation_drivers`.
    pdp : DataFrame, optional
        Output of :func:`partial_dependence_table` (numbers) and/or
        :func:`~crmkit.analysis.churn.table.level_effects` (text levels); adds the
        direction of each effect.
    top : int, default 5

    Returns
    -------
    list of str
        One sentence per driver, strongest first, features named in words.

    Examples
    --------
    >>> imp = pd.DataFrame({"importance": [0.08, 0.0], "group": ["service", "web"]},
    ...                    index=pd.Index(["complaints_90d", "web_sessions_30d"], name="feature"))
    >>> pdp = pd.DataFrame({"feature": "complaints_90d", "value": [0.0, 3.0],
    ...                     "churn_probability": [0.2, 0.6]})
    >>> driver_sentences(imp, pdp)[0]
    'Complaints, last 90 days: without it the ranking loses 0.080 of ROC AUC; predicted churn rises from 20% at 0 to 60% at 3.'
    """
    out = []
    imp = importance.loc[importance["importance"] > 0].head(top)
    for f, row in imp.iterrows():
        name = label(f)
        s = (f"{name[:1].upper() + name[1:]}: without it the ranking loses "
             f"{row['importance']:.3f} of ROC AUC")
        if pdp is not None and (pdp["feature"] == f).any():
            s += "; " + _effect_text(pdp.loc[pdp["feature"] == f])
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
        Planted drivers: the demo's ``truth["churn_drivers"]`` (names such as
        ``"complaints"`` or ``"low_satisfaction"``, matched to the features that
        measure them), or column names of a customer table (matched exactly).
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
        hits = [f for f in ranked if (prefixes and f.startswith(prefixes)) or f == name]
        if hits:
            f = hits[0]
            rank = ranked.index(f) + 1
            rows.append((str(name), f, rank, float(importance.loc[f, "importance"]), rank <= top))
        else:
            rows.append((str(name), "", np.nan, np.nan, False))
    return pd.DataFrame(rows, columns=["planted_driver", "best_feature", "rank", "importance",
                                       "recovered"])


def churn_findings(*, base_rate: float, metrics: pd.DataFrame, best_kind: str,
                   importance: pd.DataFrame, threshold: pd.Series, at_risk: pd.DataFrame,
                   scored: int, currency: str = "¥", value_basis: str = "past-year spend",
                   plan: CutoffPlan | None = None, label_column: str | None = None,
                   baseline: str = "recency", baseline_text: str | None = None,
                   realised: pd.DataFrame | None = None,
                   over_time: pd.DataFrame | None = None) -> list[str]:
    """Findings of the churn page as sentences computed from the results, most important first.

    Parameters
    ----------
    base_rate : float
        Churn rate of the customers the threshold was chosen on.
    metrics : DataFrame
        Output of :func:`evaluate_models` (with the baseline).
    best_kind : str
        The chosen model (:func:`best_model`).
    importance : DataFrame
        Output of :func:`permutation_drivers` for that model.
    threshold : Series
        Output of :func:`best_threshold` (the refitted model's threshold).
    at_risk : DataFrame
        Output of :func:`at_risk_list`.
    scored : int
        Customers scored.
    currency : str
    value_basis : str
        What ``customer_value`` means.
    plan : CutoffPlan, optional
        Order mode: the cut-offs.
    label_column : str, optional
        Table mode: the label column.
    baseline, baseline_text : str
        The baseline's kind and description (:func:`model_verdict`).
    realised : DataFrame, optional
        Output of :func:`realised_outcome`, when the data covers the scoring window.
    over_time : DataFrame, optional
        Output of :func:`churn_rate_over_time`.

    Returns
    -------
    list of str
        1. what churn is here and how common; 2. whether the model is worth it; 3. the
        drivers; 4. who to contact today; then the realised outcome and the trend over
        time when known.
    """
    out = []
    if plan is not None:
        out.append(
            f"Churn here means no purchase in the {fmt.count(plan.horizon_days)} days after a "
            f"cut-off, among customers who bought in the {fmt.count(plan.lookback_days)} days "
            f"before it: **{_rate(base_rate)}** of the active customers churned after the "
            f"{fmt.date(plan.test)} cut-off.")
    else:
        out.append(
            f"Churn here is read from the customer table (column *{label_column}*): "
            f"**{_rate(base_rate)}** of the labelled customers have left.")
    m = metrics.loc[MODEL_LABELS[best_kind]]
    out.append(
        model_verdict(metrics, best_kind, baseline=baseline, baseline_text=baseline_text)
        + f" Its riskiest tenth of customers churns at {fmt.pct(m['top_decile_churn_rate'])}, "
          f"{m['top_decile_lift']:.1f} times the average.")
    top = importance.loc[importance["importance"] > 0].head(3)
    if len(top):
        out.append("What drives churn most: " + ", ".join(label(f) for f in top.index) + ".")
    if len(at_risk):
        out.append(
            f"**{fmt.count(len(at_risk))}** of {fmt.count(scored)} customers are worth a retention "
            f"contact today (churn risk of at least {fmt.pct(threshold['threshold'])}), with "
            f"**{fmt.money(at_risk['value_at_risk'].sum(), currency, decimals=0)}** of value at "
            f"risk (churn risk x customer value, the {value_basis}).")
    elif threshold["expected_profit"] > 0:
        out.append(f"No customer scored today is above the contact threshold "
                   f"({fmt.pct(threshold['threshold'])}).")
    else:
        out.append("At the stated contact cost, success rate and value per saved customer no "
                   "contact pays for itself: the at-risk list is empty.")
    if realised is not None and realised.loc["all", "customers"] > 0:
        f, o = realised.loc["flagged"], realised.loc["not flagged"]
        if f["customers"] and o["customers"]:
            out.append(
                f"The data already shows what happened next: {_rate(f['actual_churn'])} of the "
                f"flagged customers churned (predicted {_rate(f['predicted_churn'])}), against "
                f"{_rate(o['actual_churn'])} of the others (predicted {_rate(o['predicted_churn'])}).")
    if over_time is not None and len(over_time.dropna(subset=["churn_rate"])) >= 2:
        r = over_time["churn_rate"].dropna()
        out.append(
            f"Over {len(r)} month-end cut-offs the churn rate went from {fmt.pct(r.iloc[0])} "
            f"({fmt.date(r.index[0])}) to {fmt.pct(r.iloc[-1])} ({fmt.date(r.index[-1])}), lowest "
            f"{fmt.pct(r.min())} ({r.idxmin():%Y-%m}) and highest {fmt.pct(r.max())} "
            f"({r.idxmax():%Y-%m}).")
    return out


def churn_actions(*, at_risk: pd.DataFrame, threshold: pd.Series, importance: pd.DataFrame,
                  metrics: pd.DataFrame, best_kind: str, contact_cost: float,
                  currency: str = "¥", baseline: str = "recency",
                  baseline_text: str | None = None) -> list[str]:
    """Recommended actions: whom to contact, how many, what is at stake, what to fix.

    Returns
    -------
    list of str
    """
    out = []
    if len(at_risk):
        n = len(at_risk)
        top = at_risk.head(max(1, n // 5))
        out.append(
            f"Give the **{fmt.count(n)}** customers of `churn_at_risk.csv` a retention contact, "
            f"highest value at risk first: together they hold "
            f"{fmt.money(at_risk['value_at_risk'].sum(), currency, decimals=0)} of expected value at "
            f"risk, and the first {fmt.count(len(top))} of them "
            f"{fmt.money(top['value_at_risk'].sum(), currency, decimals=0)}. The campaign costs about "
            f"{fmt.money(n * contact_cost, currency, decimals=0)} at "
            f"{fmt.money(contact_cost, currency)} per contact.")
        if threshold["expected_profit"] > 0:
            out[-1] += (f" On customers whose outcome is known, contacting at this threshold returned "
                        f"an expected {fmt.money(threshold['expected_profit'], currency, decimals=0)} "
                        f"for {fmt.count(threshold['contacted'])} contacts.")
    else:
        out.append("Do not run a blanket retention campaign: at the stated contact cost, success "
                   "rate and customer value no contact pays for itself. Revisit those numbers "
                   "(analysis: churn: in the params file) or cheaper contacts.")
    top = importance.loc[importance["importance"] > 0].head(2)
    if len(top):
        out.append("Work on the causes, not only the customers: look into "
                   + " and ".join(f"*{label(f)}*" for f in top.index)
                   + ", the strongest drivers (section 6), and their reasons in the list.")
    gain = (metrics.loc[MODEL_LABELS[best_kind], "roc_auc"]
            - metrics.loc[MODEL_LABELS[baseline], "roc_auc"])
    if gain <= 0.005:
        what = baseline_text or "days since the last purchase"
        out.append(f"The models add nothing over {what}: a simple rule on it selects the same "
                   "customers and is easier to run and explain.")
    return out


def churn_summary(*, base_rate: float, metrics: pd.DataFrame, best_kind: str,
                  importance: pd.DataFrame, threshold: pd.Series, at_risk: pd.DataFrame,
                  value_basis: str, plan: CutoffPlan | None = None, mode: str = "orders",
                  baseline_text: str | None = None, validation_threshold: pd.Series | None = None
                  ) -> dict:
    """Numbers of the churn page for ``summaries/churn.json`` (JSON-ready dict)."""
    out = {
        "mode": mode, "base_rate": base_rate, "best_model": MODEL_LABELS[best_kind],
        "baseline": baseline_text,
        "metrics": {k: {c: float(v) for c, v in row.items()} for k, row in metrics.iterrows()},
        "top_drivers": list(importance.index[:10]),
        "threshold": float(threshold["threshold"]),
        "expected_profit": float(threshold["expected_profit"]),
        "at_risk_customers": len(at_risk),
        "value_at_risk": float(at_risk["value_at_risk"].sum()) if len(at_risk) else 0.0,
        "value_basis": value_basis,
    }
    if validation_threshold is not None:
        out["validation_threshold"] = float(validation_threshold["threshold"])
    if plan is not None:
        out.update({
            "horizon_days": plan.horizon_days, "lookback_days": plan.lookback_days,
            "train_cutoff": f"{plan.train:%Y-%m-%d}", "test_cutoff": f"{plan.test:%Y-%m-%d}",
            "score_date": f"{plan.score:%Y-%m-%d}"})
    return out
