"""The churn study of notebook 06 in both modes: the frames to learn, validate and score on.

*Order mode* (no label in the params): churn is derived from purchases at two
cut-offs (:func:`plan_cutoffs`, :func:`churn_frame`); models learn on the earlier
cut-off and are validated on the later one, out of time; customers active on the
scoring day are scored by a model refitted on the later cut-off.

*Customer-table mode* (``analysis: churn: label:``): a table with one row per customer
says who left (:mod:`crmkit.analysis.churn.table`); models learn on a stratified part
of the labelled customers and are validated on the rest; the customers who have not
left are scored by models that did not see them (cross-validation).

Either way :func:`churn_data` returns a :class:`ChurnData` with the same fields, and
:func:`refit_and_score` refits the chosen kind, chooses its contact threshold on
held-out probabilities and scores the customers, so the page's sections are the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ...config.churn import ChurnLabel, ChurnRules
from ...errors import CrmkitError
from .evaluation import (
    best_threshold,
    customer_values,
    profit_curve,
    value_per_saved_customer,
)
from .features import FEATURE_TABLES, CutoffPlan, churn_frame, plan_cutoffs
from .models import ChurnModel, cross_validated_probability, partial_dependence_table, split_xy
from .table import (
    describe_table,
    holdout_split,
    label_values,
    level_effects,
    table_frame,
    table_values,
    tenure_bands,
)

__all__ = ["ChurnData", "Scores", "churn_data", "refit_and_score", "tenure_of", "driver_effects",
           "contact_details"]


@dataclass
class ChurnData:
    """The frames of one churn study (see the module docstring).

    Attributes
    ----------
    mode : {"orders", "table"}
    X_train, y_train : DataFrame, Series of bool
        What the models learn from (training cut-off, or the training part).
    X_test, y_test : DataFrame, Series of bool
        What they are validated on (test cut-off, or the holdout).
    X_fit, y_fit : DataFrame, Series of bool
        What the chosen model is refitted on (the test cut-off, or every labelled
        customer).
    X_score : DataFrame
        The customers scored today (active on the scoring day, or not yet left).
    kinds : tuple of str
        The :class:`ChurnModel` kinds compared, the baseline last.
    plan : CutoffPlan or None
        Order mode: the cut-offs.
    label : ChurnLabel or None
        Table mode: where the label is.
    columns : DataFrame or None
        Table mode: what became of each column (:func:`describe_table`).
    unlabelled : int
        Table mode: customers whose label is empty (left out of learning and scoring).
    test_values : Series or None
        Value per customer for the contact threshold (at the test cut-off, or from the
        table).
    values : Series or None
        Value per customer for the at-risk list (as of the scoring day).
    value_basis : str
        What the value is, in words.
    """

    mode: str
    X_train: pd.DataFrame
    y_train: pd.Series
    X_test: pd.DataFrame
    y_test: pd.Series
    X_fit: pd.DataFrame
    y_fit: pd.Series
    X_score: pd.DataFrame
    kinds: tuple
    plan: CutoffPlan | None = None
    label: ChurnLabel | None = None
    columns: pd.DataFrame | None = None
    unlabelled: int = 0
    test_values: pd.Series | None = None
    values: pd.Series | None = None
    value_basis: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def baseline(self) -> str:
        """The kind of the simple baseline (``recency`` or ``rate``)."""
        return self.kinds[-1]

    @property
    def validation(self) -> str:
        """How the models are validated, in words."""
        if self.mode == "orders":
            return "out of time: learnt at one cut-off, checked at a later one"
        return "on a stratified holdout: customers kept aside, with the same share of leavers"


def churn_data(dataset, *, rules: ChurnRules | dict | None = None, as_of=None) -> ChurnData:
    """Build the frames of the churn study from a dataset, in the mode its params imply.

    Parameters
    ----------
    dataset : Dataset
    rules : ChurnRules or dict, optional
        With ``label`` set: customer-table mode; else order mode.
    as_of : date-like, optional
        The report's reference date (default: the data end).

    Returns
    -------
    ChurnData

    Raises
    ------
    CrmkitError
        No label and no orders; a label table that is missing; too little history.
    """
    r = ChurnRules.coerce(rules)
    as_of = dataset.data_end if as_of is None else pd.Timestamp(as_of)
    if r.label is not None:
        return _table_data(dataset, r, as_of)
    if not dataset.has("orders"):
        raise CrmkitError(
            "churn needs either orders (churn is then derived from purchases) or a churn label "
            "in a customer table: set analysis: churn: label: {table: customers, column: <your "
            "churn column>, churned: [<values meaning left>]} in the params file")
    return _order_data(dataset, r, as_of)


def _order_data(ds, r: ChurnRules, as_of) -> ChurnData:
    plan = plan_cutoffs(data_start=ds.data_start, data_end=ds.data_end, as_of=as_of,
                        horizon_days=r.horizon_days, lookback_days=r.lookback_days,
                        train_cutoff=r.train_cutoff, test_cutoff=r.test_cutoff)
    tables = ds.frames(*FEATURE_TABLES)
    train = churn_frame(ds.orders, as_of=plan.train, rules=r, data_end=ds.data_end, **tables)
    test = churn_frame(ds.orders, as_of=plan.test, rules=r, data_end=ds.data_end, **tables)
    now = churn_frame(ds.orders, as_of=plan.score, rules=r, labels=False, **tables)
    X_train, y_train = split_xy(train)
    X_test, y_test = split_xy(test)
    test_values, _ = customer_values(ds.orders, as_of=plan.test, months=r.value_months)
    values, basis = customer_values(ds.orders, as_of=plan.score, months=r.value_months)
    return ChurnData("orders", X_train, y_train, X_test, y_test, X_test, y_test, now,
                     kinds=("logistic", "tree", "boosting", "recency"), plan=plan,
                     test_values=test_values, values=values, value_basis=basis,
                     extra={"tables": tables})


def _table_data(ds, r: ChurnRules, as_of) -> ChurnData:
    label = r.label
    table = ds.tables.get(label.table)
    if table is None or not len(table):
        raise CrmkitError(f"analysis.churn.label names the {label.table} table, which this dataset "
                          "does not have")
    frame = table_frame(table, label=label, as_of=as_of)
    known = frame["churned"].notna().to_numpy()
    labelled = frame.loc[known]
    X, y = split_xy(labelled)
    hold = holdout_split(y, share=r.holdout_share, random_state=r.random_state)
    values, basis = table_values(labelled, label=label, months=r.value_months)
    spelled = label_values(table, label=label)
    return ChurnData(
        "table", X.loc[~hold], y.loc[~hold], X.loc[hold], y.loc[hold], X, y, X.loc[~y.to_numpy()],
        kinds=("logistic", "tree", "boosting", "rate"), label=label,
        columns=describe_table(table, label=label), unlabelled=int((~known).sum()),
        test_values=values, values=values, value_basis=basis,
        extra={"left_values": spelled.loc[spelled["read_as"] == "left", "value"].tolist(),
               "stayed_values": spelled.loc[spelled["read_as"] == "stayed", "value"].tolist()})


def tenure_of(data: ChurnData, X: pd.DataFrame) -> tuple[pd.Series | None, str]:
    """Tenure bands of the customers of ``X`` and the tenure column's name (None without one).

    Table mode: the label's ``tenure`` column, else ``account_age_days`` (from a sign-up
    date); order mode: days since the first purchase (``tenure_days``).
    """
    if data.mode == "table":
        col = data.label.tenure or ("account_age_days" if "account_age_days" in X.columns else None)
    else:
        col = "tenure_days" if "tenure_days" in X.columns else None
    if col is None or col not in X.columns or X[col].notna().sum() < 40:
        return None, ""
    return tenure_bands(X[col]), col


@dataclass
class Scores:
    """The refitted model, its contact threshold and today's scores (:func:`refit_and_score`).

    Attributes
    ----------
    model : ChurnModel
        The chosen kind refitted on ``X_fit``.
    held_out : Series
        Cross-validated churn probabilities on ``X_fit`` (NaN for customers outside
        the cross-validation sample of a large frame).
    curve : DataFrame
        :func:`profit_curve` of those probabilities.
    threshold : Series
        The row of ``curve`` with the highest expected profit (the contact threshold).
    probability : Series
        Churn probability of each customer of ``X_score``.
    value_per_saved : float
    """

    model: ChurnModel
    held_out: pd.Series
    curve: pd.DataFrame
    threshold: pd.Series
    probability: pd.Series
    value_per_saved: float


def refit_and_score(data: ChurnData, kind: str, *, rules: ChurnRules | dict | None = None,
                    value_per_saved: float | None = None) -> Scores:
    """Refit the chosen model, choose its contact threshold honestly, score today's customers.

    The threshold that maximises the expected profit depends on the probability
    scale of the model it is applied to, so it is chosen on the *refitted* model's
    own held-out probabilities (:func:`cross_validated_probability` on ``X_fit``),
    not on the validation model's: a model fitted on other data (an earlier cut-off,
    the training part) can be more or less confident.

    Order mode scores the customers active on the scoring day with the refitted
    model. Table mode scores the customers who have not left with their held-out
    probability: they are part of ``X_fit``, and a model that has seen a customer
    (as "stayed") would understate their risk.

    Parameters
    ----------
    data : ChurnData
    kind : str
        The chosen kind (:func:`best_model`).
    rules : ChurnRules or dict, optional
        ``contact_cost``, ``retention_success_rate``, ``value_per_saved_customer``,
        ``cv_folds``, ``tree_max_depth``, ``random_state``, level settings.
    value_per_saved : float, optional
        Default: :func:`value_per_saved_customer` of ``data.test_values`` over the
        customers of ``X_fit``.
    """
    r = ChurnRules.coerce(rules)
    model = ChurnModel(kind, max_depth=r.tree_max_depth, random_state=r.random_state,
                       max_levels=r.max_categories, min_level_share=r.min_level_share)
    table = data.mode == "table"
    held_out = cross_validated_probability(model, data.X_fit, data.y_fit, n_splits=r.cv_folds,
                                           random_state=r.random_state,
                                           max_rows=None if table else 20_000)
    if value_per_saved is None:
        values = data.test_values if data.test_values is not None else pd.Series(dtype=float)
        value_per_saved = value_per_saved_customer(values, customers=data.X_fit.index,
                                                   rule=r.value_per_saved_customer)
    known = held_out.notna().to_numpy()
    curve = profit_curve(data.y_fit.to_numpy()[known], held_out.to_numpy()[known],
                         contact_cost=float(r.contact_cost),
                         retention_success_rate=float(r.retention_success_rate),
                         value_per_saved=float(value_per_saved))
    threshold = best_threshold(curve)
    model = model.fit(data.X_fit, data.y_fit)
    if table:
        probability = held_out.reindex(data.X_score.index)
    else:
        probability = model.churn_probability(data.X_score)
    return Scores(model, held_out, curve, threshold, probability.rename("churn_probability"),
                  float(value_per_saved))


def driver_effects(model: ChurnModel, X: pd.DataFrame, features, *, random_state: int = 0
                   ) -> pd.DataFrame:
    """How predicted churn moves with each feature: partial dependence of numbers
    (:func:`partial_dependence_table`), average prediction per level of text columns and
    flags (:func:`~crmkit.analysis.churn.table.level_effects`).

    Returns
    -------
    DataFrame
        Long form: ``feature``, ``value`` (a number, or a level as text), ``churn_probability``.
    """
    parts = []
    for f in features:
        s = X[f]
        numeric = pd.api.types.is_numeric_dtype(s) and s.dropna().nunique() > 2
        if numeric:
            parts.append(partial_dependence_table(model, X, [f], random_state=random_state))
        else:
            parts.append(level_effects(model, X, f, random_state=random_state))
    cols = ["feature", "value", "churn_probability"]
    parts = [p[cols].astype({"value": object}) for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def contact_details(at_risk: pd.DataFrame, customers: pd.DataFrame | None, *,
                    show_pii: bool = False) -> pd.DataFrame:
    """The at-risk list with the customers' name, e-mail and phone when ``show_pii`` is set.

    By default the list keeps customer IDs only; with ``show_pii`` (``crmkit report
    --show-pii``) whichever of ``name``, ``email`` and ``phone`` the customers table
    has are added after the rank, for the team that makes the calls.

    Examples
    --------
    >>> ar = pd.DataFrame({"rank": [1]}, index=pd.Index(["c1"], name="customer_id"))
    >>> cu = pd.DataFrame({"customer_id": ["c1"], "name": ["王芳"], "phone": ["13800000000"]})
    >>> list(contact_details(ar, cu).columns), list(contact_details(ar, cu, show_pii=True).columns)
    (['rank'], ['rank', 'name', 'phone'])
    """
    if not show_pii or customers is None:
        return at_risk
    cols = [c for c in ("name", "email", "phone") if c in customers.columns]
    if not cols:
        return at_risk
    info = customers.drop_duplicates("customer_id").set_index("customer_id")[cols]
    info.index = info.index.astype(str)
    out = at_risk.join(info, how="left")
    order = ["rank", *cols] + [c for c in at_risk.columns if c != "rank"]
    return out[[c for c in order if c in out.columns]]
