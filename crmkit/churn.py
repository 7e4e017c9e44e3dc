"""Churn prediction: models, out-of-time validation, drivers and an at-risk list.

The steps, in the order the churn notebook follows them:

1. choose cut-offs (:func:`plan_cutoffs`) and build labelled frames of the customers
   active at each (:func:`churn_frame`; labels and features are in
   :mod:`crmkit.churn_features` and re-exported here);
2. fit models on the earlier cut-off (:class:`ChurnModel`: logistic regression,
   a shallow decision tree, gradient boosting, and a recency-only baseline);
3. validate on the later cut-off (:func:`evaluate_models`, :func:`gains_table`,
   :func:`calibration_table`, :func:`profit_curve`, :func:`confusion_table`);
4. explain (:func:`odds_ratios`, :func:`tree_leaves`, :func:`permutation_drivers`,
   :func:`partial_dependence_table`, :func:`driver_sentences`);
5. score customers as of the report date and list those worth contacting, by value
   at risk (:func:`customer_value`, :func:`top_reasons`, :func:`at_risk_list`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.calibration import calibration_curve
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.inspection import partial_dependence, permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    precision_recall_curve,
    roc_auc_score,
    roc_curve,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, export_text
from threadpoolctl import threadpool_limits

from .churn_features import (
    DEFAULT_RULES,
    CutoffPlan,
    churn_features,
    churn_frame,
    churn_labels,
    churn_rate_over_time,
    data_end,
    describe_features,
    feature_group,
    plan_cutoffs,
)
from .kpi import completed_orders

__all__ = [
    # re-exported from crmkit.churn_features
    "DEFAULT_RULES",
    "CutoffPlan",
    "plan_cutoffs",
    "data_end",
    "churn_labels",
    "churn_features",
    "churn_frame",
    "churn_rate_over_time",
    "feature_group",
    "describe_features",
    # models and validation
    "MODEL_LABELS",
    "ChurnModel",
    "fit_models",
    "best_model",
    "split_xy",
    "compare_groups",
    "odds_ratios",
    "tree_text",
    "tree_leaves",
    "evaluate_models",
    "roc_curves",
    "pr_curves",
    "calibration_table",
    "gains_table",
    "profit_curve",
    "best_threshold",
    "confusion_table",
    "permutation_drivers",
    "partial_dependence_table",
    "driver_sentences",
    "customer_value",
    "customer_values",
    "value_per_saved_customer",
    "top_reasons",
    "at_risk_list",
    "realised_outcome",
    "planted_driver_check",
    "churn_findings",
    "churn_summary",
]

MODEL_LABELS = {
    "logistic": "logistic regression",
    "tree": "decision tree",
    "boosting": "gradient boosting",
    "recency": "recency baseline",
}
"""Display names of the :class:`ChurnModel` kinds."""


def split_xy(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Split a labelled :func:`churn_frame` into features ``X`` and the label ``y`` (bool)."""
    return frame.drop(columns="churned"), frame["churned"].astype(bool)


# --------------------------------------------------------------------------- models
class _Winsorizer(TransformerMixin, BaseEstimator):
    """Clip each column to its training 1st-99th percentiles (extreme spenders would
    otherwise dominate a linear model's standardised coefficients)."""

    def __init__(self, q: float = 0.01):
        self.q = q

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=float)
        self.lo_ = np.nanquantile(X, self.q, axis=0)
        self.hi_ = np.nanquantile(X, 1 - self.q, axis=0)
        return self

    def transform(self, X):
        return np.clip(np.asarray(X, dtype=float), self.lo_, self.hi_)


_ONE_HOT_GROUPS = ("acq_", "region_", "share_channel_", "share_cat_")


def _reference_columns(X: pd.DataFrame) -> list[str]:
    """The most common label (largest mean) of each one-hot / share group in ``X``."""
    out = []
    for prefix in _ONE_HOT_GROUPS:
        cols = [c for c in X.columns if c.startswith(prefix)]
        if len(cols) > 1:
            out.append(str(X[cols].mean().idxmax()))
    return out


class ChurnModel(ClassifierMixin, BaseEstimator):
    """A churn classifier on the numeric frame of :func:`churn_features`.

    Parameters
    ----------
    kind : {"logistic", "tree", "boosting", "recency"}, default "logistic"
        ``logistic``: missing values filled with the training median, extreme values
        clipped to the training 1st-99th percentiles, features standardised,
        L2-regularised logistic regression (coefficients per standard
        deviation, read as odds ratios). ``tree``: the same filling, then a shallow
        decision tree. ``boosting``: scikit-learn's HistGradientBoostingClassifier
        (handles missing values itself). ``recency``: the honest baseline, a logistic
        curve on log(1 + recency_days) alone (it ranks customers exactly by recency).
    max_depth : int, default 3
        Depth of the decision tree.
    C : float, default 1.0
        Inverse regularisation strength of the logistic regression.
    random_state : int, default 0
    n_threads : int or None, default 1
        OpenMP threads for gradient boosting. One by default: the report runner
        executes notebooks side by side, and OpenMP threads competing for the same
        cores slow boosting down many times; the churn frames are small. None: all
        cores.

    Attributes
    ----------
    feature_names_ : list of str
        Columns seen in ``fit``; ``predict_proba`` aligns new frames to them (missing
        columns, e.g. a region absent at a later cut-off, are 0).
    estimator_ : sklearn estimator
    classes_ : ndarray, ``[False, True]``
    reference_ : list of str
        Logistic only: one column per group of one-hot or share columns (``acq_``,
        ``region_``, ``share_channel_``, ``share_cat_``), the most common label,
        left out as the reference (such a group sums to 1, so with all its columns
        the coefficients are not identified); the group's odds ratios compare
        with that label.
    direction_ : ndarray
        Logistic only: the sign of each feature's covariance with churn in the
        training data (+1: churners have more of it), used by :func:`top_reasons`.
    """

    def __init__(self, kind: str = "logistic", *, max_depth: int = 3, C: float = 1.0,
                 random_state: int = 0, n_threads: int | None = 1):
        self.kind = kind
        self.max_depth = max_depth
        self.C = C
        self.random_state = random_state
        self.n_threads = n_threads

    def _threads(self):
        return threadpool_limits(limits=self.n_threads, user_api="openmp")

    def _matrix(self, X: pd.DataFrame) -> pd.DataFrame:
        X = X.reindex(columns=self.feature_names_, fill_value=0.0).astype("float64")
        if self.kind == "recency":
            return np.log1p(X[["recency_days"]].clip(lower=0))
        if self.kind == "logistic":
            return X.drop(columns=self.reference_)
        return X

    @property
    def model_features_(self) -> list[str]:
        """The columns the fitted estimator uses (logistic: without reference columns)."""
        if self.kind == "recency":
            return ["recency_days"]
        return [f for f in self.feature_names_ if f not in getattr(self, "reference_", [])]

    def fit(self, X: pd.DataFrame, y) -> ChurnModel:
        """Fit on features ``X`` (customers x features) and labels ``y`` (True = churned)."""
        if self.kind not in MODEL_LABELS:
            raise ValueError(f"kind must be one of {list(MODEL_LABELS)}, got {self.kind!r}")
        y = np.asarray(y).astype(bool)
        self.feature_names_ = list(X.columns)
        self.classes_ = np.array([False, True])
        self.reference_ = _reference_columns(X) if self.kind == "logistic" else []
        M = self._matrix(X)
        if self.kind == "logistic":
            est = make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True),
                                _Winsorizer(), StandardScaler(),
                                LogisticRegression(C=self.C, max_iter=5000))
        elif self.kind == "tree":
            leaf = max(20, int(0.01 * len(M)))
            est = make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True),
                                DecisionTreeClassifier(max_depth=self.max_depth,
                                                       min_samples_leaf=leaf,
                                                       random_state=self.random_state))
        elif self.kind == "boosting":
            est = HistGradientBoostingClassifier(
                learning_rate=0.1, max_iter=100, max_leaf_nodes=15, min_samples_leaf=40,
                l2_regularization=1.0, early_stopping=False, random_state=self.random_state)
        else:
            est = LogisticRegression(max_iter=1000)
        with self._threads():
            self.estimator_ = est.fit(M, y)
        if self.kind == "logistic":
            # sign of each feature's plain (one-at-a-time) association with churn
            filled = self.estimator_[0].transform(M)
            cov = (filled - filled.mean(axis=0)).T @ (y - y.mean())
            self.direction_ = np.sign(cov)
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities ``(n, 2)``: columns stay, churn."""
        with self._threads():
            return self.estimator_.predict_proba(self._matrix(X))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """True where the churn probability is at least 0.5."""
        return self.predict_proba(X)[:, 1] >= 0.5

    def churn_probability(self, X: pd.DataFrame) -> pd.Series:
        """Churn probability per customer (Series ``churn_probability`` indexed like ``X``)."""
        return pd.Series(self.predict_proba(X)[:, 1], index=X.index, name="churn_probability")


def fit_models(X: pd.DataFrame, y, *, kinds=("logistic", "tree", "boosting", "recency"),
               max_depth: int = 3, random_state: int = 0) -> dict[str, ChurnModel]:
    """Fit one :class:`ChurnModel` per kind; return them keyed by kind."""
    return {k: ChurnModel(k, max_depth=max_depth, random_state=random_state).fit(X, y)
            for k in kinds}


def best_model(metrics: pd.DataFrame) -> str:
    """Kind of the model (not the baseline) with the highest ROC AUC in :func:`evaluate_models`."""
    kinds = {v: k for k, v in MODEL_LABELS.items() if k != "recency"}
    cand = metrics.loc[metrics.index.isin(list(kinds))]
    return kinds[cand["roc_auc"].idxmax()]


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


def odds_ratios(model: ChurnModel) -> pd.DataFrame:
    """Coefficients of a fitted logistic :class:`ChurnModel` as odds ratios.

    Returns
    -------
    DataFrame
        Index ``feature``, sorted by the size of the effect; columns
        ``coefficient`` (log-odds per standard deviation), ``odds_ratio``
        (exp(coefficient): how the odds of churning are multiplied when the feature
        is one standard deviation higher), ``one_sd`` (that standard deviation in the
        feature's own units) and ``group``.
    """
    if model.kind != "logistic":
        raise ValueError("odds ratios need a logistic ChurnModel")
    scaler = model.estimator_[-2]
    coef = model.estimator_[-1].coef_[0]
    out = pd.DataFrame({"coefficient": coef, "odds_ratio": np.exp(coef), "one_sd": scaler.scale_},
                       index=pd.Index(model.model_features_, name="feature"))
    out["group"] = [feature_group(f) for f in out.index]
    return out.reindex(out["coefficient"].abs().sort_values(ascending=False).index)


def tree_text(model: ChurnModel) -> str:
    """The fitted tree's rules as text (:func:`sklearn.tree.export_text`)."""
    return export_text(model.estimator_[-1], feature_names=model.feature_names_, decimals=1,
                       show_weights=False, class_names=["stay", "churn"])


def _rule_text(bounds: dict[str, list]) -> str:
    parts = []
    for f, (lo, hi) in bounds.items():
        if lo is not None and hi is not None:
            parts.append(f"{lo:,.1f} < {f} <= {hi:,.1f}")
        elif lo is not None:
            parts.append(f"{f} > {lo:,.1f}")
        else:
            parts.append(f"{f} <= {hi:,.1f}")
    return " and ".join(parts) or "everyone"


def tree_leaves(model: ChurnModel) -> pd.DataFrame:
    """Each leaf of a fitted tree as one readable rule.

    Conditions on the same feature along a path are merged into one range.

    Returns
    -------
    DataFrame
        One row per leaf, highest churn rate first; columns ``rule`` (e.g.
        ``"34.5 < days_since_visit <= 76.5 and complaints_90d > 0.5"``),
        ``customers`` (training customers in the leaf), ``share`` (of all training
        customers) and ``churn_rate``.
    """
    t = model.estimator_[-1].tree_
    names = model.feature_names_
    rows = []

    def walk(node: int, bounds: dict[str, list]) -> None:
        left, right = t.children_left[node], t.children_right[node]
        if left == right:  # a leaf
            rows.append({"rule": _rule_text(bounds), "customers": int(t.n_node_samples[node]),
                         "churn_rate": float(t.value[node][0][1] / t.value[node][0].sum())})
            return
        f, thr = names[t.feature[node]], float(t.threshold[node])
        lo, hi = bounds.get(f, [None, None])
        walk(left, {**bounds, f: [lo, thr if hi is None else min(hi, thr)]})
        walk(right, {**bounds, f: [thr if lo is None else max(lo, thr), hi]})

    walk(0, {})
    out = pd.DataFrame(rows)
    out.insert(2, "share", out["customers"] / t.n_node_samples[0])
    return out.sort_values("churn_rate", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- validation
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


# --------------------------------------------------------------------------- drivers
def permutation_drivers(model: ChurnModel, X: pd.DataFrame, y, *, n_repeats: int = 5,
                        random_state: int = 0) -> pd.DataFrame:
    """Permutation importance on held-out customers: how much ROC AUC drops when one
    feature's values are shuffled (:func:`sklearn.inspection.permutation_importance`).

    Returns
    -------
    DataFrame
        Index ``feature``, most important first; columns ``importance`` (mean drop in
        ROC AUC), ``importance_std``, ``group`` and ``meaning``.
    """
    r = permutation_importance(model, X, np.asarray(y).astype(bool), scoring="roc_auc",
                               n_repeats=n_repeats, random_state=random_state)
    out = pd.DataFrame({"importance": r.importances_mean, "importance_std": r.importances_std},
                       index=pd.Index(X.columns, name="feature"))
    out = out.join(describe_features(X.columns))
    return out.sort_values("importance", ascending=False, kind="stable")


def partial_dependence_table(model: ChurnModel, X: pd.DataFrame, features, *,
                             grid_points: int = 15) -> pd.DataFrame:
    """Average predicted churn probability as one feature is set to each grid value.

    The grid is the feature's distinct values when there are few, else observed
    values at evenly spaced percentiles from the 5th to the 95th (missing values
    excluded)
    (:func:`sklearn.inspection.partial_dependence`, ``kind="average"``).

    Returns
    -------
    DataFrame
        Long form: columns ``feature``, ``value``, ``churn_probability``.
    """
    parts = []
    for f in features:
        v = X[f].dropna().to_numpy(dtype=float)
        if len(v) == 0:
            continue
        uniq = np.unique(v)
        if len(uniq) <= grid_points:
            grid = uniq
        else:
            grid = np.unique(np.quantile(v, np.linspace(0.05, 0.95, grid_points),
                                         method="nearest"))  # observed values only
        r = partial_dependence(model, X, [f], custom_values={f: grid}, kind="average",
                               response_method="predict_proba")
        parts.append(pd.DataFrame({"feature": f, "value": grid,
                                   "churn_probability": np.asarray(r["average"])[0]}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["feature", "value", "churn_probability"])


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


# --------------------------------------------------------------------------- at-risk list
def customer_value(orders: pd.DataFrame, *, as_of, days: int = 365) -> pd.Series:
    """Historical value per customer: their spend in the ``days`` days up to ``as_of``.

    The fallback when no CLV model is available: what a customer spent in the past
    year, assumed to be what the company loses in the next year if they leave.

    Returns
    -------
    Series ``customer_value`` indexed by ``customer_id`` (customers with spend).
    """
    end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    p = completed_orders(orders)
    p = p.loc[(p["order_date"] < end) & (p["order_date"] >= end - pd.Timedelta(days=int(days)))]
    return p.groupby("customer_id")["revenue"].sum().rename("customer_value")


def _num(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


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


def customer_values(dataset, *, as_of, months: int = 12) -> tuple[pd.Series, str]:
    """Value per customer for the at-risk list, and a phrase saying what it is.

    The expected ``months``-month customer lifetime value from :mod:`crmkit.clv`
    (BG/NBD purchases x Gamma-Gamma spend, 1% monthly discount, fitted on the
    purchases up to ``as_of`` without the orders flagged as outliers) when that
    module is available and both models converge; otherwise the customer's spend in
    the past ``months`` months (:func:`customer_value`).

    Returns
    -------
    (Series, str)
        ``customer_value`` indexed by ``customer_id``, and e.g.
        ``"expected 12-month CLV from the BG/NBD and Gamma-Gamma models"``.
    """
    try:
        from . import clv
    except ImportError:  # pragma: no cover - clv is part of crmkit
        clv = None
    if clv is not None and hasattr(clv, "customer_lifetime_value"):
        v = _clv_values(clv, dataset.orders, as_of=as_of, months=months)
        if v is not None:
            return v, f"expected {months}-month CLV from the BG/NBD and Gamma-Gamma models"
    days = int(round(months * 365 / 12))
    return (customer_value(dataset.orders, as_of=as_of, days=days),
            f"past {months}-month spend (the CLV model could not be fitted)")


def _clv_values(clv, orders: pd.DataFrame, *, as_of, months: int) -> pd.Series | None:
    import warnings

    if "is_outlier" in orders.columns:
        orders = orders.loc[~orders["is_outlier"].astype(bool)]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a failed fit falls back; see converged_
            summary = clv.btyd_summary(orders, end=as_of, time_unit="W")
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
    Series ``top_reasons`` indexed like ``X``: text such as
    ``"complaints_90d = 3 (high); csat_last = 2 (low)"`` (empty when nothing raises
    the risk).
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
    kk = min(k, contrib.shape[1])
    idx = np.argsort(-contrib, axis=1, kind="stable")[:, :kk]
    rows = np.arange(len(M))[:, None]
    top_c, top_v, top_z = contrib[rows, idx], filled[rows, idx], z[rows, idx]
    texts = []
    for r in range(len(M)):
        parts = [f"{names[idx[r, j]]} = {_num(top_v[r, j])} ({'high' if top_z[r, j] > 0 else 'low'})"
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


_PLANTED_FEATURES = {
    # keyword in a planted driver's name -> prefixes of the features that measure it
    "complaint": ("complaints_", "tickets_", "open_tickets", "mean_resolution_days"),
    "ticket": ("complaints_", "tickets_", "open_tickets", "mean_resolution_days"),
    "satisf": ("nps_", "csat_"),
    "nps": ("nps_", "csat_"),
    "csat": ("nps_", "csat_"),
}


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


# --------------------------------------------------------------------------- findings
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
