"""Sales forecast: sentences, findings, actions, the index summary and planted-truth checks.

Computed from the frames of :mod:`crmkit.analysis.forecast`; kept apart from the
computation so the analysis functions stay pure and testable on their own.

The workshop check (:func:`seasonality_check`) compares the seasonal model fitted on
the demo's purchases with the seasonality planted in :mod:`crmkit.data.synthetic`
twice: with the factors as documented, and with the same model fitted on the
*expected* purchases of the planted process (:func:`planted_purchase_rate`). The
second comparison differs from the first only by sampling noise, so "within three
standard errors" is a fair test; the first also shows how first purchases (which
react to the season with the square root of its factor) and the start-up of the
customer base soften some effects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import fmt
from .models import MODEL_LABELS, SalesForecaster
from .planning import festival_effects, trend_change, weekday_effects
from .series import WEEKDAY_NAMES, calendar_regressors, yearly_terms

__all__ = [
    "setup_sentence",
    "history_sentence",
    "decomposition_sentences",
    "backtest_sentence",
    "comparison_sentence",
    "forecast_findings",
    "forecast_actions",
    "next_quarter_summary",
    "planted_purchase_rate",
    "planted_factors",
    "yearly_shape",
    "seasonality_check",
]

_WEEKDAY_WORDS = dict(zip(WEEKDAY_NAMES, ("Mondays", "Tuesdays", "Wednesdays", "Thursdays",
                                          "Fridays", "Saturdays", "Sundays"), strict=True))
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _times(x: float) -> str:
    """A factor: 4.04 -> '4.0x', 0.683 -> '0.68x'."""
    return f"{x:.1f}x" if x >= 0.95 else f"{x:.2f}x"


def _day_month(ts) -> str:
    """'3 December'."""
    return f"{ts.day} {ts:%B}"


def setup_sentence(daily: pd.DataFrame, days: pd.DatetimeIndex, *, data_start=None,
                   outliers_left_out: int = 0) -> str:
    """What the models learn from and what they forecast, in one sentence.

    Parameters
    ----------
    daily : DataFrame
        The daily history (:func:`sales_series`).
    days : DatetimeIndex
        The forecast days (:func:`forecast_window`).
    data_start : date-like, optional
        First day of the data, to say when the history starts later (``history_start``).
    outliers_left_out : int, default 0
        Orders flagged as extreme outliers and left out.

    Examples
    --------
    >>> d = pd.DataFrame({"revenue": 1.0}, index=pd.date_range("2024-01-01", "2025-12-30"))
    >>> setup_sentence(d, pd.date_range("2025-12-31", "2026-06-30"))
    'The models learn from 730 days of sales, 2024-01-01 to 2025-12-30, and forecast the 182 days from 2025-12-31 to 2026-06-30.'
    """
    text = (f"The models learn from {fmt.count(len(daily))} days of sales, {fmt.date(daily.index[0])} to "
            f"{fmt.date(daily.index[-1])}, and forecast the {fmt.count(len(days))} days from "
            f"{fmt.date(days[0])} to {fmt.date(days[-1])}.")
    if data_start is not None and pd.Timestamp(data_start).normalize() < daily.index[0]:
        text += (f" The data start earlier ({fmt.date(pd.Timestamp(data_start))}); the params file's "
                 "`history_start` leaves the first days out.")
    if outliers_left_out:
        text += (f" {fmt.count(outliers_left_out)} extreme orders flagged by the cleaning step are left "
                 "out: one-off amounts are not something to forecast.")
    return text


def _signed(x: float) -> str:
    """0.12 -> '12% above', -0.08 -> '8% below'."""
    return f"{fmt.pct(abs(x))} {'above' if x >= 0 else 'below'}"


def history_sentence(daily: pd.DataFrame, *, currency: str = "¥") -> str:
    """Revenue and orders of the last 12 months against the 12 months before.

    Parameters
    ----------
    daily : DataFrame
        :func:`crmkit.analysis.forecast.sales_series` (``freq="D"``) up to the
        reference date.

    Examples
    --------
    >>> d = pd.DataFrame({"revenue": 1.0, "orders": 1},
    ...                  index=pd.date_range("2024-01-01", "2025-12-30"))
    >>> history_sentence(d, currency="$")
    'In the 12 months to 2025-12-30 revenue was $365, +0.0% on the 12 months before, from 365 orders.'
    """
    end = daily.index[-1]
    last = daily.loc[end - pd.Timedelta(days=364):]
    text = f"In the 12 months to {fmt.date(end)} revenue was {fmt.money(last['revenue'].sum(), currency)}"
    prev = daily.loc[end - pd.Timedelta(days=729): end - pd.Timedelta(days=365)]
    if len(prev) == 365 and prev["revenue"].sum() > 0:
        text += (f", {fmt.change(last['revenue'].sum(), prev['revenue'].sum(), unit='currency')} "
                 f"on the 12 months before")
    elif len(last) < 365:
        text = (f"In the {fmt.count(len(last))} days to {fmt.date(end)} revenue was "
                f"{fmt.money(last['revenue'].sum(), currency)}")
    return text + f", from {fmt.count(last['orders'].sum())} orders."


def decomposition_sentences(model: SalesForecaster, *, measure: str = "revenue") -> list[str]:
    """What the seasonal model found: trend, weekdays, the year and festivals, in words.

    Parameters
    ----------
    model : SalesForecaster
        Fitted on a daily series.
    measure : str, default "revenue"
        What the series is, for the sentences.

    Returns
    -------
    list of str
    """
    out = []
    ch = trend_change(model, days=365)
    if np.isfinite(ch):
        out.append(f"**Trend:** the underlying level of {measure} (weekdays, season and festivals "
                   f"taken out) is {_signed(ch)} where it was a year earlier.")
    wd = weekday_effects(model).dropna(subset=["factor"])
    if len(wd) and wd["precise"].all():
        hi, lo = wd.loc[wd["factor"].idxmax()], wd.loc[wd["factor"].idxmin()]
        weekend = wd[wd["weekday"].isin(["Sat", "Sun"])]["factor"]
        text = (f"**Weekdays:** {_WEEKDAY_WORDS[hi['weekday']]} are the busiest day "
                f"({_signed(hi['factor'] - 1)} an average day) and {_WEEKDAY_WORDS[lo['weekday']]} "
                f"the quietest ({_signed(lo['factor'] - 1)})")
        lift = float(np.exp(np.log(weekend).mean())) - 1 if len(weekend) == 2 else 0.0
        if abs(lift) >= 0.02:
            text += f"; a weekend day sells {_signed(lift)} average"
        out.append(text + ".")
    elif len(wd):
        out.append("**Weekdays:** too few sales a day to tell the weekdays apart reliably (each "
                   f"weekday's effect is uncertain by about {fmt.pct(1.96 * wd['se'].max())} either way).")
    shape = yearly_shape(model)
    if shape is not None:
        out.append(f"**The year:** the yearly curve peaks around {_day_month(shape['high_date'])}, "
                   f"{_signed(shape['high'] - 1)} the yearly average, and bottoms out around "
                   f"{_day_month(shape['low_date'])}, {_signed(shape['low'] - 1)} it (festivals apart).")
    else:
        out.append("**The year:** less than two years of history, so no yearly curve is estimated "
                   "(one year cannot tell a season from a trend); the level follows the recent months.")
    fe = festival_effects(model)
    days = fe[(fe["part"] == "day") & fe["precise"]]
    if len(days):
        parts = [f"{r['festival']} {_times(r['factor'])}" for _, r in days.head(5).iterrows()]
        out.append("**Festivals** (sales on the day as a multiple of an ordinary day): "
                   + ", ".join(parts) + ".")
    windows = fe[(fe["part"] != "day") & fe["precise"]]
    if len(windows):
        out.append("**Run-ups and aftermaths** (per day): " + ", ".join(
            f"{r['festival']} {r['part']} {_times(r['factor'])}" for _, r in windows.head(4).iterrows()) + ".")
    if len(fe) and not fe["precise"].any():
        out.append("**Festivals:** too few sales on festival days to measure their effects; the "
                   "forecast treats them with wide ranges.")
    sp = model.effects_[model.effects_["kind"] == "spend"]
    if len(sp):
        r = sp.iloc[0]
        sure = r["lower"] > 1 or r["upper"] < 1
        out.append(f"**Marketing spend:** a day with 10% more spend goes with "
                   f"{fmt.pct(1.1 ** r['effect'] - 1, decimals=1)} more {measure} the same day"
                   + ("" if sure else " (not distinguishable from no effect)") + ".")
    return out


def yearly_shape(model: SalesForecaster) -> dict | None:
    """Highest and lowest point of the model's yearly curve (None without one).

    Returns
    -------
    dict
        ``high``, ``low`` (factors against the yearly average), ``high_date``,
        ``low_date`` (days of a non-leap year), ``amplitude`` and ``peak_day``
        (first harmonic: ``a cos(2 pi (t - peak) / 365.25)``), ``amplitude_se``,
        ``peak_day_se`` (days).
    """
    y = getattr(model, "yearly_", None)
    if y is None:
        return None
    days = pd.date_range("2001-01-01", "2001-12-31")
    curve = np.exp(yearly_terms(days, harmonics=model.yearly_harmonics).to_numpy() @ y["coef"].to_numpy())
    a, b = float(y.loc["cos1", "coef"]), float(y.loc["sin1", "coef"])
    amp = float(np.hypot(a, b))
    sa, sb = float(y.loc["cos1", "se"]), float(y.loc["sin1", "se"])
    # delta method: amplitude sqrt(a^2 + b^2) and phase atan2(b, a) of the first harmonic
    amp_se = float(np.hypot(a * sa, b * sb) / amp) if amp else np.nan
    phase_se = float(np.hypot(b * sa, a * sb) / amp ** 2) if amp else np.nan
    return {"high": float(curve.max()), "low": float(curve.min()),
            "high_date": days[int(curve.argmax())], "low_date": days[int(curve.argmin())],
            "amplitude": amp, "peak_day": float(np.arctan2(b, a) / (2 * np.pi) * 365.25 % 365.25),
            "amplitude_se": amp_se, "peak_day_se": phase_se * 365.25 / (2 * np.pi)}


def backtest_sentence(scores: pd.DataFrame, choice: dict, *, measure: str = "revenue",
                      horizon_days: int = 91) -> str:
    """Say plainly whether the model beats the baselines in the backtest.

    Parameters
    ----------
    scores : DataFrame
        :func:`crmkit.analysis.forecast.backtest_scores`.
    choice : dict
        :func:`crmkit.analysis.forecast.choose_model`.

    Examples
    --------
    >>> s = pd.DataFrame({"kind": ["model", "baseline"], "folds": [4, 4], "mase": [0.6, 0.8],
    ...                   "total_error": [0.05, 0.12]}, index=["model", "naive_week"])
    >>> backtest_sentence(s, {"chosen": "model", "best_model": "model", "best_baseline": "naive_week",
    ...                       "model_wins": True, "improvement": 0.25})
    'Over 4 backtests of 91 days, the seasonal model with festivals **beats** the best baseline (same weekday last week): its daily errors are 25% smaller (MASE 0.60 against 0.80), and its 91-day totals were off by 5% on average (baseline 12%). The forecast below uses it.'
    """
    if choice["chosen"] is None:
        return "There is too little history for a backtest."
    folds = int(scores["folds"].max())
    b = choice["best_baseline"]
    m = choice["best_model"]
    if m is None:
        return (f"No model could be fitted on the backtest histories; the forecast uses the best "
                f"baseline, {MODEL_LABELS.get(b, b)}.")
    ms, bs = scores.loc[m], scores.loc[b] if b is not None else None
    head = f"Over {folds} backtests of {horizon_days} days, the {MODEL_LABELS.get(m, m)}"
    if bs is None:
        return head + f" has MASE {ms['mase']:.2f}; no baseline could be scored. The forecast uses it."
    if choice["model_wins"]:
        return (f"{head} **beats** the best baseline ({MODEL_LABELS.get(b, b)}): its daily errors are "
                f"{fmt.pct(choice['improvement'])} smaller (MASE {ms['mase']:.2f} against "
                f"{bs['mase']:.2f}), and its {horizon_days}-day totals were off by "
                f"{fmt.pct(ms['total_error'])} on average (baseline {fmt.pct(bs['total_error'])}). "
                "The forecast below uses it.")
    return (f"{head} **does not beat** the simplest good rule, {MODEL_LABELS.get(b, b)} (MASE "
            f"{ms['mase']:.2f} against {bs['mase']:.2f}), so the forecast below uses that rule "
            "instead; the model's decomposition is still shown for what it explains.")


def comparison_sentence(comparison: pd.DataFrame | None, *, currency: str = "¥", interval: float = 0.8,
                        data_end=None) -> str:
    """The forecast against what happened, in one sentence.

    Parameters
    ----------
    comparison : DataFrame or None
        :func:`crmkit.analysis.forecast.compare_with_actual`; None or empty when the
        data end before a whole forecast month ("not yet", with ``data_end``).

    Examples
    --------
    >>> c = pd.DataFrame({"forecast": [90.0, 110.0], "actual": [100.0, 100.0], "inside": [True, False]},
    ...                  index=["1998-01", "1998-02"])
    >>> comparison_sentence(c, currency="$")
    'What happened next: over 2 months (1998-01 to 1998-02) the forecast was $200 against $200 actual (+0.0%); the monthly errors ranged from -10.0% to +10.0%, and 1 of 2 months fell inside the 80% range.'
    """
    if comparison is None or not len(comparison):
        end = f" on {fmt.date(pd.Timestamp(data_end))}" if data_end is not None else ""
        return f"Not yet: the data end{end}, before a whole forecast month."
    tot_f, tot_a = comparison["forecast"].sum(), comparison["actual"].sum()
    err = comparison["forecast"] / comparison["actual"] - 1
    n = len(comparison)
    return (f"What happened next: over {n} months ({comparison.index[0]} to {comparison.index[-1]}) the "
            f"forecast was {fmt.money(tot_f, currency)} against {fmt.money(tot_a, currency)} actual "
            f"({fmt.change(tot_f, tot_a, unit='currency')}); the monthly errors ranged from "
            f"{err.min():+.1%} to {err.max():+.1%}, and {int(comparison['inside'].sum())} of {n} months "
            f"fell inside the {fmt.pct(interval)} range.")


def forecast_findings(*, history: str, scores: pd.DataFrame, choice: dict, next_quarter: dict,
                      last_year: float | None = None, decomposition: list[str] | None = None,
                      comparison: pd.DataFrame | None = None, currency: str = "¥",
                      interval: float = 0.8) -> list[str]:
    """Three to five findings of the forecast page, computed from its results.

    Parameters
    ----------
    history : str
        :func:`history_sentence`.
    scores, choice
        Backtest results (:func:`backtest_scores`, :func:`choose_model`).
    next_quarter : dict
        :meth:`Forecast.total` of revenue for the next quarter.
    last_year : float, optional
        Revenue of the same quarter a year earlier.
    decomposition : list of str, optional
        :func:`decomposition_sentences`: the festival sentence (or the weekday one) is used.
    comparison : DataFrame, optional
        :func:`compare_with_actual` when the data cover forecast months.
    """
    out = [history]
    nq = next_quarter
    text = (f"Revenue in **{nq['label']}** is forecast at {fmt.money(nq['forecast'], currency)} "
            f"({fmt.pct(interval)} range {fmt.money(nq['lower'], currency)} to "
            f"{fmt.money(nq['upper'], currency)})")
    if last_year is not None and np.isfinite(last_year) and last_year > 0:
        text += f", {fmt.change(nq['forecast'], last_year, unit='currency')} on the same quarter a year earlier"
    out.append(text + f", with the {MODEL_LABELS.get(choice['chosen'], choice['chosen'])}.")
    if choice["best_baseline"] is not None and choice["best_model"] is not None:
        verdict = "beats" if choice["model_wins"] else "does not beat"
        out.append(f"In the backtest the model {verdict} the best simple rule "
                   f"({MODEL_LABELS.get(choice['best_baseline'])}): MASE "
                   f"{scores.loc[choice['best_model'], 'mase']:.2f} against "
                   f"{scores.loc[choice['best_baseline'], 'mase']:.2f}"
                   + (f", daily errors {fmt.pct(choice['improvement'])} smaller." if choice["model_wins"]
                      else "; the forecast uses the rule."))
    if decomposition:
        fest = [s for s in decomposition if s.startswith("**Festivals")]
        out.append((fest or decomposition[:1])[0])
    if comparison is not None and len(comparison):
        out.append(comparison_sentence(comparison, currency=currency, interval=interval))
    return out[:5]


def forecast_actions(*, next_quarter: dict, upcoming: pd.DataFrame | None = None,
                     weekdays: pd.DataFrame | None = None, choice: dict | None = None,
                     currency: str = "¥", interval: float = 0.8) -> list[str]:
    """What to do with the forecast: budget, festival preparation, staffing, model care.

    Parameters
    ----------
    next_quarter : dict
        :meth:`Forecast.total` of revenue.
    upcoming : DataFrame, optional
        :func:`upcoming_festivals` (festival days in the forecast window).
    weekdays : DataFrame, optional
        :func:`weekday_effects`.
    choice : dict, optional
        :func:`choose_model`.
    """
    nq = next_quarter
    out = [f"Finance and buying: plan **{nq['label']}** on {fmt.money(nq['forecast'], currency)} of "
           f"revenue and keep a plan B for {fmt.money(nq['lower'], currency)} (the low end of the "
           f"{fmt.pct(interval)} range); stock and cash for {fmt.money(nq['upper'], currency)} at the high end."]
    if upcoming is not None and len(upcoming):
        up = upcoming.dropna(subset=["factor"])
        if "precise" in up.columns:
            up = up[up["precise"].astype(bool)]
        big = up[up["factor"] >= 1.3].sort_values("date")
        low = up[up["factor"] <= 0.8].sort_values("date")
        for _, r in big.head(3).iterrows():
            out.append(f"Operations: prepare stock, couriers and service staff for {r['festival']} on "
                       f"{fmt.date(r['date'])}: about {_times(r['factor'])} an ordinary "
                       f"day, {fmt.money(r['forecast'], currency)} expected that day.")
        for _, r in low.head(1).iterrows():
            out.append(f"Operations: expect a dip around {r['festival']} ({fmt.date(r['date'])}: "
                       f"{_times(r['factor'])} an ordinary day); move campaigns and "
                       "deliveries out of it.")
    w = None if weekdays is None else weekdays.dropna(subset=["factor"])
    if w is not None and len(w) and ("precise" not in w.columns or w["precise"].all()):
        hi, lo = w.loc[w["factor"].idxmax()], w.loc[w["factor"].idxmin()]
        if hi["factor"] / lo["factor"] >= 1.1:
            out.append(f"Staffing: roster for {_WEEKDAY_WORDS[hi['weekday']]} "
                       f"({fmt.pct(hi['factor'] / lo['factor'] - 1)} busier than "
                       f"{_WEEKDAY_WORDS[lo['weekday']]}); send campaigns before the busy days.")
    if choice is not None and not choice["model_wins"]:
        out.append("Analysts: the seasonal model did not beat the simple rule in the backtest; "
                   "check the history for breaks (new channels, outages, a changed price list) "
                   "before trusting any model here.")
    return out


def next_quarter_summary(nq: dict, *, orders: dict | None = None, customers_per_order: float | None = None,
                         method: str, interval: float, currency: str, actual: float | None = None,
                         last_year: float | None = None) -> dict:
    """The ``next_quarter`` block of ``summaries/forecast.json`` for the index page.

    Returns
    -------
    dict
        ``label`` (e.g. ``2026-Q1``), ``start``, ``end``, ``revenue``, ``lower``,
        ``upper`` (floats, the dataset's currency), ``interval`` (0.8), ``currency``,
        ``method`` (words), ``text`` (one formatted line), and when known ``orders``,
        ``orders_lower``, ``orders_upper``, ``active_customers``, ``last_year`` (the
        same quarter a year earlier) and ``actual`` (the data already cover it).
    """
    out = {"label": nq["label"], "start": fmt.date(nq["start"]), "end": fmt.date(nq["end"]),
           "revenue": round(float(nq["forecast"]), 2), "lower": round(float(nq["lower"]), 2),
           "upper": round(float(nq["upper"]), 2), "interval": float(interval), "currency": currency,
           "method": MODEL_LABELS.get(method, method),
           "text": (f"{nq['label']}: {fmt.money(nq['forecast'], currency)} "
                    f"({fmt.money(nq['lower'], currency)} to {fmt.money(nq['upper'], currency)})")}
    if orders is not None:
        out.update(orders=round(float(orders["forecast"])), orders_lower=round(float(orders["lower"])),
                   orders_upper=round(float(orders["upper"])))
        if customers_per_order is not None and np.isfinite(customers_per_order):
            out["active_customers"] = round(float(orders["forecast"]) * customers_per_order)
    if last_year is not None and np.isfinite(last_year):
        out["last_year"] = round(float(last_year), 2)
    if actual is not None and np.isfinite(actual):
        out["actual"] = round(float(actual), 2)
    return out


# --------------------------------------------------------------------------- planted truth
def planted_purchase_rate(truth: dict) -> pd.Series:
    """Expected purchases per day of the demo's planted process.

    Repeat purchases of a live customer run at ``lambda`` per *operational* day, whose
    clock runs at the planted daily intensity ``s(t)``; a customer is live from the day
    after the first purchase until the purchase after which they drop out. First
    purchases are counted as they happened. So the expected purchases of day ``t`` are
    ``s(t) x (sum of lambda over live customers) + first purchases on t``.

    Parameters
    ----------
    truth : dict
        ``Dataset.truth`` of :func:`crmkit.data.synthetic.make_demo`.

    Returns
    -------
    Series
        Indexed by day (the demo window), named ``expected_purchases``.
    """
    intensity = truth["seasonality"]["daily"]
    days = pd.DatetimeIndex(intensity.index).normalize()
    c = truth["customers"]
    c = c[c["first_purchase"].notna()]
    n = len(days)
    rate = np.zeros(n + 2)
    first = np.searchsorted(days.to_numpy(), c["first_purchase"].dt.normalize().to_numpy())
    np.add.at(rate, first + 1, c["lambda_"].to_numpy())
    gone = c["dropout_date"].notna().to_numpy()
    last = np.searchsorted(days.to_numpy(), c.loc[gone, "dropout_date"].dt.normalize().to_numpy())
    np.add.at(rate, last + 1, -c.loc[gone, "lambda_"].to_numpy())
    live = np.cumsum(rate)[:n]
    firsts = np.bincount(np.clip(first, 0, n - 1), minlength=n)
    return pd.Series(intensity.to_numpy() * live + firsts, index=days.as_unit("us"),
                     name="expected_purchases")


def planted_factors(truth: dict, *, columns, festivals=None, windows=None,
                    harmonics: int = 2) -> pd.Series:
    """The documented planted factor of each model regressor.

    The planted daily intensity is ``weekday x yearly x festival factors``; its log is
    regressed (least squares) on the model's own columns (weekday effect coding,
    festival days and windows, Fourier terms), which reproduces each factor exactly
    where the columns match the planted calendar, and gives the geometric mean where a
    window spans days with different planted factors (the 618 run-up: 15 days at 1.25
    and 2 at 1.6).

    Returns
    -------
    Series
        Regressor -> factor (``Sun`` included).
    """
    intensity = truth["seasonality"]["daily"]
    days = pd.DatetimeIndex(intensity.index).normalize()
    X = calendar_regressors(days, festivals=festivals, windows=windows)
    X = X[[c for c in columns if c in X.columns]]
    F = yearly_terms(days, harmonics=harmonics)
    A = np.column_stack([np.ones(len(days)), X.to_numpy(), F.to_numpy()])
    coef, *_ = np.linalg.lstsq(A, np.log(intensity.to_numpy()), rcond=None)
    out = pd.Series(np.exp(coef[1:1 + X.shape[1]]), index=X.columns)
    wd = [c for c in WEEKDAY_NAMES[:6] if c in out.index]
    if len(wd) == 6:
        out["Sun"] = float(np.exp(-np.log(out[wd]).sum()))
    return out


def seasonality_check(model: SalesForecaster, *, truth: dict, reference: SalesForecaster | None = None,
                      festivals=None, windows=None) -> pd.DataFrame:
    """Compare the seasonal model's weekday, yearly and festival effects with the planted ones.

    Parameters
    ----------
    model : SalesForecaster
        Fitted on the demo's daily purchases (orders: the season is planted in the
        number of purchases).
    truth : dict
        The demo's ``Dataset.truth``.
    reference : SalesForecaster, optional
        The same model fitted on :func:`planted_purchase_rate` (fitted here when None).
    festivals, windows : dict, optional
        As given to the model.

    Returns
    -------
    DataFrame
        One row per effect: ``effect``, ``planted`` (documented factor; for the
        yearly rows the amplitude and the peak day), ``as_planted_in_purchases`` (the
        same model on the planted process's expected purchases), ``estimate``,
        ``se`` (on the log scale; days for the peak), ``recovered`` (``estimate``
        within three standard errors of ``as_planted_in_purchases``).
    """
    if reference is None:
        reference = SalesForecaster(**{**model.get_params(), "use_spend": False, "start_params": None})
        reference.fit(planted_purchase_rate(truth).loc[model.history_.index[0]:model.history_.index[-1]])
    doc = planted_factors(truth, columns=model.columns_, festivals=festivals, windows=windows,
                          harmonics=model.yearly_harmonics)
    est, ref = model.effects_, reference.effects_
    rows = []
    for name in est.index:
        if est.loc[name, "kind"] == "spend":
            continue
        e, s = float(est.loc[name, "factor"]), float(est.loc[name, "se"])
        r = float(ref.loc[name, "factor"]) if name in ref.index else np.nan
        rows.append({"effect": name, "planted": float(doc.get(name, np.nan)),
                     "as_planted_in_purchases": r, "estimate": e, "se": s,
                     "recovered": bool(abs(np.log(e) - np.log(r)) <= 3 * s) if np.isfinite(r) else False})
    se_shape, ref_shape = yearly_shape(model), yearly_shape(reference)
    if se_shape is not None and ref_shape is not None:
        planted = truth["seasonality"]["yearly"]
        rows.append({"effect": "yearly amplitude", "planted": float(planted["amplitude"]),
                     "as_planted_in_purchases": ref_shape["amplitude"], "estimate": se_shape["amplitude"],
                     "se": se_shape["amplitude_se"],
                     "recovered": abs(se_shape["amplitude"] - ref_shape["amplitude"]) <= 3 * se_shape["amplitude_se"]})
        gap = (se_shape["peak_day"] - ref_shape["peak_day"] + 182.6) % 365.25 - 182.6
        rows.append({"effect": "yearly peak (day of year)", "planted": float(planted["peak_day_of_year"]),
                     "as_planted_in_purchases": ref_shape["peak_day"], "estimate": se_shape["peak_day"],
                     "se": se_shape["peak_day_se"], "recovered": abs(gap) <= 3 * se_shape["peak_day_se"]})
    return pd.DataFrame(rows, columns=["effect", "planted", "as_planted_in_purchases", "estimate", "se",
                                       "recovered"])

