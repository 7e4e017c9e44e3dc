"""NPS and CSAT with confidence intervals: overall, by month, by group, period against period.

Definitions (the same as the KPI overview):

- **NPS** = % promoters (answers 9-10) - % detractors (0-6) among the NPS answers, from
  -100 to +100; passives (7-8) count in the denominator only.
- **CSAT** = share of CSAT answers of 4 or 5 on the 1-5 scale.

**Interval of the NPS.** Each answer is promoter, passive or detractor: a multinomial
with shares ``p_pro``, ``p_pas``, ``p_det``. The NPS / 100 is ``p_pro - p_det``, a
difference of two shares of the same sample, with variance

    Var(NPS / 100) = (p_pro + p_det - (p_pro - p_det)^2) / n

(the covariance of two multinomial shares is ``-p_pro p_det / n``). The interval is
``NPS +- z * 100 * sqrt(Var)``, cut to [-100, 100]. When every answer falls in one
category the variance is 0 and that interval would have no width; then a
**Wilson-type bound** is used instead: the Wilson lower bound ``L = n / (n + z^2)`` of
the observed category's share, with the remaining ``1 - L`` placed in the most
favourable and the least favourable category (all promoters, n = 10: 45 to 100).
No answers give NaN, never an error.

**Interval of the CSAT**: the Wilson score interval of a share.

**Change between two periods** (:func:`compare_scores`): the two samples are
independent, so the variance of the difference is the sum of the two variances; a
change is *larger than noise* when its interval excludes 0 (a two-sided z-test at the
level ``1 - confidence``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ...data.purchases import purchases

__all__ = [
    "nps_interval",
    "csat_interval",
    "score_table",
    "score_trend",
    "compare_scores",
    "answer_context",
    "order_categories",
    "response_rate",
    "nps_group",
]


def _z(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def nps_group(scores) -> np.ndarray:
    """``promoter`` (9-10), ``passive`` (7-8), ``detractor`` (0-6) or ``""`` (no answer).

    Examples
    --------
    >>> nps_group(pd.array([10, 8, 6, None], dtype="Int64")).tolist()
    ['promoter', 'passive', 'detractor', '']
    """
    v = pd.to_numeric(pd.Series(scores), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    out = np.where(v >= 9, "promoter", np.where(v >= 7, "passive", "detractor"))
    return np.where(np.isnan(v), "", out).astype(object)


def _nps_arrays(promoters, passives, detractors, z: float):
    """Vectorised NPS, standard error and interval from category counts."""
    pro = np.asarray(promoters, dtype=float)
    pas = np.asarray(passives, dtype=float)
    det = np.asarray(detractors, dtype=float)
    n = pro + pas + det
    with np.errstate(divide="ignore", invalid="ignore"):
        p, d = pro / n, det / n
        nps = 100 * (p - d)
        var = np.maximum(p + d - (p - d) ** 2, 0.0) / n
        se = 100 * np.sqrt(var)
        lo = np.clip(nps - z * se, -100, 100)
        hi = np.clip(nps + z * se, -100, 100)
        # one category only: Wilson lower bound of its share, the rest to either extreme
        single = (n > 0) & (np.maximum(np.maximum(pro, pas), det) == n)
        rest = 1 - n / (n + z * z)
        lo_single = nps - 100 * rest * np.where(p == 1, 2, 1)
        hi_single = nps + 100 * rest * np.where(d == 1, 2, 1)
    lo = np.where(single, np.clip(lo_single, -100, 100), lo)
    hi = np.where(single, np.clip(hi_single, -100, 100), hi)
    method = np.where(single, "Wilson bound (one category only)", "multinomial variance")
    empty = n == 0
    return (n, np.where(empty, np.nan, nps), np.where(empty, np.nan, se),
            np.where(empty, np.nan, lo), np.where(empty, np.nan, hi), np.where(empty, "", method))


def nps_interval(scores, *, confidence: float = 0.95) -> dict:
    """NPS of a set of 0-10 answers with its confidence interval.

    Parameters
    ----------
    scores : array-like of int
        NPS answers (missing values are ignored).
    confidence : float, default 0.95

    Returns
    -------
    dict
        ``n`` (answers), ``promoters``, ``passives``, ``detractors`` (shares), ``nps``,
        ``se`` (standard error, NPS points), ``low``, ``high`` and ``method`` (which
        interval was used). NaN values when there are no answers.

    Examples
    --------
    >>> r = nps_interval([10, 9, 7, 3, 0])
    >>> r["nps"], round(r["se"], 2), r["method"]
    (0.0, 40.0, 'multinomial variance')
    >>> r = nps_interval([10] * 10)
    >>> r["nps"], round(r["low"], 1), r["high"], r["se"]
    (100.0, 44.5, 100.0, 0.0)
    >>> nps_interval([])["nps"]
    nan
    """
    v = pd.to_numeric(pd.Series(scores, dtype="Float64"), errors="coerce").dropna().to_numpy(dtype=float)
    pro, det = float((v >= 9).sum()), float((v <= 6).sum())
    pas = float(len(v)) - pro - det
    n, nps, se, lo, hi, method = _nps_arrays([pro], [pas], [det], _z(confidence))
    shares = (pro / n[0], pas / n[0], det / n[0]) if n[0] else (np.nan, np.nan, np.nan)
    return {"n": int(n[0]), "promoters": shares[0], "passives": shares[1], "detractors": shares[2],
            "nps": float(nps[0]), "se": float(se[0]), "low": float(lo[0]), "high": float(hi[0]),
            "method": str(method[0]) or "no answers"}


def _wilson(k, n, z: float):
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    empty = n == 0
    return (np.where(empty, np.nan, p), np.where(empty, np.nan, np.clip(centre - half, 0, 1)),
            np.where(empty, np.nan, np.clip(centre + half, 0, 1)))


def csat_interval(scores, *, confidence: float = 0.95) -> dict:
    """CSAT (share of answers 4 or 5 on 1-5) with its Wilson interval.

    Examples
    --------
    >>> r = csat_interval([5, 4, 3, 1])
    >>> r["csat"], round(r["low"], 3), round(r["high"], 3)
    (0.5, 0.15, 0.85)
    >>> csat_interval([5, 5])["high"], csat_interval([])["n"]
    (1.0, 0)
    """
    v = pd.to_numeric(pd.Series(scores, dtype="Float64"), errors="coerce").dropna().to_numpy(dtype=float)
    p, lo, hi = _wilson([float((v >= 4).sum())], [float(len(v))], _z(confidence))
    return {"n": int(len(v)), "csat": float(p[0]), "low": float(lo[0]), "high": float(hi[0])}


def score_table(surveys: pd.DataFrame, *, by=None, confidence: float = 0.95,
                min_responses: int = 30) -> pd.DataFrame:
    """NPS and CSAT with intervals, overall or per group.

    Parameters
    ----------
    surveys : DataFrame
        Survey answers with ``nps_score`` and/or ``csat_score`` (and the ``by`` column).
    by : str or Series, optional
        Column name, or a Series aligned with ``surveys``, to group by. Missing labels
        form the group ``"unknown"``.
    confidence : float, default 0.95
    min_responses : int, default 30
        Groups with fewer NPS answers get ``small = True``.

    Returns
    -------
    DataFrame
        One row per group (index named after ``by``; one row ``"all"`` without
        ``by``), sorted by NPS answers, columns ``responses`` (NPS answers, int),
        ``promoters``, ``passives``, ``detractors`` (shares), ``nps``, ``nps_low``,
        ``nps_high`` (points), ``csat_responses`` (int), ``csat``, ``csat_low``,
        ``csat_high`` (shares), ``small`` (bool).
    """
    z = _z(confidence)
    n_rows = len(surveys)
    nps = (pd.to_numeric(surveys["nps_score"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
           if "nps_score" in surveys.columns else np.full(n_rows, np.nan))
    csat = (pd.to_numeric(surveys["csat_score"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            if "csat_score" in surveys.columns else np.full(n_rows, np.nan))
    if by is None:
        codes, labels, name = np.zeros(n_rows, dtype=np.int64), pd.Index(["all"]), "group"
    else:
        key = surveys[by] if isinstance(by, str) else pd.Series(by)
        name = getattr(key, "name", None) or "group"
        codes, labels = pd.factorize(pd.Series(key).to_numpy(), use_na_sentinel=True)
        labels = pd.Index(labels)
        if (codes < 0).any():  # missing labels form the group "unknown"
            codes = np.where(codes < 0, len(labels), codes)
            labels = labels.astype(object).append(pd.Index(["unknown"], dtype=object))
    k = len(labels)

    def count(mask):
        return np.bincount(codes[mask], minlength=k).astype(float)

    g = pd.DataFrame({"pro": count(nps >= 9), "pas": count((nps >= 7) & (nps < 9)), "det": count(nps <= 6),
                      "csat_n": count(~np.isnan(csat)), "csat_ok": count(csat >= 4)},
                     index=pd.Index(labels, name=name))
    n, score, _se, lo, hi, _m = _nps_arrays(g["pro"], g["pas"], g["det"], z)
    c, c_lo, c_hi = _wilson(g["csat_ok"], g["csat_n"], z)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = pd.DataFrame({
            "responses": n.astype(np.int64),
            "promoters": g["pro"] / n, "passives": g["pas"] / n, "detractors": g["det"] / n,
            "nps": score, "nps_low": lo, "nps_high": hi,
            "csat_responses": g["csat_n"].astype(np.int64).to_numpy(),
            "csat": c, "csat_low": c_lo, "csat_high": c_hi,
        }, index=g.index)
    out["small"] = out["responses"] < int(min_responses)
    return out.sort_values(["responses", "csat_responses"], ascending=False, kind="stable")


def score_trend(surveys: pd.DataFrame, *, as_of=None, freq: str = "M",
                confidence: float = 0.95) -> pd.DataFrame:
    """NPS and CSAT per month (or other pandas period ``freq``) up to ``as_of``.

    Returns
    -------
    DataFrame
        Index ``month`` (first day of each period, every period from the first answer
        to ``as_of`` even when empty), columns of :func:`score_table`.
    """
    s = surveys
    if as_of is not None:
        s = s.loc[s["survey_date"] < pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)]
    if s.empty:
        return score_table(s, by=pd.Series([], dtype=object), confidence=confidence).rename_axis("month")
    if freq == "M":  # the common case, without building a million Period objects
        month = pd.Series(s["survey_date"].to_numpy().astype("datetime64[M]").astype("datetime64[ns]"),
                          index=s.index, name="month")
    else:
        month = s["survey_date"].dt.to_period(freq).dt.start_time.rename("month")
    t = score_table(s, by=month, confidence=confidence, min_responses=1)
    t.index = pd.to_datetime(t.index)
    last = pd.Timestamp(as_of) if as_of is not None else s["survey_date"].max()
    full = pd.period_range(month.min(), last, freq=freq).start_time
    t = t.reindex(full)
    for col in ("responses", "csat_responses"):
        t[col] = t[col].fillna(0).astype(np.int64)
    t["small"] = t["small"].fillna(True).astype(bool)
    t.index.name = "month"
    return t


def compare_scores(current: pd.DataFrame, previous: pd.DataFrame, *,
                   confidence: float = 0.95) -> pd.DataFrame:
    """NPS and CSAT of two periods, the change in points and whether it exceeds noise.

    Parameters
    ----------
    current, previous : DataFrame
        The survey answers of each period.
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        Index ``measure`` (``nps``, ``csat``), columns ``value``, ``previous`` (NPS in
        points, CSAT as a share), ``change`` (same units), ``change_low``,
        ``change_high`` (interval of the change), ``p_value`` (two-sided z-test of no
        change), ``beyond_noise`` (bool: the interval excludes 0), ``n``, ``n_previous``.

    Examples
    --------
    >>> a = pd.DataFrame({"nps_score": [10] * 60 + [0] * 40, "csat_score": 5})
    >>> b = pd.DataFrame({"nps_score": [10] * 40 + [0] * 60, "csat_score": 5})
    >>> c = compare_scores(a, b)
    >>> round(float(c.loc["nps", "change"]), 6), round(float(c.loc["nps", "change_low"]), 1)
    (40.0, 12.8)
    >>> bool(c.loc["nps", "beyond_noise"])
    True
    """
    z = _z(confidence)
    rows = {}
    cur_n = nps_interval(current["nps_score"] if "nps_score" in current else [], confidence=confidence)
    prev_n = nps_interval(previous["nps_score"] if "nps_score" in previous else [], confidence=confidence)
    rows["nps"] = (cur_n["nps"], prev_n["nps"], cur_n["se"], prev_n["se"], cur_n["n"], prev_n["n"])
    cur_c = csat_interval(current["csat_score"] if "csat_score" in current else [], confidence=confidence)
    prev_c = csat_interval(previous["csat_score"] if "csat_score" in previous else [], confidence=confidence)
    se_c = [np.sqrt(r["csat"] * (1 - r["csat"]) / r["n"]) if r["n"] else np.nan for r in (cur_c, prev_c)]
    rows["csat"] = (cur_c["csat"], prev_c["csat"], se_c[0], se_c[1], cur_c["n"], prev_c["n"])
    out = []
    for measure, (v, p, s1, s0, n1, n0) in rows.items():
        diff = float(v - p)
        se = float(np.sqrt(s1 ** 2 + s0 ** 2))
        if np.isfinite(se) and se > 0:
            pval = float(2 * stats.norm.sf(abs(diff) / se))
            lo, hi = diff - z * se, diff + z * se
        else:
            pval, lo, hi = np.nan, np.nan, np.nan
        beyond = bool(np.isfinite(lo) and (lo > 0 or hi < 0))
        out.append({"measure": measure, "value": v, "previous": p, "change": diff, "change_low": lo,
                    "change_high": hi, "p_value": pval, "beyond_noise": beyond, "n": n1, "n_previous": n0})
    return pd.DataFrame(out).set_index("measure")


# --------------------------------------------------------------------------- context of an answer
def order_categories(order_items: pd.DataFrame, products: pd.DataFrame) -> pd.Series:
    """Main product category of each order: the category with the largest line value.

    Returns
    -------
    Series ``category`` indexed by ``order_id``.

    Examples
    --------
    >>> items = pd.DataFrame({"order_id": ["o1", "o1", "o2"], "product_id": ["a", "b", "b"],
    ...                       "quantity": [1.0, 3.0, 1.0], "unit_price": [10.0, 5.0, 5.0]})
    >>> prods = pd.DataFrame({"product_id": ["a", "b"], "category": ["food", "home"]})
    >>> order_categories(items, prods).to_dict()
    {'o1': 'home', 'o2': 'home'}
    """
    it = order_items[["order_id", "product_id", "quantity", "unit_price"]].merge(
        products[["product_id", "category"]], on="product_id", how="left")
    it["value"] = it["quantity"].astype(float) * it["unit_price"].astype(float)
    by_cat = it.groupby(["order_id", "category"], sort=False)["value"].sum().reset_index()
    top = by_cat.sort_values(["order_id", "value"], ascending=[True, False], kind="stable")
    top = top.drop_duplicates("order_id")
    return top.set_index("order_id")["category"]


def answer_context(surveys: pd.DataFrame, *, orders: pd.DataFrame | None = None,
                   customers: pd.DataFrame | None = None, order_items: pd.DataFrame | None = None,
                   products: pd.DataFrame | None = None, value_tiers: pd.Series | None = None,
                   segments: pd.Series | None = None) -> pd.DataFrame:
    """Survey answers with what they can be grouped by.

    Each answer is linked to the customer's last purchase at or before it (the
    purchase it is most likely about) for ``sales_channel`` and product ``category``.

    Parameters
    ----------
    surveys : DataFrame
        Canonical survey answers.
    orders, customers, order_items, products : DataFrame, optional
        Canonical tables; each adds the columns it can.
    value_tiers, segments : Series, optional
        Per ``customer_id`` (e.g. from :func:`crmkit.analysis.lifecycle.value_tiers_at`
        and :func:`crmkit.analysis.segmentation.segment_customers`); customers without
        one get ``"no purchase in the window"`` / ``"unknown"``.

    Returns
    -------
    DataFrame
        ``surveys`` (same rows and order) plus, where the inputs allow,
        ``nps_group``, ``acquisition_channel``, ``region``, ``crm_segment``,
        ``sales_channel``, ``category``, ``value_tier`` and ``segment``.
    """
    out = surveys.copy()
    out["nps_group"] = nps_group(out["nps_score"]) if "nps_score" in out else ""
    if customers is not None:
        cols = [c for c in ("acquisition_channel", "region", "crm_segment") if c in customers.columns]
        if cols:
            info = customers.drop_duplicates("customer_id").set_index("customer_id")[cols]
            out = out.join(info, on="customer_id")
    if orders is not None and len(out):
        p = purchases(orders)
        keep = ["customer_id", "order_date", "order_id"] + (["sales_channel"] if "sales_channel" in p else [])
        p = p[keep].sort_values("order_date", kind="stable")
        left = out[["customer_id", "survey_date"]].reset_index().sort_values("survey_date", kind="stable")
        left["survey_date"] = left["survey_date"].astype(p["order_date"].dtype)
        linked = pd.merge_asof(left, p, left_on="survey_date", right_on="order_date", by="customer_id",
                               direction="backward").set_index("index").reindex(out.index)
        if "sales_channel" in linked:
            out["sales_channel"] = linked["sales_channel"].to_numpy()
        if order_items is not None and products is not None and "category" in products.columns:
            cat = order_categories(order_items, products)
            out["category"] = linked["order_id"].map(cat).to_numpy()
    if value_tiers is not None:
        t = out["customer_id"].map(value_tiers.astype(object))
        out["value_tier"] = t.where(t.notna(), "no purchase in the window")
    if segments is not None:
        s = out["customer_id"].map(segments.astype(object))
        out["segment"] = s.where(s.notna(), "unknown")
    return out


def response_rate(surveys: pd.DataFrame, orders: pd.DataFrame, *, start, as_of) -> dict:
    """Answers per purchase and responding customers per buying customer in a window.

    A survey is sent after a purchase, so the response rate is the number of answers
    divided by the number of purchases in the same days (answers to purchases just
    before the window and purchases whose survey comes after it roughly cancel out).

    Returns
    -------
    dict
        ``answers``, ``purchases``, ``response_rate`` (answers / purchases),
        ``respondents``, ``buyers``, ``respondent_share`` (respondents / buyers).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a", "b", "c"], "revenue": 10.0,
    ...                   "order_date": pd.to_datetime(["2025-01-02", "2025-01-05", "2025-01-09", "2025-02-01"])})
    >>> s = pd.DataFrame({"customer_id": ["a"], "survey_date": pd.to_datetime(["2025-01-06"])})
    >>> r = response_rate(s, o, start="2025-01-01", as_of="2025-01-31")
    >>> r["response_rate"], r["respondent_share"]
    (0.3333333333333333, 0.5)
    """
    lo = pd.Timestamp(start).normalize()
    hi = pd.Timestamp(as_of).normalize() + pd.Timedelta(days=1)
    s = surveys.loc[(surveys["survey_date"] >= lo) & (surveys["survey_date"] < hi)]
    p = purchases(orders, start=lo, as_of=pd.Timestamp(as_of))
    answers, n_p = len(s), len(p)
    respondents, buyers = s["customer_id"].nunique(), p["customer_id"].nunique()
    return {"answers": answers, "purchases": n_p,
            "response_rate": answers / n_p if n_p else np.nan,
            "respondents": respondents, "buyers": buyers,
            "respondent_share": respondents / buyers if buyers else np.nan}
