"""Who to call back: open complaints of high-value customers and recent detractors with a high CLV."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .scores import nps_group
from .service import backlog

__all__ = ["CALLBACK_COLUMNS", "callback_list"]

CALLBACK_COLUMNS = ["customer_id", "priority", "reason", "customer_value", "value_tier",
                    "open_complaints", "oldest_open_days", "last_nps", "last_answer"]
"""Columns of :func:`callback_list` (and of ``satisfaction_callbacks.csv``): IDs only."""


def callback_list(*, as_of, value: pd.Series, tickets: pd.DataFrame | None = None,
                  surveys: pd.DataFrame | None = None, value_tiers: pd.Series | None = None,
                  callback_days: int = 30, value_quantile: float = 0.8) -> tuple[pd.DataFrame, float]:
    """The customers to call back, most valuable first.

    A customer is on the list when their value is *high* (at or above the
    ``value_quantile`` quantile of ``value`` among customers with a value, or in the
    ``high`` value tier) and either

    - has a complaint still open at the end of ``as_of``, or
    - gave a detractor answer (NPS 0-6) in the ``callback_days`` up to ``as_of`` (their
      latest answer in that window).

    Parameters
    ----------
    as_of : date-like
    value : Series
        Customer value per ``customer_id`` (expected CLV, or past spend).
    tickets, surveys : DataFrame, optional
    value_tiers : Series, optional
        Value tier per ``customer_id`` (shown, and ``high`` counts as high value).
    callback_days : int, default 30
    value_quantile : float, default 0.8

    Returns
    -------
    (DataFrame, float)
        The list (:data:`CALLBACK_COLUMNS`; ``priority`` 1 = call first; one row per
        customer, reasons joined with "; ") and the value threshold used.

    Examples
    --------
    >>> v = pd.Series({"a": 500.0, "b": 50.0, "c": 900.0, "d": 800.0})
    >>> t = pd.DataFrame({"customer_id": ["a", "b"], "is_complaint": True,
    ...                   "created_at": pd.to_datetime(["2025-06-20", "2025-06-25"]),
    ...                   "resolved_at": pd.NaT})
    >>> s = pd.DataFrame({"customer_id": ["c", "d"], "nps_score": [3, 9],
    ...                   "survey_date": pd.to_datetime(["2025-06-28", "2025-06-28"])})
    >>> out, cut = callback_list(as_of="2025-06-30", value=v, tickets=t, surveys=s, value_quantile=0.25)
    >>> out["customer_id"].tolist(), out["reason"].tolist()
    (['c', 'a'], ['detractor (NPS 3) on 2025-06-28', 'open complaint, 11 days old'])
    """
    v = value.astype(float)
    v = v[np.isfinite(v)]
    threshold = float(v.quantile(value_quantile)) if len(v) else np.inf
    high = set(v.index[v >= threshold])
    if value_tiers is not None:
        high |= set(value_tiers.index[value_tiers.astype(str) == "high"])
    parts = []
    if tickets is not None and len(tickets):
        op = backlog(tickets, as_of=as_of)
        op = op.loc[op["is_complaint"]]
        g = op.groupby("customer_id")["age_days"].agg(["size", "max"])
        g.columns = ["open_complaints", "oldest_open_days"]
        parts.append(g)
    if surveys is not None and len(surveys) and "nps_score" in surveys.columns:
        end = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
        s = surveys.loc[(surveys["survey_date"] < end)
                        & (surveys["survey_date"] >= end - pd.Timedelta(days=int(callback_days)))
                        & surveys["nps_score"].notna()]
        s = s.sort_values("survey_date", kind="stable").drop_duplicates("customer_id", keep="last")
        s = s.loc[nps_group(s["nps_score"]) == "detractor"]
        parts.append(pd.DataFrame({"last_nps": s["nps_score"].astype(float).to_numpy(),
                                   "last_answer": s["survey_date"].dt.normalize().to_numpy()},
                                  index=pd.Index(s["customer_id"].to_numpy(), name="customer_id")))
    if not parts:
        return pd.DataFrame(columns=CALLBACK_COLUMNS), threshold
    out = pd.concat(parts, axis=1)
    out = out.loc[out.index.isin(high)]
    for col in ("open_complaints", "oldest_open_days", "last_nps", "last_answer"):
        if col not in out:
            out[col] = np.nan if col != "last_answer" else pd.NaT
    out["open_complaints"] = out["open_complaints"].fillna(0).astype(np.int64)
    reasons = []
    for n_open, age, nps, day in zip(out["open_complaints"], out["oldest_open_days"], out["last_nps"],
                                     out["last_answer"]):
        r = []
        if n_open:
            r.append(f"{'open complaint' if n_open == 1 else f'{n_open} open complaints'}, "
                     f"{int(np.floor(age))} days old")
        if pd.notna(nps):
            r.append(f"detractor (NPS {int(nps)}) on {pd.Timestamp(day):%Y-%m-%d}")
        reasons.append("; ".join(r))
    out["reason"] = reasons
    out["customer_value"] = v.reindex(out.index).to_numpy()
    tiers = value_tiers.astype(object) if value_tiers is not None else pd.Series(dtype=object)
    out["value_tier"] = tiers.reindex(out.index).to_numpy()
    out.index.name = "customer_id"
    out = out.reset_index().sort_values(["customer_value", "customer_id"], ascending=[False, True],
                                        kind="stable", na_position="last")
    out["priority"] = np.arange(1, len(out) + 1)
    out["oldest_open_days"] = np.floor(out["oldest_open_days"])
    return out[CALLBACK_COLUMNS].reset_index(drop=True), threshold
