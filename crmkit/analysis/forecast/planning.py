"""From fitted models to plans: the horizon, forecasts per month and quarter, segments.

- :func:`forecast_window`: the days to forecast after the reference date, and the
  calendar quarters they cover (the first is "the next quarter").
- :func:`candidates`: the model and the baselines the backtest compares, built from
  :class:`crmkit.config.forecast.ForecastRules`.
- :func:`make_forecast` / :class:`Forecast`: one fitted method's daily forecast, its
  simulated futures, and totals per week, month or quarter with intervals.
- :func:`forecast_table`: revenue, orders and active customers per month (or quarter).
- :func:`compare_with_actual`: when the data go on after the reference date (a report
  on a past period), the forecast against what happened.
- :func:`segment_forecasts`: the next quarter per sales channel (or other segment).
- :func:`festival_effects`, :func:`weekday_effects`, :func:`yearly_curve`,
  :func:`upcoming_festivals`: the parts of the seasonal model as tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone

from ...errors import CrmkitError
from ...periods import Period, parse_period
from .models import (
    BASELINES,
    MODEL_LABELS,
    HoltWinters,
    MovingAverage,
    SalesForecaster,
    SeasonalNaive,
    future_days,
    period_totals,
)
from .series import WEEKDAY_NAMES, calendar_regressors, yearly_terms

__all__ = [
    "MIN_HISTORY_DAYS",
    "PRECISE_FESTIVAL_SE",
    "PRECISE_WEEKDAY_SE",
    "has_segment",
    "history_start",
    "forecast_window",
    "warm_started",
    "candidates",
    "Forecast",
    "make_forecast",
    "active_customer_ratio",
    "forecast_table",
    "compare_with_actual",
    "segment_forecasts",
    "festival_effects",
    "weekday_effects",
    "yearly_curve",
    "upcoming_festivals",
    "trend_change",
    "forecast_frame",
    "period_sum",
]

_DAY = pd.Timedelta(days=1)

MIN_HISTORY_DAYS = 56
"""Days of history a forecast needs at least (eight weeks: eight of each weekday)."""


PRECISE_FESTIVAL_SE = 0.35
"""A festival effect is stated in words (findings, actions) only when its standard error
on the log scale is at most this: the 95% interval then spans at most a factor of two
either way. Single days of a small export (a few orders a day) give far wider ones."""

PRECISE_WEEKDAY_SE = 0.1
"""Weekday effects are stated in words only when each is known within about +-20% (95%)."""


def has_segment(orders: pd.DataFrame, by: str | None, *, customers: pd.DataFrame | None = None) -> bool:
    """True when ``by`` is a column of ``orders`` or of ``customers`` (a forecast per segment is possible).

    Examples
    --------
    >>> has_segment(pd.DataFrame({"sales_channel": ["web"]}), "sales_channel"), has_segment(pd.DataFrame(), None)
    (True, False)
    """
    if not by:
        return False
    return by in orders.columns or (customers is not None and by in customers.columns)


def history_start(data_start, *, as_of, rule=None, min_days: int = MIN_HISTORY_DAYS) -> pd.Timestamp:
    """The first day the models learn from.

    ``rule`` (the params' ``history_start``) when it leaves at least ``min_days`` days
    before ``as_of``, else the first day with data (a report on a period before the
    rule's date still gets a forecast, from all the data there is).

    Raises
    ------
    CrmkitError
        Fewer than ``min_days`` days of data up to ``as_of``.

    Examples
    --------
    >>> history_start("1997-01-01", as_of="1997-12-31", rule="1997-04-01").date()
    datetime.date(1997, 4, 1)
    >>> history_start("1997-01-01", as_of="1997-03-31", rule="1997-04-01").date()
    datetime.date(1997, 1, 1)
    """
    first, end = pd.Timestamp(data_start).normalize(), pd.Timestamp(as_of).normalize()
    if (end - first).days + 1 < min_days:
        raise CrmkitError(
            f"the sales forecast needs at least {min_days} days of orders up to the report date "
            f"{end:%Y-%m-%d}; the data start on {first:%Y-%m-%d}: choose a later period")
    if rule is not None:
        r = pd.Timestamp(rule).normalize()
        if (end - r).days + 1 >= min_days:
            return max(r, first)
    return first


def forecast_window(as_of, *, quarters: int = 2) -> tuple[pd.DatetimeIndex, list[Period]]:
    """The days to forecast and the calendar quarters they end with.

    The forecast starts the day after ``as_of`` and runs to the end of the
    ``quarters``-th calendar quarter that starts after ``as_of`` (the days between
    ``as_of`` and the first such quarter are forecast too).

    Returns
    -------
    days : DatetimeIndex
    quarters : list of Period
        The whole quarters in the window; the first is "the next quarter".

    Examples
    --------
    >>> days, qs = forecast_window("2025-12-30", quarters=2)
    >>> f"{days[0]:%Y-%m-%d}", f"{days[-1]:%Y-%m-%d}", [q.label for q in qs]
    ('2025-12-31', '2026-06-30', ['2026-Q1', '2026-Q2'])
    """
    first = pd.Timestamp(as_of).normalize() + _DAY
    q = first.to_period("Q")
    if q.start_time.normalize() != first:
        q = q + 1
    qs = [parse_period(f"{(q + k).year}-Q{(q + k).quarter}") for k in range(int(quarters))]
    return future_days(as_of, (qs[-1].end - first).days + 1), qs


def candidates(rules, *, festivals: Mapping | None = None, spend: bool = False) -> dict[str, object]:
    """The model variants and baselines to compare, from the forecast rules.

    Parameters
    ----------
    rules : ForecastRules
    festivals : dict, optional
        The dataset's festival calendar (params ``festivals:``).
    spend : bool, default False
        The dataset has marketing spend: add the model with spend (when
        ``rules.use_spend``).

    Returns
    -------
    dict
        Name (a key of :data:`MODEL_LABELS`) -> unfitted estimator.
    """
    common = {"interval": rules.interval, "n_paths": rules.n_paths, "random_state": rules.random_state}
    model = SalesForecaster(trend=rules.trend, yearly_harmonics=rules.yearly_harmonics,
                            yearly_min_days=rules.yearly_min_days, festivals=festivals,
                            festival_windows=rules.festival_windows, spend_days=rules.spend_days,
                            **common)
    out = {"model": model}
    if spend and rules.use_spend:
        out["model_spend"] = clone(model).set_params(use_spend=True)
    out["holt_winters"] = HoltWinters(**common)
    out["naive_week"] = SeasonalNaive(season_length=7, **common)
    out["naive_year"] = SeasonalNaive(season_length=364, **common)
    out["moving_average"] = MovingAverage(window=rules.moving_average_days, **common)
    return out


def warm_started(candidates: Mapping[str, object], backtest: pd.DataFrame) -> dict[str, object]:
    """The candidates with the latest backtest fit's estimates as starting values.

    Only speeds up the final fits (the optimiser starts near the optimum); the
    estimates come from the latest backtest origin, which lies before the reference
    date, so nothing changes in what the model may see.
    """
    params = backtest.attrs.get("params", {})
    out = {}
    for name, est in candidates.items():
        est = clone(est)
        if name in params and "start_params" in est.get_params():
            est.set_params(start_params=params[name])
        out[name] = est
    return out


@dataclass
class Forecast:
    """One method's forecast of one measure.

    Attributes
    ----------
    name : str
        Candidate name (:data:`MODEL_LABELS`).
    measure : str
    daily : DataFrame
        Indexed by ``date``: ``forecast``, ``median``, ``lower``, ``upper``.
    paths : ndarray
        Simulated futures ``(n_paths, days)``.
    interval : float
    estimator : object
        The fitted estimator.
    """

    name: str
    measure: str
    daily: pd.DataFrame
    paths: np.ndarray = field(repr=False)
    interval: float = 0.8
    estimator: object = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return MODEL_LABELS.get(self.name, self.name)

    def totals(self, freq: str = "M") -> pd.DataFrame:
        """Totals per week (``"W"``), month (``"M"``) or quarter (``"Q"``), see :func:`period_totals`.

        A baseline's totals are the sums of its classic daily forecasts; a model's are
        the medians of its simulated totals.
        """
        point = self.daily["forecast"].to_numpy() if self.name in BASELINES else None
        return period_totals(self.paths, self.daily.index, freq=freq, interval=self.interval, point=point)

    def total(self, period: Period) -> dict:
        """Forecast total of one period (days of it in the forecast only), with its interval."""
        days = self.daily.index
        keep = (days >= period.start) & (days <= period.end)
        tot = self.paths[:, keep].sum(axis=1)
        a = (1 - self.interval) / 2
        baseline = self.name in BASELINES
        point = float(self.daily["forecast"].to_numpy()[keep].sum()) if baseline else float(np.median(tot))
        return {"label": period.label, "start": period.start, "end": period.end,
                "days": int(keep.sum()), "forecast": point,
                "lower": float(np.quantile(tot, a)), "upper": float(np.quantile(tot, 1 - a))}


def make_forecast(estimator, y: pd.Series, *, horizon: int, name: str, measure: str,
                  spend: pd.Series | None = None) -> Forecast:
    """Fit a (cloned) estimator on ``y`` and forecast ``horizon`` days.

    Parameters
    ----------
    estimator : object
        An unfitted estimator of :mod:`crmkit.analysis.forecast.models`.
    y : Series
        Daily history up to the reference date.
    horizon : int
    name, measure : str
    spend : Series, optional
        Daily marketing spend over the history (models with spend).

    Returns
    -------
    Forecast
    """
    est = clone(estimator).fit(y, spend=spend)
    daily, paths = est.forecast(horizon)
    return Forecast(name=name, measure=measure, daily=daily, paths=paths,
                    interval=getattr(est, "interval", 0.8), estimator=est)


def active_customer_ratio(series: pd.DataFrame, *, freq: str = "M", periods: int = 3) -> float:
    """Active customers per order over the last complete months (or quarters).

    Parameters
    ----------
    series : DataFrame
        :func:`crmkit.analysis.forecast.sales_series` of months (or quarters); periods
        the data cover only in part (``complete`` False) are skipped.
    freq : {"M", "Q"}, default "M"
        The period of ``series``: a customer counts once per period, so the ratio
        depends on the period length.
    periods : int, default 3

    Returns
    -------
    float
        Sum of active customers over sum of orders.

    Examples
    --------
    >>> m = pd.DataFrame({"orders": [10, 20, 5], "active_customers": [5, 8, 5],
    ...                   "complete": [True, True, False]},
    ...                  index=pd.to_datetime(["2025-01-01", "2025-02-01", "2025-03-01"]))
    >>> active_customer_ratio(m)
    0.43333333333333335
    """
    tail = series[series["complete"]].tail(int(periods))
    total = tail["orders"].sum()
    return float(tail["active_customers"].sum() / total) if total else np.nan


def forecast_table(revenue: Forecast, orders: Forecast | None = None, *, freq: str = "M",
                   customers_per_order: float | None = None, whole_only: bool = True) -> pd.DataFrame:
    """Revenue, orders and active customers per month (or quarter) of the forecast.

    Parameters
    ----------
    revenue, orders : Forecast
    freq : {"M", "Q"}, default "M"
    customers_per_order : float, optional
        :func:`active_customer_ratio` (of the same ``freq``); active customers are
        estimated as orders times this ratio (a customer who buys twice in a month
        counts once).
    whole_only : bool, default True
        Leave out periods the forecast covers only in part (the rest of the current month).

    Returns
    -------
    DataFrame
        Indexed by ``period`` (label text): ``days`` (int), ``revenue``,
        ``revenue_lower``, ``revenue_upper``, and with ``orders``: ``orders``,
        ``orders_lower``, ``orders_upper``, ``active_customers`` (rounded to whole
        numbers).
    """
    r = revenue.totals(freq)
    out = pd.DataFrame({"days": r["days"], "revenue": r["forecast"], "revenue_lower": r["lower"],
                        "revenue_upper": r["upper"]})
    if orders is not None:
        o = orders.totals(freq)
        out["orders"] = o["forecast"].round()
        out["orders_lower"] = o["lower"].round()
        out["orders_upper"] = o["upper"].round()
        if customers_per_order is not None and np.isfinite(customers_per_order):
            out["active_customers"] = (o["forecast"] * customers_per_order).round()
    if whole_only:
        p = out.index
        out = out[out["days"].to_numpy() == (p.end_time.normalize() - p.start_time.normalize()).days + 1]
    out.index = pd.Index([str(p) if freq != "Q" else f"{p.year}-Q{p.quarter}" for p in out.index],
                         name="period")
    return out


def compare_with_actual(forecast: Forecast, actual: pd.Series, *, freq: str = "M") -> pd.DataFrame:
    """The forecast against what happened, for the periods the data cover entirely.

    Parameters
    ----------
    forecast : Forecast
    actual : Series
        The measure per day after the reference date (from :func:`sales_series`).
    freq : {"W", "M", "Q"}, default "M"

    Returns
    -------
    DataFrame
        Indexed by ``period`` (text): ``forecast``, ``lower``, ``upper``, ``actual``,
        ``error`` (forecast / actual - 1: positive = forecast too high), ``inside``
        (bool: the actual fell inside the interval). Empty when no forecast period is
        covered entirely by data.
    """
    t = forecast.totals(freq)
    last = actual.index.max() if len(actual) else pd.NaT
    rows = []
    for p, row in t.iterrows():
        whole = row["days"] == (p.end_time.normalize() - p.start_time.normalize()).days + 1
        if not whole or pd.isna(last) or row["end"] > last:
            continue  # compare whole periods the data cover only
        a = float(actual.loc[row["start"]:row["end"]].sum())
        rows.append({"period": str(p) if freq != "Q" else f"{p.year}-Q{p.quarter}",
                     "forecast": row["forecast"], "lower": row["lower"], "upper": row["upper"],
                     "actual": a, "error": row["forecast"] / a - 1 if a else np.nan,
                     "inside": bool(row["lower"] <= a <= row["upper"])})
    cols = ["period", "forecast", "lower", "upper", "actual", "error", "inside"]
    return pd.DataFrame(rows, columns=cols).set_index("period")


def segment_forecasts(wide: pd.DataFrame, estimator, *, horizon: int, period: Period,
                      total: dict | None = None, start_params=None) -> pd.DataFrame:
    """Forecast each segment with its own copy of the model; the quarter per segment.

    Parameters
    ----------
    wide : DataFrame
        :func:`crmkit.analysis.forecast.segment_series` (days x segments), up to the
        reference date.
    estimator : object
        Unfitted estimator (the seasonal model).
    horizon : int
        Days forecast (covering ``period``).
    period : Period
        The quarter to report.
    total : dict, optional
        :meth:`Forecast.total` of the whole business for ``period``. The segments'
        forecasts (and ranges) are then scaled so that they add up to it
        (proportional reconciliation): each segment keeps its own model's share.
    start_params : array-like, optional
        Starting values for each segment's fit (e.g. the whole business's estimates).

    Returns
    -------
    DataFrame
        Indexed by ``segment``: ``last_year`` (the same quarter a year earlier, NaN
        when the data do not cover it), ``recent`` (the last 91 days), ``own_model``
        (the segment model's forecast before scaling), ``forecast``, ``lower``,
        ``upper``, ``share`` (of the forecast), ``change_on_last_year`` (forecast /
        last_year - 1). Segments with fewer than 56 days with sales are left out.
    """
    rows = []
    a_year = pd.DateOffset(years=1)
    if start_params is not None and "start_params" in estimator.get_params():
        estimator = clone(estimator).set_params(start_params=start_params)
    for seg in wide.columns:  # a handful of segments; each series is small
        y = wide[seg]
        if (y > 0).sum() < MIN_HISTORY_DAYS:
            continue
        t = make_forecast(estimator, y, horizon=horizon, name="model", measure=str(seg)).total(period)
        ly = y.loc[period.start - a_year: period.end - a_year]
        covered = len(ly) == (period.end - period.start).days + 1
        rows.append({"segment": str(seg), "last_year": float(ly.sum()) if covered else np.nan,
                     "recent": float(y.iloc[-91:].sum()), "own_model": t["forecast"],
                     "forecast": t["forecast"], "lower": t["lower"], "upper": t["upper"]})
    cols = ["segment", "last_year", "recent", "own_model", "forecast", "lower", "upper"]
    out = pd.DataFrame(rows, columns=cols).set_index("segment")
    if total is not None and len(out) and out["own_model"].sum() > 0:
        scale = total["forecast"] / out["own_model"].sum()
        out[["forecast", "lower", "upper"]] = out[["forecast", "lower", "upper"]] * scale
    out["share"] = out["forecast"] / out["forecast"].sum() if len(out) else np.nan
    out["change_on_last_year"] = out["forecast"] / out["last_year"] - 1
    return out


# --------------------------------------------------------------------------- the model's parts
def weekday_effects(model: SalesForecaster) -> pd.DataFrame:
    """Each weekday against the average weekday (from a fitted :class:`SalesForecaster`).

    Returns
    -------
    DataFrame
        Seven rows Mon..Sun: ``weekday``, ``factor`` (1.12: 12% above the average
        weekday), ``lower``, ``upper`` (95% interval), ``se`` (log scale), ``precise``
        (``se`` at most :data:`PRECISE_WEEKDAY_SE`).
    """
    e = model.effects_
    e = e[e["kind"] == "weekday"].reindex(list(WEEKDAY_NAMES))
    se = e["se"].to_numpy(dtype=float)
    return pd.DataFrame({"weekday": list(WEEKDAY_NAMES), "factor": e["factor"].to_numpy(dtype=float),
                         "lower": e["lower"].to_numpy(dtype=float), "upper": e["upper"].to_numpy(dtype=float),
                         "se": se, "precise": se <= PRECISE_WEEKDAY_SE})


def festival_effects(model: SalesForecaster) -> pd.DataFrame:
    """The festival days, run-ups and aftermaths the model found, largest effect first.

    Returns
    -------
    DataFrame
        ``regressor`` (e.g. ``Double 11 run-up``), ``festival``, ``part`` (day,
        run-up, aftermath), ``days`` (days of history in it), ``factor`` (2.0: twice
        an ordinary day), ``lower``, ``upper`` (95% interval), ``se`` (log scale),
        ``precise`` (``se`` at most :data:`PRECISE_FESTIVAL_SE`).
    """
    e = model.effects_
    e = e[e["kind"] == "festival"]
    k = len(model.columns_)
    X = pd.DataFrame(np.asarray(model.result_.model.exog), columns=model.columns_) if k else None
    parts, names, days = [], [], []
    for reg in e.index:
        part = "run-up" if reg.endswith(" run-up") else "aftermath" if reg.endswith(" aftermath") else "day"
        parts.append(part)
        names.append(reg[: -len(" " + part)] if part != "day" else reg)
        days.append(int((X[reg] != 0).sum()) if X is not None else 0)
    out = pd.DataFrame({"regressor": list(e.index), "festival": names, "part": parts, "days": days,
                        "factor": e["factor"].to_numpy(dtype=float), "lower": e["lower"].to_numpy(dtype=float),
                        "upper": e["upper"].to_numpy(dtype=float), "se": e["se"].to_numpy(dtype=float)})
    out["precise"] = out["se"] <= PRECISE_FESTIVAL_SE
    order = (out["factor"] - 1).abs().sort_values(ascending=False).index
    return out.loc[order].reset_index(drop=True)


def yearly_curve(model: SalesForecaster, *, year: int = 2001) -> pd.DataFrame:
    """The model's yearly curve, one row per day of a (non-leap) year.

    Returns
    -------
    DataFrame
        ``date`` (in ``year``), ``day_of_year``, ``factor`` (1.08: 8% above the yearly
        average). Empty without a yearly curve.
    """
    if getattr(model, "yearly_", None) is None:
        return pd.DataFrame(columns=["date", "day_of_year", "factor"])
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    F = yearly_terms(days, harmonics=model.yearly_harmonics)
    curve = F.to_numpy() @ model.yearly_["coef"].to_numpy()
    return pd.DataFrame({"date": days, "day_of_year": days.day_of_year, "factor": np.exp(curve)})


def upcoming_festivals(forecast: Forecast, *, festivals: Mapping | None = None,
                       windows: Mapping | None = None) -> pd.DataFrame:
    """The festival days in the forecast window, with the forecast on each.

    Parameters
    ----------
    forecast : Forecast
        A forecast of a :class:`SalesForecaster` (its festival effects are used).
    festivals, windows : dict, optional
        As given to the model.

    Returns
    -------
    DataFrame
        ``festival``, ``date``, ``factor`` (the model's effect of that day; NaN when
        the history had no such day), ``precise`` (the effect is known well enough to
        plan with, see :data:`PRECISE_FESTIVAL_SE`), ``forecast``, ``lower``,
        ``upper`` (the day's forecast).
    """
    days = forecast.daily.index
    X = calendar_regressors(days, festivals=festivals, windows=windows, weekdays=False)
    est = forecast.estimator
    effects = getattr(est, "effects_", None)
    rows = []
    for col in X.columns:
        if col.endswith((" run-up", " aftermath")):
            continue
        for day in days[X[col].to_numpy() > 0]:
            f = forecast.daily.loc[day]
            known = effects is not None and col in effects.index
            factor = float(effects.loc[col, "factor"]) if known else np.nan
            precise = bool(known and effects.loc[col, "se"] <= PRECISE_FESTIVAL_SE)
            rows.append((col, day, factor, precise, f["forecast"], f["lower"], f["upper"]))
    cols = ["festival", "date", "factor", "precise", "forecast", "lower", "upper"]
    return pd.DataFrame(rows, columns=cols).sort_values("date", ignore_index=True)


def trend_change(model: SalesForecaster, *, days: int = 365) -> float:
    """Change of the model's underlying level over the last ``days`` days (0.05: +5%).

    NaN when the history is shorter.
    """
    trend = model.components()["trend"]
    if len(trend) <= days:
        return np.nan
    return float(np.exp(trend.iloc[-1] - trend.iloc[-1 - days]) - 1)


def forecast_frame(revenue: Forecast, orders: Forecast | None = None, *,
                   festivals: Mapping | None = None) -> pd.DataFrame:
    """The daily forecast as one table (for ``sales_forecast.csv``).

    Returns
    -------
    DataFrame
        One row per day: ``date``, ``revenue``, ``revenue_lower``, ``revenue_upper``,
        (``orders``, ``orders_lower``, ``orders_upper``, rounded to whole orders) and
        ``festival`` (the festival on that day, empty otherwise).
    """
    d = revenue.daily
    out = pd.DataFrame({"date": d.index, "revenue": d["forecast"].round(2).to_numpy(),
                        "revenue_lower": d["lower"].round(2).to_numpy(),
                        "revenue_upper": d["upper"].round(2).to_numpy()})
    if orders is not None:
        o = orders.daily
        for col, src in (("orders", "forecast"), ("orders_lower", "lower"), ("orders_upper", "upper")):
            out[col] = o[src].round().to_numpy().astype(np.int64)
    X = calendar_regressors(d.index, festivals=festivals, windows={}, weekdays=False)
    names = np.full(len(d), "", dtype=object)
    for col in X.columns:
        hit = X[col].to_numpy() > 0
        names[hit] = np.where(names[hit] == "", col, names[hit] + ", " + col)
    out["festival"] = names
    return out


def period_sum(series: pd.Series, period: Period, *, years_back: int = 0) -> float | None:
    """Sum of a daily series over a period (or the same period ``years_back`` years earlier).

    Returns None when the series does not cover every day of it.

    Examples
    --------
    >>> s = pd.Series(1.0, index=pd.date_range("2025-01-01", "2025-12-31"))
    >>> period_sum(s, parse_period("2026-Q1"), years_back=1), period_sum(s, parse_period("2026-Q1"))
    (90.0, None)
    """
    shift = pd.DateOffset(years=int(years_back))
    start, end = period.start - shift, period.end - shift
    part = series.loc[start:end]
    if len(part) != (end - start).days + 1:
        return None
    return float(part.sum())
