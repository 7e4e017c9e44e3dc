"""Customer lifetime value: findings in words and the planted-truth recovery.

Sentences and workshop checks computed from the tables of :mod:`crmkit.analysis.clv`; kept apart from the
computation so the analysis functions stay pure and testable on their own.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ... import fmt
from ...data.purchases import purchases
from . import models as _clv
from .evaluation import (
    _MODEL_NAMES,
    _Z95,
    METHOD_LABELS,
    HoldoutPlan,
    _day,
    _derived,
    _derived_specs,
    concentration,
)

__all__ = [
    "errors_display",
    "operational_summary",
    "planted_recovery",
    "recovery_display",
    "clv_findings",
    "recovery_findings",
    "clv_summary",
    "clv_actions",
]


def errors_display(errors: pd.DataFrame) -> pd.DataFrame:
    """:func:`holdout_errors` with the column names a report shows.

    Returns
    -------
    DataFrame
        Columns ``method``, ``predicted purchases``, ``actual purchases``, ``total
        error``, ``mean abs. error per customer`` and ``RMSE``.
    """
    return errors.rename(columns={
        "label": "method", "predicted": "predicted purchases", "actual": "actual purchases",
        "total_error": "total error", "mae": "mean abs. error per customer", "rmse": "RMSE"})


def operational_summary(orders: pd.DataFrame, intensity: pd.Series, *, as_of) -> pd.DataFrame:
    """BTYD summary in *operational* days: the calendar clock stretched by an intensity.

    A day with intensity 1.8 (a festival) counts as 1.8 operational days. Purchases
    that follow a BG/NBD process in operational time (as in the synthetic demo, whose
    ``truth["seasonality"]["daily"]`` is this intensity) give an exact BG/NBD summary
    here, up to the time of day of each purchase. Every purchase counts (orders on the same day are not merged).

    Parameters
    ----------
    orders : DataFrame
        Canonical orders (purchases are selected here: completed, revenue > 0).
    intensity : Series
        Daily intensity indexed by consecutive calendar days covering the orders.
    as_of : date-like
        Last day included; ``T`` runs to the end of that day.

    Returns
    -------
    DataFrame
        Index ``customer_id``; ``frequency`` (purchases - 1), ``recency``, ``T`` (in
        operational days) and ``monetary_value`` (mean value of the purchases after
        the first); ``attrs["time_unit"] == "D"``.
    """
    p = purchases(orders)
    end_x = _day(as_of) + pd.Timedelta(days=1)
    p = p.loc[p["order_date"] < end_x]
    days0 = _day(intensity.index[0])
    s = intensity.to_numpy(dtype=float)
    cum = np.r_[0.0, np.cumsum(s)]
    offset = (p["order_date"] - days0).to_numpy().astype("timedelta64[us]").astype(np.int64) / 86_400e6
    day = np.floor(offset).astype(np.int64)
    n_end = (end_x - days0).days
    if len(day) and (day.min() < 0 or day.max() >= len(s) or n_end > len(s)):
        raise ValueError("intensity does not cover every order date and the end day")
    op = cum[day] + s[day] * (offset - day)
    d = pd.DataFrame({"customer_id": p["customer_id"].to_numpy(), "op": op,
                      "revenue": p["revenue"].to_numpy(dtype=float)}).sort_values(
        ["customer_id", "op"], kind="mergesort")
    g = d.groupby("customer_id", sort=True)
    first, last, n = g["op"].min(), g["op"].max(), g.size()
    first_rev = g["revenue"].first()
    total = g["revenue"].sum()
    x = n - 1
    out = pd.DataFrame({
        "frequency": x.astype("int64"),
        "recency": last - first,
        "T": cum[n_end] - first,
        "monetary_value": np.where(x > 0, (total - first_rev) / x.where(x > 0, 1), 0.0),
    })
    out.index.name = "customer_id"
    out.attrs["time_unit"] = "D"
    return out


def _recovery_rows(model, key, summary, planted, ctype, clock):
    sf = model.summary_frame(summary)
    rows = []
    for name in model._param_names:
        est, se = sf.loc[name, "estimate"], sf.loc[name, "std_error"]
        rows.append((ctype, clock, _MODEL_NAMES[key], name, planted[name], est, se))
    for name, _, f in _derived_specs("day")[key]:
        est, se = _derived(model, summary, f)
        rows.append((ctype, clock, _MODEL_NAMES[key], name, f(planted), est, se))
    return rows


def planted_recovery(orders: pd.DataFrame, truth: dict, *, as_of,
                     clocks=("calendar", "operational")) -> pd.DataFrame:
    """Fit BG/NBD and Gamma-Gamma per planted customer type; compare with the truth.

    Customers of one type share one set of planted parameters
    (``truth["bgnbd"][type]``, ``truth["gamma_gamma"][type]``, time in days). Two
    clocks:

    - ``calendar``: :func:`crmkit.analysis.clv.btyd_summary` in days, what an analyst sees
      (purchases on the same day merged; the seasonal time warp left in);
    - ``operational``: :func:`operational_summary` with the planted daily intensity,
      every order counted: the exact BG/NBD data of the generator.

    Parameters
    ----------
    orders : DataFrame
        Canonical orders of the demo (use :func:`model_orders` to drop outliers).
    truth : dict
        ``Dataset.truth`` of the demo (``customers``, ``bgnbd``, ``gamma_gamma``,
        ``seasonality["daily"]``).
    as_of : date-like
        Last day included.
    clocks : sequence of str, default ("calendar", "operational")

    Returns
    -------
    DataFrame
        Long form: ``customer_type``, ``clock``, ``model``, ``quantity`` (r, alpha,
        a, b, mean purchase rate, mean dropout probability, p, q, gamma, mean order
        value, ...), ``planted``, ``estimate``, ``std_error``, ``z`` (log-scale
        distance of the planted value in standard errors), ``customers``.
    """
    types = truth["customers"].set_index("customer_id")["customer_type"]
    summaries = {}
    for clock in clocks:
        if clock == "calendar":
            s = _clv.btyd_summary(orders, as_of=as_of, time_unit="D")
        elif clock == "operational":
            s = operational_summary(orders, truth["seasonality"]["daily"], as_of=as_of)
        else:
            raise ValueError(f"clock must be 'calendar' or 'operational', got {clock!r}")
        summaries[clock] = s
    rows = []
    for ctype in truth["bgnbd"]:
        for clock, s in summaries.items():
            sub = s.loc[s.index.isin(types.index[types == ctype])]
            sub.attrs["time_unit"] = "D"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                bg = _clv.BetaGeoModel().fit(sub)
                gg = _clv.GammaGammaModel().fit(sub)
            n = len(sub)
            rows += [r + (n,) for r in _recovery_rows(bg, "bgnbd", sub, truth["bgnbd"][ctype],
                                                      ctype, clock)]
            rows += [r + (n,) for r in _recovery_rows(gg, "gamma_gamma", sub,
                                                      truth["gamma_gamma"][ctype], ctype, clock)]
    out = pd.DataFrame(rows, columns=["customer_type", "clock", "model", "quantity", "planted",
                                      "estimate", "std_error", "customers"])
    out["z"] = (np.log(out["estimate"]) - np.log(out["planted"])) / (out["std_error"] / out["estimate"])
    return out[["customer_type", "clock", "model", "quantity", "planted", "estimate",
                "std_error", "z", "customers"]]


def recovery_display(recovery: pd.DataFrame, *, k: float = 3.0) -> pd.DataFrame:
    """Wide table for the report: planted value and each clock's estimate side by side.

    Parameters
    ----------
    recovery : DataFrame
        From :func:`planted_recovery`.
    k : float, default 3
        A planted value within ``k`` standard errors counts as recovered.

    Returns
    -------
    DataFrame
        One row per (customer type, quantity): ``customer type``, ``model``,
        ``quantity``, ``planted``, then per clock ``<clock> estimate``,
        ``<clock> ± 95%`` (1.96 standard errors) and ``<clock> recovered`` (yes/no).
    """
    keys = ["customer_type", "model", "quantity"]
    base = recovery.drop_duplicates(keys)[keys + ["planted"]].reset_index(drop=True)
    for clock, d in recovery.groupby("clock", sort=False):
        d = d.set_index(keys)
        idx = pd.MultiIndex.from_frame(base[keys])
        base[f"{clock} estimate"] = d["estimate"].reindex(idx).to_numpy()
        base[f"{clock} ± 95%"] = (_Z95 * d["std_error"]).reindex(idx).to_numpy()
        base[f"{clock} recovered"] = np.where(d["z"].reindex(idx).abs().to_numpy() <= k, "yes", "no")
    return base.rename(columns={"customer_type": "customer type"})


def clv_findings(*, plan: HoldoutPlan, historical: pd.Series, simple: pd.DataFrame,
                 errors: pd.DataFrame | None, predictions: pd.DataFrame | None,
                 horizon_months: int, discount_rate: float, currency: str = "",
                 model: str | None = "bgnbd",
                 realised: pd.DataFrame | None = None,
                 recovery: pd.DataFrame | None = None) -> list[str]:
    """Findings of the CLV report as sentences computed from the data.

    Parameters
    ----------
    plan : HoldoutPlan
    historical : Series
        :func:`historical_clv` as of the report date.
    simple : DataFrame
        :func:`simple_clv`.
    errors : DataFrame or None
        :func:`holdout_errors` of the validation (None: no holdout).
    predictions : DataFrame or None
        :func:`clv_predictions` (None: no usable transaction model).
    horizon_months : int
    discount_rate : float
    currency : str
    model : str or None, default "bgnbd"
        Key of the transaction model behind the CLV.
    realised : DataFrame, optional
        :func:`holdout_errors` of the forecast made on the report date against the
        purchases after it.
    recovery : DataFrame, optional
        :func:`planted_recovery` (demo only).

    Returns
    -------
    list of str
    """
    out = []
    name = METHOD_LABELS.get(model, model)
    if len(historical):
        top = concentration(historical, shares=(0.1,))["value_share"].iloc[0]
        out.append(
            f"Historical CLV: the {len(historical):,} customers have spent "
            f"{fmt.money(historical.sum(), currency)} so far, {fmt.money(historical.mean(), currency)} "
            f"on average (median {fmt.money(historical.median(), currency)}); the top 10% of "
            f"customers account for {top:.0%} of it.")
    s = simple["value"]
    if np.isfinite(s["clv"]):
        out.append(
            f"Simple formula: {fmt.money(s['aov'], currency)} per order x {s['purchase_frequency']:.2f} "
            f"purchases per customer x {s['lifespan']:.1f} periods of expected lifespan "
            f"({simple.loc['churn_rate', 'label'].lower()} {s['churn_rate']:.0%}) = "
            f"{fmt.money(s['clv'], currency)} per customer, "
            "undiscounted; it treats every customer as average.")
    if errors is not None and model in errors.index:
        m = errors.loc[model]
        own, avg = errors.loc["own_rate"], errors.loc["average_rate"]
        out.append(
            f"Holdout check ({plan.holdout_weeks} weeks after {plan.calibration_end:%Y-%m-%d}): the "
            f"{name} model predicted {m['predicted']:,.0f} repeat purchases and {m['actual']:,.0f} "
            f"happened (error {m['total_error']:+.1%}). The naive baselines were off by "
            f"{own['total_error']:+.1%} (each customer at their own past rate) and "
            f"{avg['total_error']:+.1%} (everyone at the average rate). Per customer the mean "
            f"absolute error was {m['mae']:.2f} purchases for the model against {own['mae']:.2f} "
            f"and {avg['mae']:.2f}.")
        other = "pareto_nbd" if model == "bgnbd" else "bgnbd"
        if other in errors.index:
            o = errors.loc[other]
            out.append(f"The {METHOD_LABELS[other]} model, for comparison, was off by "
                       f"{o['total_error']:+.1%} in total (mean absolute error {o['mae']:.2f}).")
    if predictions is None:
        out.append("No predicted CLV: neither transaction model could be used on this data "
                   "(see section 5).")
        return out
    clv = predictions["clv"]
    top = concentration(clv, shares=(0.1, 0.2))
    alive = float((predictions["p_alive"] >= 0.5).mean())
    out.append(
        f"Over the next {horizon_months} months the model expects "
        f"{predictions['expected_purchases'].sum():,.0f} purchases worth "
        f"{fmt.money(clv.sum(), currency)} (discounted at {discount_rate:.1%} a month) from the "
        f"{len(clv):,} customers: {fmt.money(clv.mean(), currency)} per customer on average, "
        f"median {fmt.money(clv.median(), currency)}.")
    top10 = top["value_share"].iloc[0]
    out.append(
        f"{'Value is concentrated' if top10 >= 0.3 else 'Value is spread fairly evenly'}: the "
        f"top 10% of customers hold {top10:.0%} of predicted CLV and the top 20% hold "
        f"{top['value_share'].iloc[1]:.0%}; "
        f"{alive:.0%} of customers are more likely than not still active (P(alive) >= 50%).")
    if realised is not None and model in realised.index:
        r = realised.loc[model]
        out.append(
            f"Did it come true? For the {plan.realised_weeks:.0f} weeks after "
            f"{plan.observation_end:%Y-%m-%d} the model predicted {r['predicted']:,.0f} purchases; "
            f"{r['actual']:,.0f} happened (error {r['total_error']:+.1%}).")
    out += recovery_findings(recovery)
    return out


def clv_summary(*, plan: HoldoutPlan, errors: pd.DataFrame | None,
                predictions: pd.DataFrame | None, simple: pd.DataFrame, historical: pd.Series,
                horizon_months: int, discount_rate: float, model: str | None = "bgnbd",
                realised: pd.DataFrame | None = None) -> dict:
    """Numbers of the CLV report for ``summaries/clv.json``.

    Returns
    -------
    dict
        Windows (ISO dates), holdout errors per method (``holdout``), the
        ``model_total_error`` and ``model_mae`` of the transaction model, and
        ``baseline_total_error`` / ``baseline_mae``: the better of the two naive baselines
        on each measure, CLV totals and concentration, the simple formula's
        inputs, and the realised check when there is one. Plain floats and strings.
    """
    def errs(e):
        return {m: {k: float(e.loc[m, k]) for k in ("predicted", "actual", "total_error", "mae",
                                                     "rmse")} for m in e.index}

    out = {
        "data_start": f"{plan.data_start:%Y-%m-%d}",
        "calibration_end": None if plan.calibration_end is None else f"{plan.calibration_end:%Y-%m-%d}",
        "observation_end": f"{plan.observation_end:%Y-%m-%d}",
        "holdout_weeks": plan.holdout_weeks,
        "transaction_model": model,
        "horizon_months": int(horizon_months),
        "discount_rate": float(discount_rate),
        "historical_clv_total": float(historical.sum()),
        "historical_clv_mean": float(historical.mean()) if len(historical) else None,
        "simple_clv": {k: float(v) for k, v in simple["value"].items()},
    }
    if predictions is not None:
        top = concentration(predictions["clv"], shares=(0.1, 0.2))["value_share"].tolist()
        out.update({
            "customers": len(predictions),
            "clv_total": float(predictions["clv"].sum()),
            "clv_mean": float(predictions["clv"].mean()),
            "clv_top10_share": float(top[0]),
            "clv_top20_share": float(top[1]),
            "expected_purchases": float(predictions["expected_purchases"].sum()),
        })
    if errors is not None and len(errors):
        base = errors.loc[["own_rate", "average_rate"]]
        out["holdout"] = errs(errors)
        # the better of the two naive baselines on each measure: a conservative comparison
        out["baseline_total_error"] = float(base["total_error"].loc[base["total_error"].abs().idxmin()])
        out["baseline_mae"] = float(base["mae"].min())
    if errors is not None and model in errors.index:
        out["model_total_error"] = float(errors.loc[model, "total_error"])
        out["model_mae"] = float(errors.loc[model, "mae"])
    if realised is not None and len(realised):
        out["realised_weeks"] = float(plan.realised_weeks)
        out["realised"] = errs(realised)
    return out


def clv_actions(predictions: pd.DataFrame | None, *, currency: str = "", horizon_months: int = 12,
                top_share: float = 0.10, p_alive_below: float = 0.5) -> list[str]:
    """Who to protect and who to win back, from the predicted CLV table.

    Parameters
    ----------
    predictions : DataFrame or None
        :func:`clv_predictions` (``clv``, ``p_alive``, ``historical_clv``).
    currency : str
    horizon_months : int
    top_share : float, default 0.10
        The top share of customers by predicted CLV to protect.
    p_alive_below : float, default 0.5
        Customers with a large past spend (top quarter) but a probability of being alive
        below this are win-back candidates.

    Returns
    -------
    list of str

    Examples
    --------
    >>> p = pd.DataFrame({"clv": [100.0, 10, 5, 5, 0, 0, 0, 0, 0, 0],
    ...                   "p_alive": [0.9, 0.8, 0.2, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
    ...                   "historical_clv": [50.0, 10, 500, 5, 1, 1, 1, 1, 1, 1]})
    >>> clv_actions(p, currency="¥")[0]
    'Protect the 1 customer with the highest predicted 12-month CLV (¥100, 83% of all predicted value): priority service, early access, no discounts needed.'
    """
    if predictions is None or not len(predictions):
        return []
    out = []
    ranked = predictions["clv"].sort_values(ascending=False)
    k = max(int(round(top_share * len(ranked))), 1)
    top_value = float(ranked.iloc[:k].sum())
    total = float(ranked.sum())
    out.append(f"Protect the {fmt.plural(k, 'customer')} with the highest predicted {horizon_months}-month CLV "
               f"({fmt.money(top_value, currency)}, {fmt.pct(top_value / total if total else np.nan)} "
               "of all predicted value): priority service, early access, no discounts needed.")
    hist = predictions["historical_clv"]
    gone = predictions.loc[(hist >= hist.quantile(0.75)) & (predictions["p_alive"] < p_alive_below)]
    if len(gone):
        out.append(f"Win back {fmt.plural(len(gone), 'big past spender')} who have probably stopped buying "
                   f"(probability still a customer below {fmt.pct(p_alive_below)}; "
                   f"{fmt.money(float(gone['historical_clv'].sum()), currency)} spent so far): a "
                   "personal offer before they are written off.")
    return out


def recovery_findings(recovery: pd.DataFrame | None) -> list[str]:
    """The workshop check in words: planted BTYD parameters against the refitted ones.

    Parameters
    ----------
    recovery : DataFrame or None
        :func:`planted_recovery` (demo only); None or empty gives no sentence.

    Returns
    -------
    list of str
    """
    out: list[str] = []
    if recovery is None or not len(recovery):
        return out
    cal = recovery[recovery["clock"] == "calendar"]
    rate = cal[cal["quantity"] == "mean purchase rate"]
    dev = (rate["estimate"] / rate["planted"] - 1).abs().max()
    mov = cal[cal["quantity"] == "mean order value"]
    dev_m = (mov["estimate"] / mov["planted"] - 1).abs().max()
    out.append(
        f"Planted truth (demo): fitted per customer type on calendar days, the mean purchase "
        f"rate is within {dev:.0%} and the mean order value within {dev_m:.0%} of the planted "
        "values for every type.")
    op = recovery[recovery["clock"] == "operational"]
    if len(op):
        k = int((op["z"].abs() <= 3).sum())
        out.append(f"On the generator's own clock (operational days), {k} of {len(op)} planted "
                   "quantities lie within 3 standard errors of their estimates.")
    return out
