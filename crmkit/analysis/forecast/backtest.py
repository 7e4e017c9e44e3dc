"""Rolling-origin backtest: would the model have forecast the recent past well?

The history is cut at several *origins*; at each, every candidate (the model and the
baselines) is fitted on the days up to the origin only and forecasts the next
``horizon`` days, which are then compared with what happened (Hyndman &
Athanasopoulos, *Forecasting: Principles and Practice*, 3rd ed., section 5.10,
"time series cross-validation"). Nothing after an origin reaches the fit (a test
changes the data after each origin and checks the forecast does not move).

Accuracy measures, per origin and then averaged over origins:

- **MAPE**: mean absolute percentage error of the daily forecasts (days with an actual
  of zero are skipped);
- **sMAPE**: symmetric MAPE, ``mean(2 |F - A| / (|A| + |F|))`` (0 when both are 0);
- **MASE**: mean absolute error divided by the in-sample mean absolute error of the
  weekly seasonal naive forecast on the training days (Hyndman & Koehler 2006, "Another
  look at measures of forecast accuracy", *IJF* 22(4)); below 1 beats that naive
  forecast's typical one-day-ahead error;
- **total error**: the error of the sum over the horizon as a share of the actual sum
  (a quarter's revenue is what a plan needs);
- **interval coverage**: the share of days whose actual fell inside the prediction
  interval (an 80% interval should hold about 80%).

The candidate with the lowest mean MASE wins; when it is a baseline, the report says
so and forecasts with that baseline.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from sklearn.base import clone

from .models import BASELINES, MODEL_LABELS

__all__ = [
    "BASELINES",
    "mape",
    "smape",
    "mase",
    "backtest_origins",
    "rolling_origin",
    "backtest_scores",
    "choose_model",
]

def mape(actual, forecast) -> float:
    """Mean absolute percentage error (as a share; days with actual 0 are skipped).

    Examples
    --------
    >>> mape([100, 200, 0], [110, 150, 5])
    0.175
    """
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    ok = a != 0
    return float(np.mean(np.abs(f[ok] - a[ok]) / np.abs(a[ok]))) if ok.any() else np.nan


def smape(actual, forecast) -> float:
    """Symmetric mean absolute percentage error, ``mean(2|F - A| / (|A| + |F|))``.

    Examples
    --------
    >>> round(smape([100, 0], [50, 0]), 4)
    0.3333
    """
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    den = np.abs(a) + np.abs(f)
    term = np.divide(2 * np.abs(f - a), den, out=np.zeros_like(den), where=den > 0)
    return float(term.mean()) if term.size else np.nan


def mase(actual, forecast, *, insample, season_length: int = 7) -> float:
    """Mean absolute scaled error: MAE over the in-sample MAE of the seasonal naive forecast.

    Parameters
    ----------
    actual, forecast : array-like
        The forecast days.
    insample : array-like
        The training days (the scale comes from them only).
    season_length : int, default 7

    Examples
    --------
    >>> mase([10, 12], [11, 11], insample=[1, 2, 3, 4], season_length=1)
    1.0
    """
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    x = np.asarray(insample, dtype=float)
    m = int(season_length)
    scale = np.mean(np.abs(x[m:] - x[:-m])) if x.size > m else np.nan
    if not scale or np.isnan(scale):
        return np.nan
    return float(np.mean(np.abs(f - a)) / scale)


def backtest_origins(last_day, *, horizon: int, folds: int, step: int, first_day=None,
                     min_train_days: int = 56) -> list[pd.Timestamp]:
    """The last training day of each fold, latest first; each fold's horizon ends by ``last_day``.

    Folds whose training would be shorter than ``min_train_days`` (counted from
    ``first_day``) are dropped.

    Examples
    --------
    >>> [f"{d:%m-%d}" for d in backtest_origins("2025-12-31", horizon=30, folds=3, step=14)]
    ['12-01', '11-17', '11-03']
    """
    last = pd.Timestamp(last_day).normalize()
    out = [last - pd.Timedelta(days=int(horizon) + k * int(step)) for k in range(int(folds))]
    if first_day is not None:
        first = pd.Timestamp(first_day).normalize()
        out = [o for o in out if (o - first).days + 1 >= min_train_days]
    return out


def rolling_origin(y: pd.Series, candidates: Mapping[str, object], *, horizon: int = 91,
                   folds: int = 4, step: int = 28, spend: pd.Series | None = None,
                   min_train_days: int = 56,
                   progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Fit every candidate at each origin on the past only and forecast the next days.

    Parameters
    ----------
    y : Series
        Daily history (one value per consecutive day).
    candidates : dict
        Name -> unfitted estimator (:mod:`crmkit.analysis.forecast.models`); each is
        cloned at each origin. A candidate that cannot be fitted on a fold's history
        (too short for its season) is skipped for that fold.
    horizon : int, default 91
        Days forecast from each origin.
    folds : int, default 4
    step : int, default 28
        Days between origins.
    spend : Series, optional
        Daily marketing spend, passed to ``fit`` (training days only) and, for the
        forecast days, left to the model's own assumption (the recent average): the
        backtest forecasts as the live forecast will, without knowing future spend.
    min_train_days : int, default 56
    progress : callable, optional
        Called with a short text per fold.

    Returns
    -------
    DataFrame
        Long: ``origin`` (last training day), ``candidate``, ``date``, ``h`` (1 =
        first day ahead), ``actual``, ``forecast``, ``lower``, ``upper``,
        ``train_days``; plus, per origin, the seasonal naive scale in ``scale``.
        ``attrs["params"]`` holds each model's estimates at the latest origin
        (:func:`crmkit.analysis.forecast.warm_started`).
    """
    rows = []
    warm: dict[str, object] = {}
    origins = backtest_origins(y.index[-1], horizon=horizon, folds=folds, step=step,
                               first_day=y.index[0], min_train_days=min_train_days)
    for origin in sorted(origins):  # oldest first: each fit starts from the previous one's estimates
        train = y.loc[:origin]
        test = y.loc[origin + pd.Timedelta(days=1): origin + pd.Timedelta(days=horizon)]
        x = train.to_numpy()
        scale = float(np.mean(np.abs(x[7:] - x[:-7]))) if x.size > 7 else np.nan
        for name, est in candidates.items():
            model = clone(est)
            if name in warm and "start_params" in model.get_params():
                model.set_params(start_params=warm[name])
            try:
                model.fit(train, spend=None if spend is None else spend.loc[:origin])
            except ValueError:
                continue  # history too short for this candidate's season
            if hasattr(model, "params_"):
                warm[name] = model.params_
            f = model.predict(len(test))
            rows.append(pd.DataFrame({
                "origin": origin, "candidate": name, "date": test.index,
                "h": np.arange(1, len(test) + 1), "actual": test.to_numpy(),
                "forecast": f["forecast"].to_numpy(), "lower": f["lower"].to_numpy(),
                "upper": f["upper"].to_numpy(), "train_days": len(train), "scale": scale}))
        if progress is not None:
            progress(f"origin {origin:%Y-%m-%d}: {len(candidates)} candidates")
    cols = ["origin", "candidate", "date", "h", "actual", "forecast", "lower", "upper",
            "train_days", "scale"]
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=cols)
    out.attrs["params"] = warm  # the latest origin's estimates, to start final fits from
    return out


def backtest_scores(bt: pd.DataFrame) -> pd.DataFrame:
    """Accuracy of each candidate, averaged over the origins of :func:`rolling_origin`.

    Returns
    -------
    DataFrame
        Indexed by ``candidate``: ``method`` (words), ``kind`` (model or baseline),
        ``folds`` (int), ``mape``, ``smape``, ``mase``, ``total_error`` (mean absolute
        error of the horizon total as a share of the actual total), ``total_bias``
        (mean signed error of the total: positive = forecast too high), ``coverage``
        (share of days inside the interval); sorted by ``mase``. Only candidates
        scored on every origin are ranked: the others get ``folds`` below the maximum
        and come last.
    """
    cols = ["method", "kind", "folds", "mape", "smape", "mase", "total_error", "total_bias", "coverage"]
    if bt.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="candidate"))
    per_fold = []
    for (cand, origin), g in bt.groupby(["candidate", "origin"], sort=False):
        a, f = g["actual"].to_numpy(), g["forecast"].to_numpy()
        sa, sf = a.sum(), f.sum()
        scale = g["scale"].iloc[0]
        per_fold.append({
            "candidate": cand, "origin": origin, "mape": mape(a, f), "smape": smape(a, f),
            "mase": float(np.mean(np.abs(f - a)) / scale) if scale else np.nan,
            "total_error": abs(sf - sa) / sa if sa else np.nan,
            "total_bias": (sf - sa) / sa if sa else np.nan,
            "coverage": float(((a >= g["lower"].to_numpy()) & (a <= g["upper"].to_numpy())).mean()),
        })
    pf = pd.DataFrame(per_fold)
    out = pf.groupby("candidate", sort=False).agg(
        folds=("origin", "size"), mape=("mape", "mean"), smape=("smape", "mean"),
        mase=("mase", "mean"), total_error=("total_error", "mean"),
        total_bias=("total_bias", "mean"), coverage=("coverage", "mean"))
    out["folds"] = out["folds"].astype(np.int64)
    out.insert(0, "kind", ["baseline" if c in BASELINES else "model" for c in out.index])
    out.insert(0, "method", [MODEL_LABELS.get(c, c) for c in out.index])
    complete = out["folds"] == out["folds"].max()
    out = pd.concat([out[complete].sort_values("mase"), out[~complete].sort_values("mase")])
    out.index.name = "candidate"
    return out[cols]


def choose_model(scores: pd.DataFrame) -> dict:
    """The candidate to forecast with: the best model if it beats every baseline, else the best baseline.

    Parameters
    ----------
    scores : DataFrame
        Output of :func:`backtest_scores`.

    Returns
    -------
    dict
        ``chosen`` (candidate name), ``best_model``, ``best_baseline`` (names or None),
        ``model_wins`` (bool: the best model's MASE is below the best baseline's),
        ``improvement`` (1 - model MASE / baseline MASE: 0.3 means 30% smaller errors).

    Examples
    --------
    >>> s = pd.DataFrame({"kind": ["model", "baseline"], "folds": [4, 4], "mase": [0.6, 0.8]},
    ...                  index=["model", "naive_week"])
    >>> choose_model(s)["chosen"], round(choose_model(s)["improvement"], 2)
    ('model', 0.25)
    """
    full = scores[scores["folds"] == scores["folds"].max()] if len(scores) else scores
    models = full[full["kind"] == "model"]["mase"].dropna().sort_values()
    bases = full[full["kind"] == "baseline"]["mase"].dropna().sort_values()
    best_model = models.index[0] if len(models) else None
    best_base = bases.index[0] if len(bases) else None
    if best_model is None:
        return {"chosen": best_base, "best_model": None, "best_baseline": best_base,
                "model_wins": False, "improvement": np.nan}
    if best_base is None:
        return {"chosen": best_model, "best_model": best_model, "best_baseline": None,
                "model_wins": True, "improvement": np.nan}
    wins = bool(models.iloc[0] < bases.iloc[0])
    return {"chosen": best_model if wins else best_base, "best_model": best_model,
            "best_baseline": best_base, "model_wins": wins,
            "improvement": float(1 - models.iloc[0] / bases.iloc[0])}
