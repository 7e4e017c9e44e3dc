"""Churn: validate the models on the test cut-off, pick a threshold from costs, list who to contact."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)

from ... import fmt
from ...data.purchases import purchases
from ...labels import label
from .features import feature_group
from .models import MODEL_LABELS, ChurnModel, _table_reasons

__all__ = [
    "compare_groups",
    "evaluate_models",
    "roc_curves",
    "pr_curves",
    "calibration_table",
    "gains_table",
    "profit_curve",
    "best_threshold",
    "confusion_table",
    "customer_value",
    "value_per_saved_customer",
    "customer_values",
    "top_reasons",
    "at_risk_list",
    "realised_outcome",
]


def compare_groups(frame: pd.DataFrame, *, features=None) -> pd.DataFrame:
    """Average of each feature for churners and for customers who stayed.

    Parameters
    ----------
    frame : DataFrame
        A labelled :func:`churn_frame`.
    features : list of str, optional
        Default: every column except one-hot and share columns.

    Returns
    -------
    DataFrame
        Index ``feature``; columns ``stayed``, ``churned`` (means, missing values
        ignored) and ``ratio`` (churned / stayed).
    """
    if features is None:
        features = [c for c in frame.columns if c != "churned" and not c.startswith(
            ("acq_", "region_", "share_channel_", "share_cat_"))]
    m = frame.groupby("churned")[features].mean().T
    out = pd.DataFrame({"stayed": m.get(False), "churned": m.get(True)}, index=features)
    out["ratio"] = out["churned"] / out["stayed"].where(out["stayed"] != 0)
    out.index.name = "feature"
    return out


def _label(name: str) -> str:
    return MODEL_LABELS.get(name, name)


def evaluate_models(y, probabilities: dict[str, pd.Series]) -> pd.DataFrame:
    """Compare churn scores on held-out customers.

    Parameters
    ----------
    y : Series of bool
        True labels (True = churned).
    probabilities : dict of str to Series
        Churn probability per model (kind or display name), aligned with ``y``.

    Returns
    -------
    DataFrame
        Index ``model`` (display name), best ROC AUC first; columns ``roc_auc``,
        ``pr_auc`` (average precision), ``brier`` (mean squared error of the
        probabilities; lower is better), ``top_decile_churn_rate``,
        ``top_decile_lift`` (top-decile churn rate / base rate) and ``base_rate``.
    """
    y = np.asarray(y).astype(bool)
    base = y.mean()
    rows = []
    for name, p in probabilities.items():
        p = np.asarray(p, dtype=float)
        g = gains_table(y, p, n_bins=10)
        rows.append({"model": _label(name), "roc_auc": roc_auc_score(y, p),
                     "pr_auc": average_precision_score(y, p), "brier": brier_score_loss(y, p),
                     "top_decile_churn_rate": g["churn_rate"].iloc[0],
                     "top_decile_lift": g["lift"].iloc[0], "base_rate": base})
    return pd.DataFrame(rows).set_index("model").sort_values("roc_auc", ascending=False)


def roc_curves(y, probabilities: dict[str, pd.Series]) -> pd.DataFrame:
    """ROC curves in long form: columns ``model``, ``fpr``, ``tpr``."""
    parts = []
    for name, p in probabilities.items():
        fpr, tpr, _ = roc_curve(np.asarray(y).astype(bool), np.asarray(p, dtype=float))
        parts.append(pd.DataFrame({"model": _label(name), "fpr": fpr, "tpr": tpr}))
    return pd.concat(parts, ignore_index=True)


def pr_curves(y, probabilities: dict[str, pd.Series]) -> pd.DataFrame:
    """Precision-recall curves in long form: columns ``model``, ``recall``, ``precision``."""
    parts = []
    for name, p in probabilities.items():
        prec, rec, _ = precision_recall_curve(np.asarray(y).astype(bool), np.asarray(p, dtype=float))
        parts.append(pd.DataFrame({"model": _label(name), "recall": rec, "precision": prec}))
    return pd.concat(parts, ignore_index=True)


def calibration_table(y, probabilities: dict[str, pd.Series], *, n_bins: int = 10) -> pd.DataFrame:
    """Predicted versus observed churn rate in bins of equal size (quantiles).

    Returns
    -------
    DataFrame
        Long form: columns ``model``, ``predicted`` (mean probability in the bin),
        ``observed`` (share who churned). A calibrated model lies on the diagonal.
    """
    parts = []
    for name, p in probabilities.items():
        obs, pred = calibration_curve(np.asarray(y).astype(bool), np.asarray(p, dtype=float),
                                      n_bins=n_bins, strategy="quantile")
        parts.append(pd.DataFrame({"model": _label(name), "predicted": pred, "observed": obs}))
    return pd.concat(parts, ignore_index=True)


def gains_table(y, probability, *, n_bins: int = 10) -> pd.DataFrame:
    """Lift and cumulative gains by risk decile (decile 1 = highest churn probability).

    Ties are broken by position (a stable sort), so deciles have equal sizes.

    Returns
    -------
    DataFrame
        Index ``decile`` (1..n_bins); columns ``customers``, ``churners``,
        ``churn_rate``, ``lift`` (churn rate / base rate), ``cum_share_customers`` and
        ``cum_share_churners`` (the gains curve: share of all churners found when
        contacting deciles 1..k).

    Examples
    --------
    >>> g = gains_table([True, True, False, False], [0.9, 0.8, 0.3, 0.1], n_bins=2)
    >>> g[["churners", "churn_rate", "lift", "cum_share_churners"]]
            churners  churn_rate  lift  cum_share_churners
    decile
    1              2         1.0   2.0                 1.0
    2              0         0.0   0.0                 1.0
    """
    y = np.asarray(y).astype(bool)
    p = np.asarray(probability, dtype=float)
    order = np.argsort(-p, kind="stable")
    dec = (np.arange(len(p)) * n_bins // max(len(p), 1)) + 1
    d = pd.DataFrame({"decile": dec, "churned": y[order]})
    g = d.groupby("decile")["churned"].agg(customers="size", churners="sum")
    g["churners"] = g["churners"].astype("int64")
    base = y.mean() if len(y) else np.nan
    g["churn_rate"] = g["churners"] / g["customers"]
    g["lift"] = g["churn_rate"] / base if base else np.nan
    g["cum_share_customers"] = g["customers"].cumsum() / len(y)
    g["cum_share_churners"] = g["churners"].cumsum() / max(int(y.sum()), 1)
    return g


def profit_curve(y, probability, *, contact_cost: float, retention_success_rate: float,
                 value_per_saved: float, thresholds=None) -> pd.DataFrame:
    """Expected profit of contacting everyone whose churn probability is at least a threshold.

    Contacting a customer costs ``contact_cost``; a contacted customer who would
    have churned stays with probability ``retention_success_rate`` and is then worth
    ``value_per_saved``. On held-out customers with known outcomes:
    ``profit(t) = retention_success_rate * value_per_saved * churners contacted -
    contact_cost * customers contacted``.

    Returns
    -------
    DataFrame
        Columns ``threshold``, ``contacted``, ``churners_contacted``,
        ``share_contacted``, ``expected_profit``.

    Examples
    --------
    >>> c = profit_curve([True, False], [0.8, 0.4], contact_cost=10, retention_success_rate=0.5,
    ...                  value_per_saved=100, thresholds=[0.0, 0.5, 0.9])
    >>> c[["threshold", "contacted", "expected_profit"]]
       threshold  contacted  expected_profit
    0        0.0          2             30.0
    1        0.5          1             40.0
    2        0.9          0              0.0
    """
    y = np.asarray(y).astype(bool)
    p = np.asarray(probability, dtype=float)
    t = np.linspace(0, 1, 201) if thresholds is None else np.asarray(thresholds, dtype=float)
    order = np.argsort(p)
    ps, ys = p[order], y[order]
    # customers with p >= t are the tail from searchsorted(left)
    start = np.searchsorted(ps, t, side="left")
    churn_tail = np.concatenate([np.cumsum(ys[::-1])[::-1], [0]])
    contacted = len(p) - start
    churners = churn_tail[start]
    profit = retention_success_rate * value_per_saved * churners - contact_cost * contacted
    return pd.DataFrame({"threshold": t, "contacted": contacted.astype("int64"),
                         "churners_contacted": churners.astype("int64"),
                         "share_contacted": contacted / max(len(p), 1),
                         "expected_profit": profit.astype(float)})


def best_threshold(curve: pd.DataFrame) -> pd.Series:
    """Row of :func:`profit_curve` with the highest profit (ties: fewest contacts)."""
    best = curve["expected_profit"].max()
    return curve.loc[curve["expected_profit"] == best].sort_values("contacted").iloc[0]


def confusion_table(y, probability, *, threshold: float) -> pd.DataFrame:
    """Counts of actual outcome versus decision (contact when probability >= threshold).

    Returns
    -------
    DataFrame
        Index ``actual`` (stayed, churned); columns ``not contacted``, ``contacted``.
    """
    y = np.asarray(y).astype(bool)
    c = np.asarray(probability, dtype=float) >= threshold
    m = [[int((~y & ~c).sum()), int((~y & c).sum())], [int((y & ~c).sum()), int((y & c).sum())]]
    return pd.DataFrame(m, index=pd.Index(["stayed", "churned"], name="actual"),
                        columns=["not contacted", "contacted"])


def customer_value(orders: pd.DataFrame, *, as_of, days: int = 365) -> pd.Series:
    """Historical value per customer: their spend in the ``days`` days up to ``as_of``.

    The fallback when no CLV model is available: what a customer spent in the past
    year, assumed to be what the company loses in the next year if they leave.

    Returns
    -------
    Series ``customer_value`` indexed by ``customer_id`` (customers with spend).
    """
    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    p = purchases(orders)
    p = p.loc[(p["order_date"] < end) & (p["order_date"] >= end - pd.Timedelta(days=int(days)))]
    return p.groupby("customer_id")["revenue"].sum().rename("customer_value")


def value_per_saved_customer(values: pd.Series, *, customers, rule: float | None = None) -> float:
    """Value of one saved customer, for the contact threshold.

    ``rule`` (the params value ``value_per_saved_customer``) when given, else the
    mean of ``values`` (e.g. :func:`customer_values` at the test cut-off) over
    ``customers`` (those active at that cut-off), customers without a value counting
    as 0.

    >>> value_per_saved_customer(pd.Series({"a": 30.0, "b": 10.0}), customers=["a", "b", "c"])
    13.333333333333334
    """
    if rule is not None:
        return float(rule)
    v = values.reindex(pd.Index(customers)).fillna(0.0)
    return float(v.mean()) if len(v) else 0.0


def customer_values(orders: pd.DataFrame, *, as_of, months: int = 12) -> tuple[pd.Series, str]:
    """Value per customer for the at-risk list, and a phrase saying what it is.

    The expected ``months``-month customer lifetime value from :mod:`crmkit.analysis.clv`
    (BG/NBD purchases x Gamma-Gamma spend, 1% monthly discount, fitted on the
    purchases up to ``as_of`` without the orders flagged as outliers) when both
    models converge; otherwise the customer's spend in the past ``months`` months
    (:func:`customer_value`).

    Returns
    -------
    (Series, str)
        ``customer_value`` indexed by ``customer_id``, and e.g.
        ``"expected 12-month CLV from the BG/NBD and Gamma-Gamma models"``.
    """
    v = _clv_values(orders, as_of=as_of, months=months)
    if v is not None:
        return v, f"expected {months}-month CLV from the BG/NBD and Gamma-Gamma models"
    days = int(round(months * 365 / 12))
    return (customer_value(orders, as_of=as_of, days=days),
            f"past {months}-month spend (the CLV model could not be fitted)")


def _clv_values(orders: pd.DataFrame, *, as_of, months: int) -> pd.Series | None:
    import warnings

    from .. import clv

    if "is_outlier" in orders.columns:
        orders = orders.loc[~orders["is_outlier"].astype(bool)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a failed fit falls back; see converged_
            summary = clv.btyd_summary(orders, as_of=as_of, time_unit="W")
            bg = clv.BetaGeoModel().fit(summary)
            gg = clv.GammaGammaModel().fit(summary)
            if not (getattr(bg, "converged_", True) and getattr(gg, "converged_", True)):
                return None
            out = clv.customer_lifetime_value(bg, gg, summary, horizon=int(months), period="M",
                                              discount_rate=0.01)
    except (ValueError, FloatingPointError, ArithmeticError):
        return None
    v = out["clv"].rename("customer_value")
    v.index.name = "customer_id"
    return v if np.isfinite(v).all() else None


def top_reasons(model: ChurnModel, X: pd.DataFrame, *, k: int = 3,
                min_contribution: float = 0.05,
                exclude_groups=("profile", "channel", "category mix")) -> pd.Series:
    """The ``k`` features pushing each customer's churn risk up most (logistic model).

    A feature's contribution is its coefficient times the customer's standardised
    value (after the model's filling of missing values): positive contributions
    raise the churn odds above those of an average customer. Only contributions above
    ``min_contribution`` (in log-odds) are listed, and only for features whose
    coefficient has the same sign as their plain association with churn (with
    correlated features, a coefficient can flip sign to correct another feature;
    such a feature is not a reason anyone would recognise). Features of
    ``exclude_groups`` (who the customer is, rather than what they did or
    experienced, see :func:`feature_group`) are not listed either.

    Returns
    -------
    Series ``top_reasons`` indexed like ``X``: text in words such as
    ``"complaints, last 90 days: 3 (high); latest CSAT answer: 2 (low)"`` (empty when
    nothing raises the risk). For a customer table, one reason per original column,
    showing the customer's value (``"contract: month-to-month"``).
    """
    if model.kind != "logistic":
        raise ValueError("top_reasons needs a logistic ChurnModel")
    M = model._matrix(X)
    imp, clip, scaler, lr = model.estimator_
    filled = imp.transform(M)
    z = scaler.transform(clip.transform(filled))
    names = np.asarray(model.model_features_)
    usable = (np.sign(lr.coef_[0]) == model.direction_) & ~np.isin(
        [feature_group(f) for f in names], list(exclude_groups))
    contrib = z * (lr.coef_[0] * usable)
    if model.encoder_ is not None:  # a customer table: one reason per original column
        return _table_reasons(model, X, contrib, z, list(names), k=k,
                              min_contribution=min_contribution)
    kk = min(k, contrib.shape[1])
    idx = np.argsort(-contrib, axis=1, kind="stable")[:, :kk]
    rows = np.arange(len(M))[:, None]
    top_c, top_v, top_z = contrib[rows, idx], filled[rows, idx], z[rows, idx]
    texts = []
    for r in range(len(M)):
        parts = [f"{label(names[idx[r, j]])}: {fmt.num(top_v[r, j])} ({'high' if top_z[r, j] > 0 else 'low'})"
                 for j in range(kk) if top_c[r, j] > min_contribution]
        texts.append("; ".join(parts))
    return pd.Series(texts, index=X.index, name="top_reasons", dtype="str")


def at_risk_list(probability: pd.Series, *, value: pd.Series, threshold: float,
                 reasons: pd.Series | None = None) -> pd.DataFrame:
    """Customers worth contacting, ordered by expected value at risk.

    Parameters
    ----------
    probability : Series
        Churn probability per customer (index ``customer_id``).
    value : Series
        Value per customer (CLV, or :func:`customer_value`); missing means 0.
    threshold : float
        Contact customers whose probability is at least this (e.g. from
        :func:`best_threshold`).
    reasons : Series, optional
        Text per customer (:func:`top_reasons`).

    Returns
    -------
    DataFrame
        Index ``customer_id``; columns ``rank``, ``churn_probability``,
        ``customer_value``, ``value_at_risk`` (probability x value) and
        ``top_reasons``; only customers at or above the threshold, highest value at
        risk first.

    Examples
    --------
    >>> p = pd.Series({"a": 0.9, "b": 0.6, "c": 0.1}, name="churn_probability")
    >>> at_risk_list(p, value=pd.Series({"a": 10.0, "b": 100.0}), threshold=0.5)[
    ...     ["churn_probability", "value_at_risk"]]
                 churn_probability  value_at_risk
    customer_id
    b                          0.6           60.0
    a                          0.9            9.0
    """
    out = pd.DataFrame({"churn_probability": probability.astype(float)})
    out["customer_value"] = value.reindex(out.index).fillna(0.0).astype(float)
    out["value_at_risk"] = out["churn_probability"] * out["customer_value"]
    out["top_reasons"] = reasons.reindex(out.index).fillna("") if reasons is not None else ""
    out = out.loc[out["churn_probability"] >= threshold]
    out = out.sort_values(["value_at_risk", "churn_probability"], ascending=False, kind="stable")
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out.index.name = "customer_id"
    return out


def realised_outcome(probability: pd.Series, labels: pd.DataFrame, *, threshold: float) -> pd.DataFrame:
    """What happened to scored customers, when the data already covers the label window.

    Returns
    -------
    DataFrame
        Index ``group`` (flagged, not flagged, all); columns ``customers``,
        ``predicted_churn`` (mean probability) and ``actual_churn`` (share who churned).
    """
    d = pd.DataFrame({"p": probability}).join(labels["churned"], how="inner")
    d["group"] = np.where(d["p"] >= threshold, "flagged", "not flagged")
    rows = []
    for name, part in [("flagged", d[d["group"] == "flagged"]),
                       ("not flagged", d[d["group"] == "not flagged"]), ("all", d)]:
        rows.append({"group": name, "customers": len(part),
                     "predicted_churn": part["p"].mean() if len(part) else np.nan,
                     "actual_churn": part["churned"].mean() if len(part) else np.nan})
    return pd.DataFrame(rows).set_index("group")
