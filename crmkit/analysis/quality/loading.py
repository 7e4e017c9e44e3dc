"""Data quality numbers: rows from the export to the clean data, rows dropped, unknown statuses.

Computed from what the data layer records (:func:`crmkit.data.pipeline.profile_tables`
of the tables as loaded, the cleaning log of :func:`crmkit.data.cleaning.clean`) and
from the clean orders. The sentences built on them are in :mod:`.narrative`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...data.cleaning import CLEANING_REMOVALS, READING_DROPS
from ...data.schema import ORDER_STATUSES

__all__ = ["arrival_table", "column_profile", "dropped_rows", "unknown_statuses", "loaded_revenue"]


def _per_table(log: pd.DataFrame, rules, column: str = "rows_affected") -> pd.Series:
    hit = log[log["rule"].isin(rules)]
    return hit.groupby("table", sort=False)[column].sum()


def arrival_table(profile: pd.DataFrame, cleaning_log: pd.DataFrame) -> pd.DataFrame:
    """Rows of each table from the export to the clean data, and its columns.

    Parameters
    ----------
    profile : DataFrame
        Profile of the tables as loaded (:func:`crmkit.data.pipeline.profile_tables`,
        ``Prepared.profile``): one row per column, with the table's row count.
    cleaning_log : DataFrame
        The cleaning log (``Prepared.cleaning_log``).

    Returns
    -------
    DataFrame
        One row per table, in the profile's order, columns:

        - ``table``
        - ``rows_read``: rows in the export (before anything was dropped)
        - ``dropped_while_reading``: rows dropped by ``on_invalid: drop``
        - ``removed_by_cleaning``: duplicates and future-dated orders removed
        - ``rows_after_cleaning``: rows every report works on
        - ``columns``: canonical columns loaded (the columns the profile lists)

    Examples
    --------
    >>> profile = pd.DataFrame({"table": ["orders"] * 4, "rows": [98] * 4,
    ...                         "column": ["order_id", "customer_id", "order_date", "revenue"]})
    >>> log = pd.DataFrame({"table": ["orders"] * 3, "rows_affected": [2, 3, 0],
    ...                     "rule": ["dropped_unparseable", "exact_duplicates", "outlier"]})
    >>> arrival_table(profile, log).T
                               0
    table                 orders
    rows_read                100
    dropped_while_reading      2
    removed_by_cleaning        3
    rows_after_cleaning       95
    columns                    4
    """
    per = profile.groupby("table", sort=False).agg(rows=("rows", "first"), columns=("column", "size"))
    dropped = _per_table(cleaning_log, READING_DROPS).reindex(per.index, fill_value=0)
    removed = _per_table(cleaning_log, CLEANING_REMOVALS).reindex(per.index, fill_value=0)
    rows = per["rows"].astype("int64")
    return pd.DataFrame({
        "table": per.index,
        "rows_read": (rows + dropped).to_numpy(dtype="int64"),
        "dropped_while_reading": dropped.to_numpy(dtype="int64"),
        "removed_by_cleaning": removed.to_numpy(dtype="int64"),
        "rows_after_cleaning": (rows - removed).to_numpy(dtype="int64"),
        "columns": per["columns"].to_numpy(dtype="int64"),
    })


def loaded_revenue(profile: pd.DataFrame) -> float:
    """Total revenue of the orders as loaded (before cleaning); NaN when unknown."""
    if "total" not in profile.columns:
        return np.nan
    hit = profile[(profile["table"] == "orders") & (profile["column"] == "revenue")]
    return float(hit["total"].iloc[0]) if len(hit) else np.nan


def dropped_rows(profile: pd.DataFrame, cleaning_log: pd.DataFrame) -> pd.DataFrame:
    """Rows dropped while reading, per table and reason.

    Returns
    -------
    DataFrame
        One row per table and dropping rule that dropped rows, columns ``table, rule,
        column`` (the columns concerned, comma-separated), ``rows`` (rows dropped by this
        rule), ``table_dropped`` and ``rows_read`` (all rows dropped from / read for the
        table), ``share`` (table_dropped / rows_read), ``revenue`` (readable revenue of
        the dropped order rows, else NaN) and ``revenue_share`` (of the export's revenue:
        the revenue as loaded plus the revenue dropped).
    """
    cols = ["table", "rule", "column", "rows", "table_dropped", "rows_read", "share",
            "revenue", "revenue_share"]
    arrival = arrival_table(profile, cleaning_log).set_index("table")
    hit = cleaning_log[cleaning_log["rule"].isin(READING_DROPS) & (cleaning_log["rows_affected"] > 0)]
    if hit.empty:
        return pd.DataFrame(columns=cols)
    out = hit[["table", "rule", "column", "rows_affected"]].rename(columns={"rows_affected": "rows"})
    out["table_dropped"] = out["table"].map(arrival["dropped_while_reading"])
    out["rows_read"] = out["table"].map(arrival["rows_read"])
    out["share"] = out["table_dropped"] / out["rows_read"]
    out["revenue"] = hit["revenue"].to_numpy(dtype="float64") if "revenue" in hit else np.nan
    dropped_revenue = out.groupby("table")["revenue"].transform(lambda r: r.sum(min_count=1))
    out["revenue_share"] = out["revenue"] / (loaded_revenue(profile) + dropped_revenue)
    return out[cols].reset_index(drop=True)


def unknown_statuses(orders: pd.DataFrame) -> pd.DataFrame:
    """Orders whose status word is neither known nor mapped (``cleaning: status_map``).

    Such orders count as neither purchases nor returns (see
    :func:`crmkit.data.purchases.is_purchase`).

    Parameters
    ----------
    orders : DataFrame
        Clean orders.

    Returns
    -------
    DataFrame
        One row per unknown word, most revenue first, columns ``status, orders,
        revenue, revenue_share`` (share of the revenue of all orders); empty when every
        status is known.

    Examples
    --------
    >>> o = pd.DataFrame({"status": ["completed", "退款成功", "待付款", "退款成功"],
    ...                   "revenue": [60.0, 10.0, 5.0, 25.0]})
    >>> unknown_statuses(o).values.tolist()
    [['退款成功', 2, 35.0, 0.35], ['待付款', 1, 5.0, 0.05]]
    """
    cols = ["status", "orders", "revenue", "revenue_share"]
    if "status" not in orders.columns:
        return pd.DataFrame(columns=cols)
    unknown = orders["status"].notna() & ~orders["status"].isin(ORDER_STATUSES)
    if not unknown.any():
        return pd.DataFrame(columns=cols)
    total = orders["revenue"].sum()
    out = (orders.loc[unknown].groupby("status", sort=False)["revenue"]
           .agg(orders="size", revenue="sum").reset_index())
    out["revenue_share"] = out["revenue"] / total if total else np.nan
    out["orders"] = out["orders"].astype("int64")
    return (out.sort_values(["revenue", "orders"], ascending=False, kind="stable")[cols]
            .reset_index(drop=True))


_KINDS = (("datetime", "date"), ("bool", "yes/no"), ("int", "whole number"), ("float", "number"),
          ("category", "label"), ("str", "text"), ("object", "text"))


def _kind(dtype: str) -> str:
    d = dtype.lower()
    return next((word for key, word in _KINDS if key in d), "text")


def column_profile(profile: pd.DataFrame) -> pd.DataFrame:
    """The columns as loaded, for a reader: kind of value in words, gaps, distinct values.

    Parameters
    ----------
    profile : DataFrame
        ``Prepared.profile`` (:func:`crmkit.data.pipeline.profile_tables`).

    Returns
    -------
    DataFrame
        Columns ``table``, ``column``, ``kind`` (date, number, whole number, yes/no,
        label, text: never a pandas dtype), ``rows``, ``missing``, ``missing_share``,
        ``distinct``, ``example``.

    Examples
    --------
    >>> p = pd.DataFrame({"table": ["orders"] * 2, "column": ["order_date", "revenue"],
    ...                   "dtype": ["datetime64[us]", "float64"], "rows": [3, 3], "missing": [0, 1],
    ...                   "missing_share": [0.0, 1 / 3], "distinct": [3, 2], "example": ["2025-01-01", "9.5"]})
    >>> column_profile(p)["kind"].tolist()
    ['date', 'number']
    >>> flag = p.iloc[:1].assign(column="is_complaint", dtype="bool", example="False")
    >>> column_profile(flag)[["kind", "example"]].iloc[0].tolist()
    ['yes/no', 'no']
    """
    out = profile.copy()
    out.insert(2, "kind", out.pop("dtype").astype(str).map(_kind))
    # an example of a yes/no column reads yes or no, not Python's True/False
    flags = out["kind"].eq("yes/no")
    out.loc[flags, "example"] = out.loc[flags, "example"].replace({"True": "yes", "False": "no"})
    return out[["table", "column", "kind", "rows", "missing", "missing_share", "distinct", "example"]]
