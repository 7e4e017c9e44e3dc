"""Churn from a customer table: one row per customer, as exported, with a column saying who left.

Subscription, telecom and SaaS exports often have no order history to derive churn
from: a row per customer with tenure, contract, plan, charges, service calls and a
flag such as ``是否流失`` (是/否, Yes/No, 1/0). The params file says where the flag is
(``analysis: churn: label: {table: customers, column: 是否流失, churned: [是, Yes, 1]}``,
:class:`~crmkit.config.churn.ChurnLabel`); this module reads it and prepares the
table for :class:`~crmkit.analysis.churn.ChurnModel`:

- :func:`parse_churn_label` reads the flag in any spelling the params list;
- :func:`column_kind` / :func:`coerce_column` decide what each column is (a number,
  also when stored as text with blanks or units; a yes/no flag; a text category;
  a date) and convert it;
- :class:`TableEncoder` turns the typed columns into numbers inside the model:
  categories one-hot, rare levels grouped as "other", levels unseen at fitting time
  handled at prediction time;
- :func:`table_frame` / :func:`describe_table` give the labelled frame and what
  became of each column; :func:`holdout_split` the stratified validation split;
  :func:`tenure_bands` and :func:`cohort_metrics` the check per tenure band;
  :func:`churn_rate_by` and :func:`level_effects` the tables a reader sees.

The features are the table's own columns only: order history, when there is some,
is not joined (a churned customer's later silence would leak the label).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from ...data.parsing import parse_amounts
from ...data.schema import PII_COLUMNS
from ...errors import CrmkitError

__all__ = [
    "YES_WORDS",
    "NO_WORDS",
    "parse_churn_label",
    "label_values",
    "column_kind",
    "coerce_column",
    "TableEncoder",
    "table_frame",
    "describe_table",
    "holdout_split",
    "tenure_bands",
    "cohort_metrics",
    "churn_rate_by",
    "level_effects",
    "table_values",
]

YES_WORDS = frozenset({"yes", "y", "true", "t", "1", "是", "对", "有"})
"""Spellings of "yes" in flag columns (compared without spaces and case)."""
NO_WORDS = frozenset({"no", "n", "false", "f", "0", "否", "不是", "没有", "无"})
"""Spellings of "no" in flag columns."""

MISSING_LEVEL = "missing"
OTHER_LEVEL = "other"
_WHOLE = re.compile(r"^(-?\d+)\.0+$")


def _text(values: pd.Series) -> pd.Series:
    """Values as stripped text (object dtype), blanks missing; whole numbers without ``.0``."""
    if pd.api.types.is_bool_dtype(values):
        s = values.astype("boolean").map({True: "true", False: "false"}).astype("string")
    elif pd.api.types.is_numeric_dtype(values):
        v = pd.to_numeric(values, errors="coerce").astype("float64")
        whole = np.isfinite(v) & (v == np.round(v))
        s = v.astype("string").where(~whole, v.where(whole).round().astype("Int64").astype("string"))
    else:
        fast = _arrow_text(values)
        if fast is not None:
            return fast
        s = values.astype(object).where(values.notna()).astype("string").str.strip()
        s = s.mask(s == "").str.replace(_WHOLE, r"\1", regex=True)
    return s.astype(object).where(s.notna(), None)


def _arrow_text(values: pd.Series) -> pd.Series | None:
    """:func:`_text` of a text column in a few Arrow kernels (the models call it at every
    prediction); None when the column holds something else than strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        arr = pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    arr = pc.utf8_trim_whitespace(arr)
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    if pc.any(pc.match_substring(arr, ".")).as_py():
        arr = pc.replace_substring_regex(arr, r"^(-?\d+)\.0+$", r"\1")
    return pd.Series(arr.to_numpy(zero_copy_only=False), index=values.index, dtype=object)


def parse_churn_label(values: pd.Series, *, churned, stayed=None, column: str = "label") -> pd.Series:
    """Read a churn flag written in any of the listed spellings.

    Parameters
    ----------
    values : Series
        The label column as exported.
    churned : list of str
        Values meaning "left", compared without surrounding spaces and case; ``1``
        matches ``1``, ``1.0`` and the number 1.
    stayed : list of str, optional
        Values meaning "stayed". When given, other non-empty values are an error;
        when not, every other non-empty value counts as stayed.
    column : str
        Name used in error messages.

    Returns
    -------
    Series
        Nullable boolean, indexed like ``values``: True (left), False (stayed),
        <NA> (empty).

    Raises
    ------
    CrmkitError
        Values in neither list (with ``stayed``), or no churned or no stayed customer.

    Examples
    --------
    >>> parse_churn_label(pd.Series(["是", "否", " Yes", "1.0", "0", None]),
    ...                   churned=["是", "Yes", "1"]).tolist()
    [True, False, True, True, False, <NA>]
    """
    text = _text(values)
    norm = text.str.casefold()
    yes = {str(v).strip().casefold() for v in churned}
    yes |= {m.group(1) for v in yes if (m := _WHOLE.match(v))}
    is_yes = norm.isin(yes).to_numpy()
    present = norm.notna().to_numpy()
    if stayed is not None:
        no = {str(v).strip().casefold() for v in stayed}
        no |= {m.group(1) for v in no if (m := _WHOLE.match(v))}
        bad = present & ~is_yes & ~norm.isin(no).to_numpy()
        if bad.any():
            counts = text[bad].value_counts()
            shown = ", ".join(f"{v!r} ({c:,} rows)" for v, c in counts.head(5).items())
            raise CrmkitError(
                f"churn label column {column!r}: {int(bad.sum()):,} value(s) are neither churned "
                f"({', '.join(map(repr, churned))}) nor stayed ({', '.join(map(repr, stayed))}): "
                f"{shown}. Add them to analysis.churn.label in the params file.")
    out = pd.Series(pd.array(np.where(present, is_yes, False), dtype="boolean"), index=values.index,
                    name="churned")
    out[~present] = pd.NA
    known = out.dropna()
    if len(known) and (known.all() or not known.any()):
        seen = ", ".join(repr(v) for v in text.dropna().unique()[:6])
        which = "churned" if not known.any() else "stayed"
        raise CrmkitError(
            f"churn label column {column!r}: no customer {which} (values seen: {seen}); check "
            f"analysis.churn.label.churned ({', '.join(map(repr, churned))}) in the params file")
    return out


def label_values(table: pd.DataFrame, *, label) -> pd.DataFrame:
    """How each value of the label column is read: one row per spelling.

    Returns
    -------
    DataFrame
        Columns ``value`` (as exported; "(empty)" for blanks), ``customers`` and
        ``read_as`` (left, stayed, no label), most customers first.
    """
    text = _text(table[label.column])
    read = parse_churn_label(table[label.column], churned=label.churned, stayed=label.stayed,
                             column=label.column)
    d = pd.DataFrame({"value": text.fillna("(empty)").to_numpy(),
                      "read_as": np.where(read.isna(), "no label",
                                          np.where(read.fillna(False), "left", "stayed"))})
    out = d.groupby(["value", "read_as"]).size().rename("customers").reset_index()
    out = out.sort_values(["customers", "value"], ascending=[False, True], kind="stable")
    return out[["value", "customers", "read_as"]].reset_index(drop=True)


# --------------------------------------------------------------------------- column kinds
def column_kind(values: pd.Series, *, min_number_share: float = 0.9) -> str:
    """What a column holds: ``"number"``, ``"flag"``, ``"category"``, ``"date"`` or ``"empty"``.

    Booleans, and columns whose values are all yes/no words (:data:`YES_WORDS`,
    :data:`NO_WORDS`) or 0/1, are flags; text of which at least ``min_number_share``
    of the non-empty values read as numbers (``"89.5"``, ``"1,234"``, ``"89.5元"``) is a
    number (the rest become missing); other text is a category.

    Examples
    --------
    >>> [column_kind(pd.Series(v)) for v in (["Yes", "No"], ["1", "0"], [" 89.5", "12元", " "],
    ...                                      ["月付", "一年"], [None, None])]
    ['flag', 'flag', 'number', 'category', 'empty']
    """
    if pd.api.types.is_bool_dtype(values):
        return "flag"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "date"
    if pd.api.types.is_numeric_dtype(values):
        v = pd.to_numeric(values, errors="coerce").dropna()
        if v.empty:
            return "empty"
        return "flag" if v.isin([0, 1]).all() else "number"
    text = _text(values).dropna()
    if text.empty:
        return "empty"
    words = set(text.str.casefold().unique())
    if words <= YES_WORDS | NO_WORDS:
        return "flag"
    parsed = parse_amounts(pd.Series(text.to_numpy(), dtype="string"))
    if parsed.notna().mean() >= min_number_share:
        return "number"
    return "category"


def coerce_column(values: pd.Series, kind: str) -> pd.Series:
    """Convert a column to its kind: numbers and flags to float (flags 1/0), categories to
    stripped text (object, missing as None), dates to datetime64; indexed like ``values``.

    Examples
    --------
    >>> coerce_column(pd.Series(["是", "否", None]), "flag").tolist()
    [1.0, 0.0, nan]
    >>> coerce_column(pd.Series(["89.5元", " ", "1,234"]), "number").tolist()
    [89.5, nan, 1234.0]
    """
    if kind == "number":
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            return pd.to_numeric(values, errors="coerce").astype("float64")
        text = _text(values)
        out = parse_amounts(pd.Series(text.to_numpy(), dtype="string"))
        return pd.Series(out.to_numpy(dtype="float64", na_value=np.nan), index=values.index)
    if kind == "flag":
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            return pd.to_numeric(values.astype("Float64"), errors="coerce").astype("float64")
        norm = _text(values).str.casefold()
        out = np.where(norm.isin(YES_WORDS), 1.0, np.where(norm.isin(NO_WORDS), 0.0, np.nan))
        return pd.Series(out, index=values.index, dtype="float64")
    if kind == "date":
        return pd.to_datetime(values, errors="coerce")
    if kind == "empty":
        return pd.Series(np.nan, index=values.index, dtype="float64")
    return _text(values)


# --------------------------------------------------------------------------- encoder
class TableEncoder(TransformerMixin, BaseEstimator):
    """Turn the columns of a customer table into numbers, as the churn models need them.

    Numeric columns pass through; text that reads as numbers (blanks and units
    allowed) becomes numbers; yes/no flags become 1/0; dates become days before the
    latest date seen in ``fit``; text categories become one indicator column per
    level (named ``"<column>: <level>"``). Missing values stay missing (the models fill
    them), except in categories, where "missing" is a level of its own.

    Rare levels (fewer than ``min_level_count`` customers or a share below
    ``min_level_share``, or beyond the ``max_levels`` most common) are grouped as
    "other". A level not seen in ``fit`` counts as "other" at prediction time; when
    the training data had no "other" level it gets no indicator at all (for the
    logistic regression that is the column's reference level, for a tree "none of
    the known levels").

    Parameters
    ----------
    max_levels : int, default 8
    min_level_share : float, default 0.01
    min_level_count : int, default 10

    Attributes
    ----------
    columns_ : list of str
        Columns seen in ``fit``.
    kinds_ : dict
        Column -> ``"number"``, ``"flag"``, ``"category"`` or ``"date"``.
    levels_ : dict
        Category column -> its levels, most common first (``"other"`` last when present).
    reference_ : dict
        Category column -> its most common level (left out by the logistic regression).
    dropped_ : dict
        Columns not used, with the reason (empty, one value only).
    source_ : dict
        Output column -> ``(column, level)`` (level None for numbers and flags).
    feature_names_out_ : list of str
    """

    def __init__(self, *, max_levels: int = 8, min_level_share: float = 0.01,
                 min_level_count: int = 10):
        self.max_levels = max_levels
        self.min_level_share = min_level_share
        self.min_level_count = min_level_count

    def fit(self, X: pd.DataFrame, y=None) -> TableEncoder:
        """Learn each column's kind and, for categories, the levels kept."""
        X = pd.DataFrame(X)
        n = len(X)
        self.columns_ = [str(c) for c in X.columns]
        self.kinds_, self.levels_, self.reference_, self.dropped_ = {}, {}, {}, {}
        self.date_origin_ = {}
        self.source_ = {}
        names = []
        for col in X.columns:
            c = str(col)
            kind = column_kind(X[col])
            if kind == "empty":
                self.dropped_[c] = "no values"
                continue
            values = coerce_column(X[col], kind)
            if kind == "category":
                v = values.fillna(MISSING_LEVEL)
                counts = v.value_counts(sort=True)
                counts = counts.iloc[np.lexsort((counts.index.astype(str), -counts.to_numpy()))]
                need = max(self.min_level_count, self.min_level_share * n)
                keep = [lev for lev, k in counts.items() if k >= need][: self.max_levels]
                levels = keep + ([OTHER_LEVEL] if len(keep) < len(counts) else [])
                if len(levels) < 2:
                    self.dropped_[c] = "one value only" if len(counts) == 1 else "only rare values"
                    continue
                self.levels_[c] = levels
                self.reference_[c] = levels[0]
                for lev in levels:
                    name = f"{c}: {lev}"
                    names.append(name)
                    self.source_[name] = (c, lev)
            else:
                if kind == "date":
                    self.date_origin_[c] = values.max()
                    values = (self.date_origin_[c] - values).dt.days.astype("float64")
                if values.nunique(dropna=True) < 2:
                    self.dropped_[c] = "one value only"
                    continue
                names.append(c)
                self.source_[c] = (c, None)
            self.kinds_[c] = kind
        self.feature_names_out_ = names
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """The numeric frame (columns :attr:`feature_names_out_`, float64, index of ``X``)."""
        check_is_fitted(self, "feature_names_out_")
        X = pd.DataFrame(X)
        out = {}
        for c, kind in self.kinds_.items():
            raw = X[c] if c in X.columns else pd.Series(np.nan, index=X.index)
            if kind == "category":
                v = coerce_column(raw, kind).fillna(MISSING_LEVEL)
                levels = self.levels_[c]
                known = v.isin(levels).to_numpy()
                if OTHER_LEVEL in levels:
                    v = v.where(known, OTHER_LEVEL)
                arr = v.to_numpy()
                for lev in levels:
                    out[f"{c}: {lev}"] = (arr == lev).astype("float64")
            else:
                values = coerce_column(raw, kind)
                if kind == "date":
                    values = (self.date_origin_[c] - values).dt.days.astype("float64")
                out[c] = values.to_numpy(dtype="float64")
        return pd.DataFrame(out, index=X.index, columns=self.feature_names_out_)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.feature_names_out_, dtype=object)


# --------------------------------------------------------------------------- the frame
def _excluded(table: pd.DataFrame, label) -> dict[str, str]:
    """Columns of the table that are not features, with the reason."""
    out = {"customer_id": "the customer's ID", label.column: "the churn label"}
    for c in PII_COLUMNS.get(label.table, []):
        if c in table.columns:
            out[c] = "personal data"
    n = len(table)
    for c in table.columns:
        if c in out or n < 20:
            continue
        s = table[c]
        if (s.dtype == object or isinstance(s.dtype, pd.StringDtype)) and s.nunique() >= 0.95 * n:
            if column_kind(s) == "category":
                out[c] = "an identifier or free text (a different value on almost every row)"
    return out


def table_frame(table: pd.DataFrame, *, label, as_of=None) -> pd.DataFrame:
    """The labelled customer frame of customer-table mode.

    Parameters
    ----------
    table : DataFrame
        One row per customer, with ``customer_id`` and the label column (e.g. the
        ``customers`` table with its ``extra_columns``).
    label : ChurnLabel
        Where the label is and how it is spelled (:class:`~crmkit.config.churn.ChurnLabel`).
    as_of : date-like, optional
        The export date: date columns become days before it (``signup_date`` becomes
        ``account_age_days``, "days since sign-up").

    Returns
    -------
    DataFrame
        Index ``customer_id``; one column per feature, typed by :func:`column_kind`
        (numbers and flags float, categories text); then ``churned`` (nullable
        boolean; <NA> where the label is empty). ID, label, personal-data and
        identifier-like columns are left out (:func:`describe_table` says which).

    Raises
    ------
    CrmkitError
        The label column is not in the table, or its values are not as the params say.
    """
    if label.column not in table.columns:
        raise CrmkitError(
            f"churn label column {label.column!r} is not in the {label.table} table (columns: "
            f"{', '.join(map(str, table.columns[:20]))}). List it under tables.{label.table}."
            f"extra_columns in the params file.")
    for role in ("tenure", "value"):
        col = getattr(label, role)
        if col is not None and col not in table.columns:
            raise CrmkitError(f"analysis.churn.label.{role}: column {col!r} is not in the "
                              f"{label.table} table; list it under tables.{label.table}.extra_columns")
    if "customer_id" not in table.columns:
        raise CrmkitError(f"the {label.table} table has no customer_id column")
    skip = _excluded(table, label)
    as_of = pd.Timestamp(as_of).normalize() if as_of is not None else None
    index = pd.Index(table["customer_id"].astype(str), name="customer_id")
    table = table.set_axis(index, axis=0)
    cols = {}
    for c in table.columns:
        if c in skip:
            continue
        kind = column_kind(table[c])
        if kind == "empty":
            continue
        v = coerce_column(table[c], kind)
        if kind == "date":
            end = as_of if as_of is not None else v.max()
            name = "account_age_days" if c == "signup_date" else f"days_since_{c}"
            cols[name] = ((end - v.dt.normalize()).dt.days).astype("float64")
        else:
            cols[str(c)] = v
    out = pd.DataFrame(cols, index=index)
    out["churned"] = parse_churn_label(table[label.column], churned=label.churned,
                                       stayed=label.stayed, column=label.column).to_numpy()
    return out


def describe_table(table: pd.DataFrame, *, label) -> pd.DataFrame:
    """What became of each column of the table: its kind, values and whether it is a feature.

    Returns
    -------
    DataFrame
        One row per column; columns ``column``, ``holds`` (number, yes/no, text,
        date, nothing), ``distinct`` (non-empty values), ``missing_share``,
        ``example`` (a few values, none for personal data) and ``use`` (the
        reason when not a feature, else "feature").
    """
    skip = _excluded(table, label)
    rows = []
    for c in table.columns:
        s = table[c]
        kind = column_kind(s)
        pii = skip.get(c) == "personal data"
        vals = _text(s).dropna()
        example = "" if pii or c == "customer_id" else ", ".join(vals.value_counts().index[:4])
        words = {"category": "text", "flag": "yes/no", "empty": "nothing"}.get(kind, kind)
        rows.append({"column": str(c), "holds": words, "distinct": int(vals.nunique()),
                     "missing_share": float(1 - len(vals) / max(len(s), 1)), "example": example,
                     "use": skip.get(c, "no values" if kind == "empty" else "feature")})
    return pd.DataFrame(rows)


def holdout_split(y, *, share: float = 0.3, random_state: int = 0) -> np.ndarray:
    """Stratified holdout: a boolean mask, True for the ``share`` of customers kept aside.

    Churners and stayers are split in the same proportion, so the holdout has the
    base rate of the whole table.

    Examples
    --------
    >>> m = holdout_split([True] * 12 + [False] * 28, share=0.25)
    >>> int(m.sum()), int(m[:12].sum())
    (10, 3)
    """
    y = np.asarray(y).astype(bool)
    idx = np.arange(len(y))
    _, test = train_test_split(idx, test_size=share, stratify=y, random_state=random_state)
    mask = np.zeros(len(y), dtype=bool)
    mask[test] = True
    return mask


def tenure_bands(values: pd.Series, *, n_bands: int = 4, name: str = "") -> pd.Series:
    """Cut a number (tenure, charges, ...) into bands of about the same number of customers.

    Band edges are quantiles of the values; customers with the same value stay in
    one band, so a column with few distinct values gets fewer, unequal bands, and one
    with at most ``n_bands + 2`` distinct values gets a band per value.

    Returns
    -------
    Series
        Ordered categorical indexed like ``values`` (missing where the value is),
        labels such as ``"0-6"`` (the band's lowest and highest value; ``name`` is put
        in front when given).

    Examples
    --------
    >>> tenure_bands(pd.Series([1, 2, 3, 10, 11, 12, 40, 50.0]), n_bands=2).astype(str).tolist()
    ['1-10', '1-10', '1-10', '1-10', '11-50', '11-50', '11-50', '11-50']
    >>> tenure_bands(pd.Series([0, 0, 1, 3.0])).astype(str).tolist()
    ['0', '0', '1', '3']
    """
    from ... import fmt

    v = pd.to_numeric(values, errors="coerce").astype("float64")
    distinct = np.unique(v.dropna())
    if len(distinct) <= n_bands + 2:
        codes = pd.Series(np.searchsorted(distinct, v), index=v.index).where(v.notna())
    else:
        codes = pd.Series(pd.qcut(v, q=n_bands, labels=False, duplicates="drop"), index=v.index)
    lo, hi = v.groupby(codes).min(), v.groupby(codes).max()
    prefix = f"{name} " if name else ""
    names = {k: prefix + (fmt.num(lo[k]) if lo[k] == hi[k] else f"{fmt.num(lo[k])}-{fmt.num(hi[k])}")
             for k in lo.index}
    out = codes.map(names)
    return pd.Series(pd.Categorical(out, categories=[names[k] for k in sorted(names)], ordered=True),
                     index=values.index, name="tenure_band")


def cohort_metrics(y, probabilities: dict[str, pd.Series], groups: pd.Series) -> pd.DataFrame:
    """ROC AUC and churn rate of each model within each group (e.g. tenure band).

    Parameters
    ----------
    y : Series of bool
        Outcomes, indexed like ``groups``.
    probabilities : dict of str to Series
        Churn probability per model (display name), aligned with ``y``.
    groups : Series
        Group of each customer.

    Returns
    -------
    DataFrame
        Index ``tenure_band`` (the group); columns ``customers``, ``churn_rate`` and one ROC AUC column
        per model (missing when the group has only churners or only stayers).
    """
    y = pd.Series(np.asarray(y).astype(bool), index=groups.index)
    rows = []
    cats = groups.cat.categories if isinstance(groups.dtype, pd.CategoricalDtype) else pd.unique(groups)
    for g in cats:
        m = (groups == g).to_numpy()
        if not m.any():
            continue
        row = {"tenure_band": g, "customers": int(m.sum()), "churn_rate": float(y[m].mean())}
        for name, p in probabilities.items():
            yy, pp = y[m].to_numpy(), np.asarray(p, dtype=float)[m]
            row[name] = roc_auc_score(yy, pp) if 0 < yy.sum() < len(yy) else np.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("tenure_band")


def churn_rate_by(frame: pd.DataFrame, *, columns=None, n_bands: int = 4,
                  max_levels: int = 8) -> pd.DataFrame:
    """Churn rate of each level of each column (numbers cut into bands of equal size).

    Parameters
    ----------
    frame : DataFrame
        A :func:`table_frame` (labelled customers only).
    columns : list of str, optional
        Default: every feature.
    n_bands : int, default 4
        Bands per number column.
    max_levels : int, default 8
        Most common levels shown per text column (the others as "other").

    Returns
    -------
    DataFrame
        Long form: columns ``column``, ``value`` (the level or band, text), ``customers``,
        ``churn_rate`` and ``spread`` (per column: highest minus lowest churn rate of
        its levels with at least 30 customers); sorted by spread, then by level order.
    """
    y = frame["churned"].astype(bool)
    columns = [c for c in frame.columns if c != "churned"] if columns is None else list(columns)
    parts = []
    for c in columns:
        s = frame[c]
        if pd.api.types.is_numeric_dtype(s) and s.nunique() > 2:
            bands = tenure_bands(s, n_bands=n_bands)
            level = bands.astype(object).fillna(MISSING_LEVEL)
            order = list(bands.cat.categories) + [MISSING_LEVEL]
        elif pd.api.types.is_numeric_dtype(s):  # a flag
            level = s.map({1.0: "yes", 0.0: "no"}).fillna(MISSING_LEVEL)
            order = ["yes", "no", MISSING_LEVEL]
        else:
            level = s.fillna(MISSING_LEVEL).astype(str)
            top = level.value_counts().index[:max_levels]
            level = level.where(level.isin(top), OTHER_LEVEL)
            order = list(top) + [OTHER_LEVEL]
        g = y.groupby(level.to_numpy()).agg(customers="size", churn_rate="mean")
        g = g.reindex([o for o in order if o in g.index])
        g.index.name = "value"
        g = g.reset_index().assign(column=str(c))
        big = g.loc[g["customers"] >= 30, "churn_rate"]
        g["spread"] = float(big.max() - big.min()) if len(big) > 1 else 0.0
        g["order"] = np.arange(len(g))
        parts.append(g)
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["spread", "column", "order"], ascending=[False, True, True], kind="stable")
    return out[["column", "value", "customers", "churn_rate", "spread"]].reset_index(drop=True)


def level_effects(model, X: pd.DataFrame, column: str, *, max_rows: int | None = 5_000,
                  random_state: int = 0) -> pd.DataFrame:
    """Average predicted churn with every customer's ``column`` set to each of its levels.

    The partial dependence of a text or flag column (for numbers see
    :func:`~crmkit.analysis.churn.partial_dependence_table`).

    Returns
    -------
    DataFrame
        Columns ``feature``, ``value`` (the level, text) and ``churn_probability``.
    """
    sample = X
    if max_rows is not None and len(X) > max_rows:
        sample = X.sample(max_rows, random_state=random_state)
    s = X[column]
    if pd.api.types.is_numeric_dtype(s):
        levels = [v for v in (1.0, 0.0) if (s == v).any()]
        shown = ["yes" if v == 1.0 else "no" for v in levels]
    else:
        counts = s.dropna().astype(str).value_counts()
        enc = getattr(model, "encoder_", None)
        kept = enc.levels_.get(column) if enc is not None and column in enc.levels_ else None
        levels = [lev for lev in (kept or counts.index) if lev not in (OTHER_LEVEL, MISSING_LEVEL)]
        shown = levels
    rows = []
    for v, name in zip(levels, shown):
        p = model.predict_proba(sample.assign(**{column: v}))[:, 1]
        rows.append({"feature": column, "value": name, "churn_probability": float(p.mean())})
    return pd.DataFrame(rows, columns=["feature", "value", "churn_probability"])


def table_values(frame: pd.DataFrame, *, label, months: int = 12) -> tuple[pd.Series | None, str]:
    """Value per customer for the at-risk list, from the label's ``value`` column.

    Returns
    -------
    (Series or None, str)
        ``customer_value`` indexed like ``frame`` (``value`` x ``months`` for a monthly
        amount, x ``months / 12`` for a yearly one, as is for a value per customer),
        and a phrase saying what it is; ``(None, ...)`` without a value column.
    """
    if label.value is None:
        return None, "no customer value in the table (set analysis.churn.label.value)"
    v = pd.to_numeric(frame[label.value], errors="coerce")
    factor = {"month": months, "year": months / 12, "customer": 1}[label.value_unit]
    what = {"month": f"{label.value} x {months} months", "year": f"{label.value} x {months / 12:g} years",
            "customer": label.value}[label.value_unit]
    return (v * factor).rename("customer_value"), what
