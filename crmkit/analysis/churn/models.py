"""Churn prediction: models, validation, drivers and an at-risk list.

The steps, in the order the churn notebook follows them:

1. build labelled frames: from orders at two cut-offs (:func:`plan_cutoffs`,
   :func:`churn_frame`, in :mod:`crmkit.analysis.churn.features`), or from a customer
   table with a churn flag (:func:`~crmkit.analysis.churn.table.table_frame`);
2. fit models on the earlier cut-off or the training part (:class:`ChurnModel`:
   logistic regression, a shallow decision tree, gradient boosting, and a simple
   baseline: recency alone, or the churn rate by one column);
3. validate on the later cut-off or the holdout (:func:`evaluate_models`,
   :func:`gains_table`, :func:`calibration_table`, :func:`profit_curve`,
   :func:`confusion_table`);
4. explain (:func:`odds_ratios`, :func:`tree_leaves`, :func:`permutation_drivers`,
   :func:`partial_dependence_table`, :func:`driver_sentences`);
5. refit, choose the contact threshold on the refitted model's held-out
   probabilities (:func:`cross_validated_probability`), score customers and list those
   worth contacting, by value at risk (:func:`customer_value`, :func:`top_reasons`,
   :func:`at_risk_list`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.inspection import partial_dependence
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, export_text
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ... import fmt
from ...labels import label
from .features import (
    describe_features,
    feature_group,
)
from .table import MISSING_LEVEL, TableEncoder, coerce_column, column_kind

__all__ = [
    "MODEL_LABELS",
    "BASELINES",
    "split_xy",
    "ChurnModel",
    "fit_models",
    "best_model",
    "cross_validated_probability",
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
    "rate": "churn-rate baseline",
}
"""Display names of the :class:`ChurnModel` kinds."""

BASELINES = ("recency", "rate")
"""The simple baselines among the kinds: a model must beat them to be worth its complexity."""


def split_xy(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Split a labelled :func:`churn_frame` into features ``X`` and the label ``y`` (bool)."""
    return frame.drop(columns="churned"), frame["churned"].astype(bool)


# --------------------------------------------------------------------------- models
class _Winsorizer(TransformerMixin, BaseEstimator):
    """Clip each column to its training 1st-99th percentiles (extreme spenders would
    otherwise dominate a linear model's standardised coefficients).

    Indicator columns (only 0 and 1) are left alone: a level held by under 1% of the
    customers would otherwise be clipped to 0 everywhere and lose its effect.
    """

    def __init__(self, q: float = 0.01):
        self.q = q

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=float)
        self.lo_ = np.nanquantile(X, self.q, axis=0)
        self.hi_ = np.nanquantile(X, 1 - self.q, axis=0)
        binary = np.all(np.isnan(X) | (X == 0) | (X == 1), axis=0)
        self.lo_ = np.where(binary, 0.0, self.lo_)
        self.hi_ = np.where(binary, 1.0, self.hi_)
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


def _needs_encoding(X: pd.DataFrame) -> bool:
    """True when a column is not plain numbers (text, categories, dates): a customer table."""
    return any(not pd.api.types.is_numeric_dtype(X[c]) for c in X.columns)


def _rate_groups(values: pd.Series, spec) -> np.ndarray:
    """Group labels of a column for the churn-rate baseline (bands of numbers, text levels)."""
    kind, edges = spec
    if kind == "bands":
        v = coerce_column(values, "number").to_numpy()
        g = np.digitize(v, edges).astype(object)
        g[np.isnan(v)] = MISSING_LEVEL
        return g
    v = coerce_column(values, kind)
    return v.astype(object).where(v.notna(), MISSING_LEVEL).astype(str).to_numpy(dtype=object)


class ChurnModel(ClassifierMixin, BaseEstimator):
    """A churn classifier on a frame of customer features.

    The frame is either the numeric frame of :func:`churn_features` (order mode) or a
    customer table as exported (customer-table mode): text categories, yes/no and 1/0
    flags, numbers stored as text with blanks, missing values. A table is encoded
    inside the model (:class:`~crmkit.analysis.churn.table.TableEncoder`: categories
    one-hot, rare levels grouped as "other", levels unseen in ``fit`` handled at
    prediction time), so ``predict_proba`` takes the same raw columns as ``fit``.

    Parameters
    ----------
    kind : {"logistic", "tree", "boosting", "recency", "rate"}, default "logistic"
        ``logistic``: missing values filled with the training median, extreme values
        clipped to the training 1st-99th percentiles (not indicators), features
        standardised, L2-regularised logistic regression (coefficients per standard
        deviation, read as odds ratios; one level of each text column is the
        reference). ``tree``: the same filling, then a shallow decision tree.
        ``boosting``: scikit-learn's HistGradientBoostingClassifier (handles missing
        values itself). ``recency``: the order-mode baseline, a logistic curve on
        log(1 + recency_days) alone (it ranks customers exactly by recency).
        ``rate``: the customer-table baseline, the training churn rate of the
        customer's level of the one column that separates best on the training data
        (numbers cut into five bands of equal size; rates shrunk towards the overall
        rate by 20 customers' weight), e.g. the churn rate by contract type.
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
    max_levels : int, default 8
        Text columns: most levels kept (the others are "other").
    min_level_share : float, default 0.01
        Text columns: levels held by fewer customers (or fewer than 10) are "other".
    max_rows : int or None, default 20,000
        Larger frames are fitted on a random sample of this many customers,
        stratified by the label (``random_state``). On the 65,000 customers of a
        100,000-customer export the three models fitted in 2.3 s of CPU instead of
        6.8 s, and their test ROC AUC moved by 0.0021 (boosting), 0.0004 (tree) and
        0.0001 (logistic) (``bench/results_report.md``). None: every customer.

    Attributes
    ----------
    feature_names_ : list of str
        Columns seen in ``fit``; ``predict_proba`` aligns new frames to them (missing
        columns, e.g. a region absent at a later cut-off, are 0 in a numeric frame and
        missing in a table).
    encoder_ : TableEncoder or None
        The encoding of a customer table (None for a numeric frame).
    estimator_ : sklearn estimator
    classes_ : ndarray, ``[False, True]``
    reference_ : list of str
        Logistic only: one column per group of one-hot or share columns (``acq_``,
        ``region_``, ``share_channel_``, ``share_cat_``; each text column of a table),
        the most common label, left out as the reference (such a group sums to 1, so
        with all its columns the coefficients are not identified); the group's odds
        ratios compare with that label.
    direction_ : ndarray
        Logistic only: the sign of each feature's covariance with churn in the
        training data (+1: churners have more of it), used by :func:`top_reasons`.
    coef_se_ : ndarray
        Logistic only: standard errors of the coefficients (for the odds ratios' intervals).
    integer_features_ : set of str
        Model features whose training values are whole numbers (rules then read
        "at least 3" instead of "> 2.5").
    rate_column_, rate_table_ : str, Series
        ``rate`` only: the column chosen and its churn rate per group.
    """

    def __init__(self, kind: str = "logistic", *, max_depth: int = 3, C: float = 1.0,
                 random_state: int = 0, n_threads: int | None = 1, max_levels: int = 8,
                 min_level_share: float = 0.01, max_rows: int | None = 20_000):
        self.kind = kind
        self.max_depth = max_depth
        self.C = C
        self.random_state = random_state
        self.n_threads = n_threads
        self.max_levels = max_levels
        self.min_level_share = min_level_share
        self.max_rows = max_rows

    def _threads(self):
        return threadpool_limits(limits=self.n_threads, user_api="openmp")

    def _encoded(self, X: pd.DataFrame) -> pd.DataFrame:
        """All features as numbers (encoded names), before the reference columns are dropped."""
        if self.encoder_ is None:
            return X.reindex(columns=self.feature_names_, fill_value=0.0).astype("float64")
        return self.encoder_.transform(X.reindex(columns=self.feature_names_))

    def _matrix(self, X: pd.DataFrame) -> pd.DataFrame:
        X = self._encoded(X)
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
        if self.kind == "rate":
            return [self.rate_column_]
        names = self.encoder_.feature_names_out_ if self.encoder_ is not None else self.feature_names_
        return [f for f in names if f not in getattr(self, "reference_", [])]

    def fit(self, X: pd.DataFrame, y) -> ChurnModel:
        """Fit on features ``X`` (customers x features) and labels ``y`` (True = churned)."""
        if self.kind not in MODEL_LABELS:
            raise ValueError(f"kind must be one of {list(MODEL_LABELS)}, got {self.kind!r}")
        X = pd.DataFrame(X)
        y = np.asarray(y).astype(bool)
        rows = _sample_rows(len(X), self.max_rows, strata=y, random_state=self.random_state)
        if rows is not None:
            X, y = X.iloc[rows], y[rows]
        self.feature_names_ = list(X.columns)
        self.classes_ = np.array([False, True])
        self.encoder_ = None
        if self.kind == "rate":
            return self._fit_rate(X, y)
        if _needs_encoding(X):
            self.encoder_ = TableEncoder(max_levels=self.max_levels,
                                         min_level_share=self.min_level_share).fit(X)
        self.reference_ = []
        if self.kind == "logistic":
            E = self._encoded(X)
            self.reference_ = _reference_columns(E)
            if self.encoder_ is not None:
                self.reference_ += [f"{c}: {lev}" for c, lev in self.encoder_.reference_.items()]
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
            self.coef_se_ = self._coef_se(M)
        if self.kind == "tree":
            a = np.asarray(M, dtype=float)
            whole = np.all(np.isnan(a) | (a == np.round(a)), axis=0)
            self.integer_features_ = {f for f, w in zip(M.columns, whole) if w}
        return self

    def _coef_se(self, M) -> np.ndarray:
        """Standard errors of the logistic coefficients (standardised features).

        The inverse of the penalised log-likelihood's curvature at the estimate,
        ``(Z'WZ + I/C)^-1`` with ``W = p(1 - p)`` and the intercept unpenalised: the
        usual Wald errors, slightly shrunk like the coefficients themselves.
        """
        Z = self.estimator_[:-1].transform(M)
        p = self.estimator_.predict_proba(M)[:, 1]
        Z1 = np.column_stack([Z, np.ones(len(Z))])
        H = (Z1 * (p * (1 - p))[:, None]).T @ Z1
        H[np.arange(Z.shape[1]), np.arange(Z.shape[1])] += 1.0 / self.C
        return np.sqrt(np.clip(np.diag(np.linalg.pinv(H))[:-1], 0, None))

    def _fit_rate(self, X: pd.DataFrame, y: np.ndarray) -> ChurnModel:
        base, m = float(y.mean()), 20.0
        best = None
        for c in X.columns:
            kind = column_kind(X[c])
            if kind in ("empty", "date"):
                continue
            if kind == "number" and coerce_column(X[c], "number").nunique() > 5:
                v = coerce_column(X[c], "number").dropna().to_numpy()
                spec = ("bands", np.unique(np.quantile(v, [0.2, 0.4, 0.6, 0.8]))[:])
            else:
                spec = (kind, None)
            g = _rate_groups(X[c], spec)
            stats = pd.DataFrame({"g": g, "y": y}).groupby("g")["y"].agg(["sum", "size"])
            rates = (stats["sum"] + m * base) / (stats["size"] + m)
            score = pd.Series(g).map(rates).to_numpy(dtype=float)
            if np.unique(score).size < 2:
                continue
            auc = roc_auc_score(y, score)
            if best is None or auc > best[0] + 1e-12:
                best = (auc, c, spec, rates)
        if best is None:
            raise ValueError("no column separates churners from stayers for the rate baseline")
        _, self.rate_column_, self.rate_spec_, self.rate_table_ = best
        self.base_rate_ = base
        self.estimator_ = "rate"
        self.reference_ = []
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Probabilities ``(n, 2)``: columns stay, churn."""
        check_is_fitted(self, "estimator_")
        if self.kind == "rate":
            col = X[self.rate_column_] if self.rate_column_ in X.columns else \
                pd.Series(np.nan, index=X.index)
            p = pd.Series(_rate_groups(col, self.rate_spec_)).map(self.rate_table_)
            p = p.fillna(self.base_rate_).to_numpy(dtype=float)
            return np.column_stack([1 - p, p])
        with self._threads():
            return self.estimator_.predict_proba(self._matrix(X))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """True where the churn probability is at least 0.5."""
        return self.predict_proba(X)[:, 1] >= 0.5

    def churn_probability(self, X: pd.DataFrame) -> pd.Series:
        """Churn probability per customer (Series ``churn_probability`` indexed like ``X``)."""
        return pd.Series(self.predict_proba(X)[:, 1], index=X.index, name="churn_probability")

    def source(self, feature: str) -> tuple[str, str | None]:
        """The original column and level of a model feature (``("合约类型", "月付")``; level
        None for a number or flag)."""
        enc = getattr(self, "encoder_", None)
        if enc is not None and feature in enc.source_:
            return enc.source_[feature]
        return feature, None

    def feature_kind(self, feature: str) -> str:
        """``"number"``, ``"flag"`` or ``"level"`` (an indicator of a text column's level)."""
        col, level = self.source(feature)
        if level is not None:
            return "level"
        enc = getattr(self, "encoder_", None)
        return enc.kinds_.get(col, "number") if enc is not None else "number"

    @property
    def description(self) -> str:
        """The model in words (for the baseline: which column it uses)."""
        if self.kind == "rate":
            return f"the churn rate by {label(self.rate_column_)}"
        if self.kind == "recency":
            return "days since the last purchase"
        return MODEL_LABELS[self.kind]


def fit_models(X: pd.DataFrame, y, *, kinds=("logistic", "tree", "boosting", "recency"),
               max_depth: int = 3, random_state: int = 0, max_levels: int = 8,
               min_level_share: float = 0.01) -> dict[str, ChurnModel]:
    """Fit one :class:`ChurnModel` per kind; return them keyed by kind.

    The order-mode default includes the recency baseline; a customer table uses
    ``kinds=("logistic", "tree", "boosting", "rate")``.
    """
    return {k: ChurnModel(k, max_depth=max_depth, random_state=random_state, max_levels=max_levels,
                          min_level_share=min_level_share).fit(X, y)
            for k in kinds}


def best_model(metrics: pd.DataFrame) -> str:
    """Kind of the model (not a baseline) with the highest ROC AUC in :func:`evaluate_models`."""
    kinds = {v: k for k, v in MODEL_LABELS.items() if k not in BASELINES}
    cand = metrics.loc[metrics.index.isin(list(kinds))]
    return kinds[cand["roc_auc"].idxmax()]


def cross_validated_probability(model: ChurnModel, X: pd.DataFrame, y, *, n_splits: int = 3,
                                random_state: int = 0,
                                max_rows: int | None = 20_000) -> pd.Series:
    """Held-out churn probabilities of a model kind on the data it is (re)fitted on.

    Each customer is scored by a copy of ``model`` fitted on the other folds
    (stratified ``n_splits``-fold cross-validation). A contact threshold chosen on
    these probabilities belongs to the model refitted on all of ``X``: the probability
    scale of a model fitted on other data (another cut-off) does not carry over, and
    in-sample probabilities are too confident.

    Parameters
    ----------
    model : ChurnModel
        An unfitted or fitted model; only its settings are used.
    X, y : DataFrame, Series of bool
    n_splits : int, default 3
    random_state : int, default 0
    max_rows : int or None, default 20,000
        Larger frames are cross-validated on a sample of this many customers,
        stratified by the label (the others get NaN): a threshold needs the shape of
        the probabilities, not every customer.

    Returns
    -------
    Series ``churn_probability`` indexed like ``X``.
    """
    y = np.asarray(y).astype(bool)
    rows = _sample_rows(len(X), max_rows, strata=y, random_state=random_state)
    pos = np.arange(len(X)) if rows is None else rows
    out = np.full(len(X), np.nan)
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    for train, test in folds.split(pos, y[pos]):
        m = clone(model).fit(X.iloc[pos[train]], y[pos[train]])
        out[pos[test]] = m.predict_proba(X.iloc[pos[test]])[:, 1]
    return pd.Series(out, index=X.index, name="churn_probability")


def odds_ratios(model: ChurnModel) -> pd.DataFrame:
    """Coefficients of a fitted logistic :class:`ChurnModel` as odds ratios.

    Returns
    -------
    DataFrame
        Index ``feature``, sorted by the size of the effect; columns
        ``coefficient`` (log-odds per standard deviation), ``odds_ratio``,
        ``odds_ratio_low`` and ``odds_ratio_high`` (a 95% interval, from the
        coefficient's standard error, :attr:`ChurnModel.coef_se_`), ``one_sd`` (that
        standard deviation in the feature's own units), ``group``,
        ``column`` and ``level`` (the original column and, for a level of a text
        column, the level; else empty) and ``compares`` (what the odds ratio
        compares, in words). For a number the odds ratio is exp(coefficient): how the
        odds of churning are multiplied when the feature is one standard deviation
        higher. For a level of a text column, and for a yes/no flag of a customer
        table, it compares the level with the column's reference level (the most
        common one), and "yes" with "no".
    """
    if model.kind != "logistic":
        raise ValueError("odds ratios need a logistic ChurnModel")
    scaler = model.estimator_[-2]
    coef = model.estimator_[-1].coef_[0]
    names = model.model_features_
    kinds = [model.feature_kind(f) for f in names]
    sources = [model.source(f) for f in names]
    per_unit = np.array([k in ("level", "flag") and model.encoder_ is not None for k in kinds])
    log_or = np.where(per_unit, coef / scaler.scale_, coef)
    ref = model.encoder_.reference_ if model.encoder_ is not None else {}
    compares = []
    for (col, lev), k, sd in zip(sources, kinds, scaler.scale_):
        if k == "level":
            compares.append(f"{lev} instead of {ref.get(col, 'the reference')}")
        elif k == "flag" and model.encoder_ is not None:
            compares.append("yes instead of no")
        else:
            compares.append(f"{fmt.num(sd)} more (one standard deviation)")
    se = getattr(model, "coef_se_", np.full(len(coef), np.nan))
    se_or = np.where(per_unit, se / scaler.scale_, se)
    out = pd.DataFrame({"coefficient": coef, "odds_ratio": np.exp(log_or),
                        "odds_ratio_low": np.exp(log_or - 1.96 * se_or),
                        "odds_ratio_high": np.exp(log_or + 1.96 * se_or), "one_sd": scaler.scale_},
                       index=pd.Index(names, name="feature"))
    out["group"] = [k if model.encoder_ is not None else feature_group(f) for f, k in zip(names, kinds)]
    out["column"] = [c for c, _ in sources]
    out["level"] = [lev or "" for _, lev in sources]
    out["compares"] = compares
    return out.reindex(pd.Series(np.abs(log_or), index=out.index).sort_values(ascending=False).index)


def tree_text(model: ChurnModel) -> str:
    """The fitted tree's rules as text (:func:`sklearn.tree.export_text`)."""
    return export_text(model.estimator_[-1], feature_names=model.model_features_, decimals=1,
                       show_weights=False, class_names=["stay", "churn"])


def _bound_text(name: str, lo, hi, whole: bool) -> str:
    """``lo < x <= hi`` in words: "at least 35", "at most 76", "35 to 76"."""
    if whole:  # x > 34.5 is x >= 35 for whole numbers
        lo = None if lo is None else float(np.floor(lo) + 1)
        hi = None if hi is None else float(np.floor(hi))
        if lo is not None and hi is not None:
            return f"{name} {fmt.num(lo)} to {fmt.num(hi)}" if lo != hi else f"{name} {fmt.num(lo)}"
        return f"{name} at least {fmt.num(lo)}" if lo is not None else f"{name} at most {fmt.num(hi)}"
    if lo is not None and hi is not None:
        return f"{name} above {fmt.num(lo)} and at most {fmt.num(hi)}"
    return f"{name} above {fmt.num(lo)}" if lo is not None else f"{name} at most {fmt.num(hi)}"


def _rule_text(model: ChurnModel, bounds: dict[str, list]) -> str:
    """One leaf's conditions in words, one clause per original column."""
    whole = getattr(model, "integer_features_", set())
    levels: dict[str, dict[str, list]] = {}
    parts = []
    for f, (lo, hi) in bounds.items():
        col, lev = model.source(f)
        kind = model.feature_kind(f)
        if kind == "level":  # an indicator: > 0.5 is "is", <= 0.5 "is not"
            entry = levels.setdefault(col, {"is": [], "not": []})
            entry["is" if lo is not None else "not"].append(lev)
        elif kind == "flag" and model.encoder_ is not None:
            parts.append(f"{label(col)}: {'yes' if lo is not None else 'no'}")
        else:
            parts.append(_bound_text(label(f), lo, hi, f in whole))
    for col, e in levels.items():
        if e["is"]:
            parts.append(f"{label(col)}: {e['is'][0]}")
        else:
            parts.append(f"{label(col)}: not {', '.join(e['not'])}")
    return " and ".join(parts) or "everyone"


def tree_leaves(model: ChurnModel) -> pd.DataFrame:
    """Each leaf of a fitted tree as one readable rule.

    Conditions on the same feature along a path are merged into one range; names
    are words (:func:`crmkit.labels.label`); whole-number features read "at least 3"
    rather than "> 2.5"; levels of a text column read "contract: month-to-month" or
    "contract: not one year, two year".

    Returns
    -------
    DataFrame
        One row per leaf, highest churn rate first; columns ``rule`` (e.g.
        ``"days since last web visit 35 to 76 and complaints, last 90 days at least 1"``),
        ``customers`` (training customers in the leaf), ``share`` (of all training
        customers) and ``churn_rate``.
    """
    t = model.estimator_[-1].tree_
    names = model.model_features_
    rows = []

    def walk(node: int, bounds: dict[str, list]) -> None:
        left, right = t.children_left[node], t.children_right[node]
        if left == right:  # a leaf
            rows.append({"rule": _rule_text(model, bounds), "customers": int(t.n_node_samples[node]),
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


_PROFILE_COLUMNS = frozenset({"region", "city", "gender", "birth_year", "crm_segment",
                              "acquisition_channel"})


def _table_reasons(model: ChurnModel, X: pd.DataFrame, contrib: np.ndarray, z: np.ndarray,
                   names, *, k: int, min_contribution: float) -> pd.Series:
    """:func:`top_reasons` for a customer table: one reason per original column.

    The contributions of a text column's level indicators are added up (being on a
    month-to-month contract is one reason, not "not two-year" plus "not one-year"),
    and a reason reads as the customer's value: "合约类型: 月付", "电子账单: yes",
    "客服来电次数: 4 (high)" (high or low: above or below the training average).
    """
    cols = list(dict.fromkeys(model.source(f)[0] for f in names))
    G = np.zeros((len(names), len(cols)))
    for i, f in enumerate(names):
        c = model.source(f)[0]
        # who the customer is (region, gender, ...) is not a reason anyone acts on
        G[i, cols.index(c)] = 0.0 if c in _PROFILE_COLUMNS else 1.0
    by_col = contrib @ G
    kk = min(k, len(cols))
    idx = np.argsort(-by_col, axis=1, kind="stable")[:, :kk]
    keep = np.take_along_axis(by_col, idx, axis=1) > min_contribution
    enc = model.encoder_
    shown = {}
    for j in np.unique(idx[keep]):  # only the columns some customer's reasons name
        c = cols[j]
        kind = enc.kinds_.get(c, "number")
        v = coerce_column(X[c], kind) if c in X.columns else pd.Series(np.nan, index=X.index)
        if kind == "category":
            shown[c] = v.fillna(MISSING_LEVEL).to_numpy(dtype=object)
        elif kind == "flag":
            shown[c] = np.where(v.to_numpy() >= 0.5, "yes", np.where(v.isna(), MISSING_LEVEL, "no"))
        else:
            zc = z[:, names.index(c)] if c in names else np.zeros(len(X))
            shown[c] = np.array([f"{fmt.num(x)} ({'high' if s > 0 else 'low'})" if np.isfinite(x)
                                 else MISSING_LEVEL for x, s in zip(v.to_numpy(dtype=float), zc)],
                                dtype=object)
    texts = ["; ".join(f"{label(cols[j])}: {shown[cols[j]][r]}" for j, ok in zip(idx[r], keep[r]) if ok)
             for r in range(len(X))]
    return pd.Series(texts, index=X.index, name="top_reasons", dtype="str")


# --------------------------------------------------------------------------- validation


# --------------------------------------------------------------------------- drivers
def _sample_rows(n: int, max_rows: int | None, *, strata=None, random_state=0) -> np.ndarray | None:
    """Sorted positions of a random sample of ``max_rows`` of ``n`` rows (None: keep all).

    With ``strata`` (one label per row) each label keeps its share of the rows, so a
    churn sample keeps the base rate.
    """
    if max_rows is None or n <= max_rows:
        return None
    rng = np.random.default_rng(random_state)
    if strata is None:
        return np.sort(rng.choice(n, size=max_rows, replace=False))
    strata = np.asarray(strata)
    parts = []
    for value in np.unique(strata):
        idx = np.flatnonzero(strata == value)
        parts.append(rng.choice(idx, size=int(round(max_rows * len(idx) / n)), replace=False))
    return np.sort(np.concatenate(parts))


def permutation_drivers(model: ChurnModel, X: pd.DataFrame, y, *, n_repeats: int = 5,
                        random_state: int = 0,
                        max_rows: int | None = 5_000) -> pd.DataFrame:
    """Permutation importance on held-out customers: how much ROC AUC drops when one
    feature's values are shuffled.

    The numbers are those of :func:`sklearn.inspection.permutation_importance` with
    ``scoring="roc_auc"`` (the same shuffles: one seed drawn from ``random_state``, the
    same ``n_repeats`` row orders for every feature), computed faster: the
    ``n_repeats`` shuffled copies of a feature are scored in one prediction, and the
    AUC is the rank-sum (Mann-Whitney) form. On the demo that takes 1 s instead of 13 s.

    Parameters
    ----------
    model : ChurnModel
        A fitted model.
    X, y : DataFrame, Series of bool
        Held-out customers' features and labels.
    n_repeats : int, default 5
        Shuffles per feature.
    random_state : int, default 0
        Seeds the shuffles and the sample.
    max_rows : int or None, default 5,000
        Frames with more customers are explained on a random sample of this many,
        stratified by the label (the same share of churners). Every feature costs
        ``n_repeats`` predictions of the whole frame: about 110 s of CPU for the
        66,000 test customers of a 100,000-customer export, 11 s on the sample, where
        the AUC drops moved by 0.00013 on average and 0.002 at most: the two leading
        drivers stayed, the next ones (drops of 0.004-0.006) swapped places as they do
        between two samples (``bench/results_report.md``). None: every customer.

    Returns
    -------
    DataFrame
        Index ``feature``, most important first; columns ``importance`` (mean drop in
        ROC AUC), ``importance_std``, ``group`` and ``meaning``.
    """
    y = np.asarray(y).astype(bool)
    rows = _sample_rows(len(X), max_rows, strata=y, random_state=random_state)
    if rows is not None:
        X, y = X.iloc[rows], y[rows]
    X = pd.DataFrame(X).reset_index(drop=True)
    n = len(X)
    # sklearn's shuffles: one seed for all features; each repeat shuffles the row order
    # again and applies it to the column as left by the previous repeat
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max + 1)
    shuffler = check_random_state(seed)
    order, rows_now, perms = np.arange(n), np.arange(n), []
    for _ in range(n_repeats):
        shuffler.shuffle(order)
        rows_now = rows_now[order]
        perms.append(rows_now)
    take = np.concatenate(perms)
    baseline = _auc_rows(y, model.predict_proba(X)[:, 1][None, :])[0]
    tiled = pd.concat([X] * n_repeats, ignore_index=True)
    predict = _TreeReuse(model, tiled) if _TreeReuse.applies(model) else model.predict_proba
    drops = np.empty((X.shape[1], n_repeats))
    for j, col in enumerate(X.columns):
        kept = tiled[col]
        tiled[col] = X[col].take(take).set_axis(tiled.index)
        p = predict(tiled)[:, 1].reshape(n_repeats, n)
        tiled[col] = kept
        drops[j] = baseline - _auc_rows(y, p)
    out = pd.DataFrame({"importance": drops.mean(axis=1), "importance_std": drops.std(axis=1)},
                       index=pd.Index(X.columns, name="feature"))
    out = out.join(describe_features(X.columns))
    return out.sort_values("importance", ascending=False, kind="stable")


class _TreeReuse:
    """Predictions of a boosted model for frames that differ from a base frame in few columns.

    Shuffling one feature changes only the trees that split on it; the other trees'
    outputs are taken from the base frame. The sum runs over the trees in the same
    order as scikit-learn's own prediction, so the probabilities are the same numbers
    (uses the fitted HistGradientBoostingClassifier's per-tree predictors).
    """

    def __init__(self, model: ChurnModel, base: pd.DataFrame):
        est = model.estimator_
        self.model, self.est = model, est
        self.base = est._preprocess_X(model._matrix(base), reset=False)
        self.bitsets, self.f_idx_map = est._bin_mapper.make_known_categories_bitsets()
        self.trees = [p[0] for p in est._predictors]
        self.splits = [set(t.nodes["feature_idx"][t.nodes["is_leaf"] == 0].tolist()) for t in self.trees]
        with model._threads():
            self.outputs = [self._tree(t, self.base) for t in self.trees]

    @staticmethod
    def applies(model) -> bool:
        est = getattr(model, "estimator_", None)
        return (isinstance(est, HistGradientBoostingClassifier) and est.n_trees_per_iteration_ == 1
                and all(hasattr(est, a) for a in ("_predictors", "_bin_mapper", "_baseline_prediction",
                                                   "_loss", "_preprocess_X")))

    def _tree(self, tree, A) -> np.ndarray:
        return tree.predict(A, self.bitsets, self.f_idx_map, 1)

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        A = self.est._preprocess_X(self.model._matrix(frame), reset=False)
        same = (A == self.base) | (np.isnan(A) & np.isnan(self.base))
        changed = set(np.flatnonzero(~same.all(axis=0)).tolist())
        raw = np.zeros((len(A), 1), dtype=self.est._baseline_prediction.dtype, order="F")
        raw += self.est._baseline_prediction
        with self.model._threads():
            for tree, used, out in zip(self.trees, self.splits, self.outputs):
                raw[:, 0] += self._tree(tree, A) if used & changed else out
        return self.est._loss.predict_proba(raw)


def _auc_rows(y: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """ROC AUC of each row of ``scores`` against labels ``y`` (ties count one half)."""
    from scipy.stats import rankdata

    pos = int(y.sum())
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        raise ValueError("ROC AUC needs churners and stayers among the customers explained")
    ranks = rankdata(scores, axis=1)
    return (ranks[:, y].sum(axis=1) - pos * (pos + 1) / 2) / (pos * neg)


def partial_dependence_table(model: ChurnModel, X: pd.DataFrame, features, *,
                             grid_points: int = 15, max_rows: int | None = 5_000,
                             random_state: int = 0) -> pd.DataFrame:
    """Average predicted churn probability as one feature is set to each grid value.

    The grid is the feature's distinct values when there are few, else observed
    values at evenly spaced percentiles from the 5th to the 95th (missing values
    excluded)
    (:func:`sklearn.inspection.partial_dependence`, ``kind="average"``).

    Parameters
    ----------
    model : ChurnModel
        A fitted model.
    X : DataFrame
        Customers' features.
    features : list of str
    grid_points : int, default 15
    max_rows : int or None, default 5,000
        With more customers the grid still comes from all of them, but the averages
        are taken over a random sample of this many (``random_state``; on 66,000
        customers the curves moved by 0.002 at most); None: every customer.
    random_state : int, default 0

    Returns
    -------
    DataFrame
        Long form: columns ``feature``, ``value``, ``churn_probability``.
    """
    rows = _sample_rows(len(X), max_rows, random_state=random_state)
    sample = X if rows is None else X.iloc[rows]
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
        r = partial_dependence(model, sample, [f], custom_values={f: grid}, kind="average",
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


