"""Churn prediction: models, out-of-time validation, drivers and an at-risk list.

The steps, in the order the churn notebook follows them:

1. choose cut-offs (:func:`plan_cutoffs`) and build labelled frames of the customers
   active at each (:func:`churn_frame`; labels and features are in
   :mod:`crmkit.analysis.churn` and re-exported here);
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
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.inspection import partial_dependence, permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, export_text
from threadpoolctl import threadpool_limits

from .features import (
    describe_features,
    feature_group,
)

__all__ = [
    "MODEL_LABELS",
    "split_xy",
    "ChurnModel",
    "fit_models",
    "best_model",
    "odds_ratios",
    "tree_text",
    "tree_leaves",
    "permutation_drivers",
    "partial_dependence_table",
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


# --------------------------------------------------------------------------- at-risk list


_PLANTED_FEATURES = {
    # keyword in a planted driver's name -> prefixes of the features that measure it
    "complaint": ("complaints_", "tickets_", "open_tickets", "mean_resolution_days"),
    "ticket": ("complaints_", "tickets_", "open_tickets", "mean_resolution_days"),
    "satisf": ("nps_", "csat_"),
    "nps": ("nps_", "csat_"),
    "csat": ("nps_", "csat_"),
}


# --------------------------------------------------------------------------- findings


