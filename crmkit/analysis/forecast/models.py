"""Forecast models for a daily sales series, and the baselines they must beat.

Every model is a scikit-learn style estimator: ``fit(y)`` on a daily series (one value
per consecutive day) returns the model, :meth:`predict` gives a point forecast (the
median of the simulated futures: robust to the skew of sales) and a prediction interval
per future day, and :meth:`sample_paths` draws possible futures, from which totals per
month or quarter and their intervals follow (:func:`period_totals`). All models work on ``log(1 + y)``: weekday, season and festival
effects on sales are multiplicative (a festival doubles a day, whatever its level), and
on the log scale they add up.

- :class:`SalesForecaster`, the model: a structural time series (statsmodels
  ``UnobservedComponents``) with a local level (optionally a local linear trend), the
  weekday pattern and festival days as regressors (:func:`calendar_regressors`),
  marketing spend as an optional regressor, and a yearly curve. With two years of
  history or more the yearly curve is estimated first, as the ratio of each day to the
  average of the year around it (a centred 365-day moving average contains each
  season, weekday and festival once, so the ratio holds the season and no trend), fitted
  by Fourier terms; with less history one cannot tell a season from a trend, and the
  level absorbs it.
- :class:`HoltWinters`: exponential smoothing with a damped trend and a weekly season
  (statsmodels ``ExponentialSmoothing``): no festivals, no yearly season.
- :class:`SeasonalNaive`: every day repeats the same weekday of the last week
  (``season_length=7``) or of a year earlier (``season_length=364``: 52 weeks, so
  weekdays line up).
- :class:`MovingAverage`: every day is the average of the last ``window`` days.

Baseline intervals come from bootstrapped residuals (Hyndman & Athanasopoulos,
*Forecasting: Principles and Practice*, 3rd ed., section 5.5).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from .series import calendar_regressors, regressor_kind, yearly_terms

__all__ = [
    "MODEL_LABELS",
    "BASELINES",
    "SalesForecaster",
    "HoltWinters",
    "SeasonalNaive",
    "MovingAverage",
    "period_totals",
    "yearly_profile",
    "future_days",
]

MODEL_LABELS = {
    "model": "seasonal model with festivals",
    "model_spend": "seasonal model with festivals and marketing spend",
    "holt_winters": "Holt-Winters (weekly season, damped trend)",
    "naive_week": "same weekday last week",
    "naive_year": "same weekday a year earlier",
    "moving_average": "average of the recent days (moving average)",
}
"""Names the reports use for the models and baselines."""

BASELINES = ("naive_week", "naive_year", "moving_average")
"""Candidate names that are baselines (the rest are models)."""

_DAY = pd.Timedelta(days=1)


def _check_daily(y: pd.Series, name: str = "y") -> pd.Series:
    if not isinstance(y, pd.Series) or not isinstance(y.index, pd.DatetimeIndex):
        raise TypeError(f"{name} must be a pandas Series indexed by day")
    if len(y) < 14:
        raise ValueError(f"{name} needs at least 14 days of history, got {len(y)}")
    if not ((y.index[1:] - y.index[:-1]) == _DAY).all():
        raise ValueError(f"{name} must have one value per consecutive day (fill missing days with 0)")
    if y.isna().any() or (y < 0).any():
        raise ValueError(f"{name} must be non-negative with no missing values")
    return y.astype("float64")


def future_days(last_day, horizon: int) -> pd.DatetimeIndex:
    """The ``horizon`` days after ``last_day``."""
    start = pd.Timestamp(last_day).normalize() + _DAY
    return pd.date_range(start, periods=int(horizon), freq="D", name="date").as_unit("us")


def _require(est, attr: str = "history_"):
    if not hasattr(est, attr):
        raise NotFittedError(f"{type(est).__name__} is not fitted yet; call fit(y) first")


def _summarise_paths(paths: np.ndarray, index: pd.DatetimeIndex, interval: float,
                     point: np.ndarray | None = None) -> pd.DataFrame:
    """Point (the median unless given), median and interval per day from sample paths (reps x days)."""
    a = (1 - interval) / 2
    lo, med, hi = np.quantile(paths, [a, 0.5, 1 - a], axis=0)
    return pd.DataFrame({"forecast": med if point is None else point,
                         "median": med, "lower": lo, "upper": hi}, index=index)


class _Forecaster(BaseEstimator):
    """Shared forecasting: a point forecast and an interval from sample paths."""

    def forecast(self, horizon: int, *, spend: pd.Series | None = None) -> tuple[pd.DataFrame, np.ndarray]:
        """Forecast the ``horizon`` days after the history, with the simulated futures.

        Returns
        -------
        daily : DataFrame
            Indexed by ``date``: ``forecast`` (the median of the simulated futures: as
            likely to be exceeded as not; for the baselines their classic forecast),
            ``median``, ``lower`` and ``upper`` (the ``interval`` prediction interval),
            in the units of ``y``.
        paths : ndarray
            ``(n_paths, horizon)`` simulated futures.
        """
        _require(self)
        paths = self.sample_paths(horizon, spend=spend)
        daily = _summarise_paths(paths, future_days(self.history_.index[-1], horizon), self.interval,
                                 point=self._point(horizon))
        return daily, paths

    def predict(self, horizon: int, *, spend: pd.Series | None = None) -> pd.DataFrame:
        """Forecast the ``horizon`` days after the history (the ``daily`` frame of :meth:`forecast`)."""
        return self.forecast(horizon, spend=spend)[0]

    def _point(self, horizon):
        return None


# --------------------------------------------------------------------------- yearly curve
def yearly_profile(y: pd.Series, *, harmonics: int = 2, regressors: pd.DataFrame | None = None,
                   window: int = 365) -> pd.DataFrame:
    """Estimate the yearly curve as the ratio of each day to the year around it.

    The trend is the centred ``window``-day moving average of ``y``, which holds every
    season, weekday and festival of a year once. ``log(1 + y) - log(1 + trend)`` is
    then regressed (least squares) on Fourier terms of the day of the year
    (:func:`yearly_terms`), together with ``regressors`` (weekdays, festivals) so that
    a festival does not bend the curve. Needs at least ``window + 30`` days.

    Parameters
    ----------
    y : Series
        Daily values.
    harmonics : int, default 2
    regressors : DataFrame, optional
        Calendar columns (:func:`calendar_regressors`) on the days of ``y``.
    window : int, default 365

    Returns
    -------
    DataFrame
        Indexed by the Fourier term (``cos1``, ``sin1``, ...): ``coef`` and ``se``
        (ordinary least-squares standard error, days treated as independent).
    """
    import statsmodels.api as sm

    if len(y) < window + 30:
        raise ValueError(f"the yearly curve needs at least {window + 30} days, got {len(y)}")
    trend = y.rolling(window, center=True).mean()
    ok = trend.notna().to_numpy()
    z = np.log1p(y.to_numpy()[ok]) - np.log1p(trend.to_numpy()[ok])
    F = yearly_terms(y.index[ok], harmonics=harmonics)
    parts = [np.ones((ok.sum(), 1)), F.to_numpy()]
    if regressors is not None and regressors.shape[1]:
        R = regressors.loc[y.index[ok]]
        R = R.loc[:, R.abs().sum() > 0]
        parts.append(R.to_numpy())
    fit = sm.OLS(z, np.column_stack(parts)).fit()
    k = F.shape[1]
    return pd.DataFrame({"coef": fit.params[1:1 + k], "se": fit.bse[1:1 + k]},
                        index=pd.Index(F.columns, name="term"))


# --------------------------------------------------------------------------- the model
class SalesForecaster(_Forecaster):
    """Structural time-series model of a daily sales series (see the module docstring).

    ``log(1 + y_t) = yearly(t) + level_t + weekday_t + festivals_t [+ b * spend_t] + e_t``,
    where the level follows a random walk (``trend="level"``) or a random walk with a
    drifting slope (``trend="trend"``), the weekday and festival effects are
    coefficients estimated with the level by the Kalman filter, and ``yearly(t)`` is
    fixed beforehand by :func:`yearly_profile` when the history is long enough.

    Parameters
    ----------
    trend : {"level", "trend"}, default "level"
        Local level, or local linear trend (extrapolates growth: use with care).
    yearly : {"auto", True, False}, default "auto"
        Estimate a yearly curve; ``"auto"``: when the history has at least
        ``yearly_min_days`` days.
    yearly_harmonics : int, default 2
    yearly_min_days : int, default 730
        Two years: the ratio to the moving average then covers one whole year.
    festivals : dict, optional
        Name -> rule (:data:`crmkit.calendar.DEFAULT_FESTIVALS` when None).
    festival_windows : dict, optional
        Name -> ``(days_before, days_after)`` (:data:`DEFAULT_FESTIVAL_WINDOWS` when None).
    use_spend : bool, default False
        Add ``log(1 + spend)`` (centred) as a regressor; :meth:`fit` then needs ``spend``.
        Future spend is the average of the last ``spend_days`` days unless given.
    spend_days : int, default 28
    interval : float, default 0.8
        Coverage of the prediction intervals.
    n_paths : int, default 500
        Simulated futures for intervals and totals.
    start_params : array-like, optional
        Starting values of the variances for the optimiser (e.g. ``params_`` of a fit
        on a shorter history); only speeds the fit up.
    random_state : int, default 0

    Attributes
    ----------
    history_ : Series
        The fitted daily series.
    result_ : statsmodels UnobservedComponentsResults
    params_ : ndarray
        The estimated variances (irregular, level[, trend]) on the log scale.
    converged_ : bool
        Whether the optimiser reported convergence (a ``ConvergenceWarning`` is
        recorded here instead of printed).
    effects_ : DataFrame
        One row per regressor: ``kind`` (weekday, festival, spend), ``effect`` (log
        scale), ``se``, ``factor`` (``exp(effect)``: 1.25 means 25% more than an
        ordinary day), ``lower``, ``upper`` (95% interval of the factor).
    yearly_ : DataFrame or None
        :func:`yearly_profile` (None without a yearly curve).
    columns_ : list of str
        The regressors (festivals absent from the history are left out: their effect
        is unknown, so future occurrences are forecast as ordinary days).
    """

    def __init__(self, *, trend: str = "level", yearly="auto", yearly_harmonics: int = 2,
                 yearly_min_days: int = 730, festivals: Mapping | None = None,
                 festival_windows: Mapping | None = None, use_spend: bool = False,
                 spend_days: int = 28, interval: float = 0.8, n_paths: int = 500,
                 start_params=None, random_state: int = 0):
        self.trend = trend
        self.yearly = yearly
        self.yearly_harmonics = yearly_harmonics
        self.yearly_min_days = yearly_min_days
        self.festivals = festivals
        self.festival_windows = festival_windows
        self.use_spend = use_spend
        self.spend_days = spend_days
        self.interval = interval
        self.n_paths = n_paths
        self.start_params = start_params
        self.random_state = random_state

    # ---------------------------------------------------------------- fit
    def _calendar(self, index: pd.DatetimeIndex) -> pd.DataFrame:
        return calendar_regressors(index, festivals=self.festivals, windows=self.festival_windows)

    def _yearly_curve(self, index: pd.DatetimeIndex) -> np.ndarray:
        if self.yearly_ is None:
            return np.zeros(len(index))
        F = yearly_terms(index, harmonics=self.yearly_harmonics)
        return F.to_numpy() @ self.yearly_["coef"].to_numpy()

    def _design(self, index: pd.DatetimeIndex, spend: pd.Series | None) -> pd.DataFrame:
        X = self._calendar(index).reindex(columns=[c for c in self.columns_ if c != "marketing spend"],
                                          fill_value=0.0)
        if self.use_spend:
            s = np.log1p(spend.reindex(index).to_numpy(dtype="float64")) - self.spend_center_
            X["marketing spend"] = s
        return X

    def fit(self, y: pd.Series, *, spend: pd.Series | None = None) -> SalesForecaster:
        """Fit the model to a daily series.

        Parameters
        ----------
        y : Series
            One non-negative value per consecutive day (revenue or orders).
        spend : Series, optional
            Daily marketing spend covering the days of ``y`` (needed with ``use_spend``).

        Returns
        -------
        SalesForecaster
        """
        from statsmodels.tsa.statespace.structural import UnobservedComponents

        if self.trend not in ("level", "trend"):
            raise ValueError(f"trend must be 'level' or 'trend', got {self.trend!r}")
        y = _check_daily(y)
        index = y.index
        cal = self._calendar(index)
        cal = cal.loc[:, cal.abs().sum() > 0]
        want_yearly = (len(y) >= self.yearly_min_days) if self.yearly == "auto" else bool(self.yearly)
        self.yearly_ = (yearly_profile(y, harmonics=self.yearly_harmonics, regressors=cal)
                        if want_yearly else None)
        self.columns_ = list(cal.columns)
        if self.use_spend:
            if spend is None:
                raise ValueError("use_spend=True needs the daily marketing spend (spend=...)")
            s = spend.reindex(index).fillna(0.0).astype("float64")
            self.spend_center_ = float(np.log1p(s).mean())
            self.recent_spend_ = float(s.iloc[-self.spend_days:].mean())
            self.columns_.append("marketing spend")
            spend = s
        X = self._design(index, spend)
        z = np.log1p(y.to_numpy()) - self._yearly_curve(index)
        level = "local level" if self.trend == "level" else "local linear trend"
        model = UnobservedComponents(z, level=level, exog=X.to_numpy() if X.shape[1] else None,
                                     mle_regression=False)
        start = None
        if self.start_params is not None and len(self.start_params) == len(model.start_params):
            start = np.asarray(self.start_params, dtype=float)
        with warnings.catch_warnings():
            # handled: convergence is recorded in ``converged_`` and the backtest judges
            # the forecasts either way
            warnings.simplefilter("ignore", ConvergenceWarning)
            # Nelder-Mead: two or three variances, and half the likelihood evaluations
            # of L-BFGS with numerical gradients
            self.result_ = model.fit(start_params=start, method="nm", maxiter=1000, disp=False)
        self.params_ = np.asarray(self.result_.params)
        self.converged_ = bool(self.result_.mle_retvals.get("converged", True))
        self.history_ = y
        self.effects_ = self._effects()
        return self

    def _effects(self) -> pd.DataFrame:
        k = len(self.columns_)
        cols = ["kind", "effect", "se", "factor", "lower", "upper"]
        if not k:
            return pd.DataFrame(columns=cols, index=pd.Index([], name="regressor"))
        state = self.result_.smoothed_state[-k:, -1]
        cov = self.result_.smoothed_state_cov[-k:, -k:, -1]
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
        kind = ["spend" if c == "marketing spend" else regressor_kind(c) for c in self.columns_]
        out = pd.DataFrame({"kind": kind, "effect": state, "se": se, "factor": np.exp(state),
                            "lower": np.exp(state - 1.96 * se), "upper": np.exp(state + 1.96 * se)},
                           index=pd.Index(self.columns_, name="regressor"))
        wd = out["kind"] == "weekday"
        if wd.sum() == 6:  # effect coding: Sunday is minus the sum of the other six
            names = list(out.index[wd])
            w = np.zeros(k)
            w[[self.columns_.index(c) for c in names]] = -1.0
            e, s = float(w @ state), float(np.sqrt(max(w @ cov @ w, 0.0)))
            sun = pd.DataFrame({"kind": "weekday", "effect": e, "se": s, "factor": np.exp(e),
                                "lower": np.exp(e - 1.96 * s), "upper": np.exp(e + 1.96 * s)},
                               index=pd.Index(["Sun"], name="regressor"))
            pos = int(np.flatnonzero(wd)[-1]) + 1
            out = pd.concat([out.iloc[:pos], sun, out.iloc[pos:]])
        return out

    # ---------------------------------------------------------------- forecast
    def _future_spend(self, index, spend):
        if not self.use_spend:
            return None
        if spend is None:
            return pd.Series(self.recent_spend_, index=index)
        return spend.reindex(index).fillna(self.recent_spend_)

    def sample_paths(self, horizon: int, *, spend: pd.Series | None = None) -> np.ndarray:
        """Simulate ``n_paths`` futures of the ``horizon`` days after the history.

        Each path draws the end-of-history level and the effects from their estimated
        distribution, then the level's random walk and the daily noise.

        Returns
        -------
        ndarray
            ``(n_paths, horizon)``, in the units of ``y`` (never below zero).
        """
        _require(self)
        index = future_days(self.history_.index[-1], horizon)
        X = self._design(index, self._future_spend(index, spend))
        rng = np.random.default_rng(self.random_state)
        sim = self.result_.simulate(int(horizon), anchor="end", repetitions=int(self.n_paths),
                                    exog=X.to_numpy() if X.shape[1] else None, rng=rng)
        z = np.asarray(sim).reshape(int(horizon), -1).T + self._yearly_curve(index)[None, :]
        return np.clip(np.expm1(z), 0.0, None)

    def components(self) -> pd.DataFrame:
        """The history split into its parts, on the log scale (they add up).

        Returns
        -------
        DataFrame
            Indexed by ``date``: ``observed`` (``log(1 + y)``), ``trend`` (the smoothed
            level), ``weekly``, ``yearly``, ``festivals``, ``spend`` (0 without) and
            ``irregular`` (the rest). ``exp`` of a part is a factor: a weekly part of
            0.1 means 10.5% above the average weekday.
        """
        _require(self)
        index = self.history_.index
        k = len(self.columns_)
        X = (np.asarray(self.result_.model.exog) if k else np.zeros((len(index), 0)))
        beta = self.result_.smoothed_state[-k:, :] if k else np.zeros((0, len(index)))
        kinds = np.asarray(["spend" if c == "marketing spend" else regressor_kind(c) for c in self.columns_])
        contrib = X * beta.T  # regression states are constant: smoothed = final estimate
        part = {kind: contrib[:, kinds == kind].sum(axis=1) for kind in ("weekday", "festival", "spend")}
        observed = np.log1p(self.history_.to_numpy())
        out = pd.DataFrame({
            "observed": observed,
            "trend": self.result_.level["smoothed"],
            "weekly": part["weekday"],
            "yearly": self._yearly_curve(index),
            "festivals": part["festival"],
            "spend": part["spend"],
        }, index=index)
        out["irregular"] = out["observed"] - out.drop(columns="observed").sum(axis=1)
        return out


# --------------------------------------------------------------------------- Holt-Winters
class HoltWinters(_Forecaster):
    """Exponential smoothing with a damped additive trend and a weekly season, on ``log(1 + y)``.

    Parameters
    ----------
    season_length : int, default 7
    damped : bool, default True
    interval : float, default 0.8
    n_paths : int, default 500
    random_state : int, default 0

    Attributes
    ----------
    history_ : Series
    result_ : statsmodels HoltWintersResults
    converged_ : bool
        Whether the optimiser reported convergence.
    """

    def __init__(self, *, season_length: int = 7, damped: bool = True, interval: float = 0.8,
                 n_paths: int = 500, random_state: int = 0):
        self.season_length = season_length
        self.damped = damped
        self.interval = interval
        self.n_paths = n_paths
        self.random_state = random_state

    def fit(self, y: pd.Series, *, spend: pd.Series | None = None) -> HoltWinters:
        """Fit to a daily series (``spend`` is ignored)."""
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        y = _check_daily(y)
        z = np.log1p(y.to_numpy())
        model = ExponentialSmoothing(z, trend="add", damped_trend=self.damped, seasonal="add",
                                     seasonal_periods=self.season_length,
                                     initialization_method="estimated")
        with warnings.catch_warnings():
            # handled: convergence is recorded in ``converged_``; the backtest judges the fit
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.result_ = model.fit()
        self.converged_ = bool(getattr(self.result_.mle_retvals, "success", True))
        self.history_ = y
        return self

    def sample_paths(self, horizon: int, *, spend: pd.Series | None = None) -> np.ndarray:
        """Simulated futures ``(n_paths, horizon)`` (bootstrapped one-step errors)."""
        _require(self)
        rng = np.random.default_rng(self.random_state)
        sim = self.result_.simulate(int(horizon), repetitions=int(self.n_paths), anchor="end",
                                    error="add", random_errors="bootstrap", rng=rng)
        z = np.asarray(sim).reshape(int(horizon), -1).T
        return np.clip(np.expm1(z), 0.0, None)


# --------------------------------------------------------------------------- baselines
class SeasonalNaive(_Forecaster):
    """Each future day repeats the same day ``season_length`` days earlier (the last season).

    The point forecast is the classic one (the value a season ago, the season repeated
    as far as needed). Intervals: paths of the seasonal random walk ``z_t = z_{t-m} +
    e_t`` on ``log(1 + y)`` with ``e`` resampled from the history's ``m``-day changes.

    Parameters
    ----------
    season_length : int, default 7
        7: the last week; 364: the same weekday 52 weeks earlier.
    interval : float, default 0.8
    n_paths : int, default 500
    random_state : int, default 0
    """

    def __init__(self, *, season_length: int = 7, interval: float = 0.8, n_paths: int = 500,
                 random_state: int = 0):
        self.season_length = season_length
        self.interval = interval
        self.n_paths = n_paths
        self.random_state = random_state

    def fit(self, y: pd.Series, *, spend: pd.Series | None = None) -> SeasonalNaive:
        """Remember the history (``spend`` is ignored)."""
        y = _check_daily(y)
        m = int(self.season_length)
        if len(y) < m + 28:
            raise ValueError(f"a seasonal naive forecast with season {m} needs at least {m + 28} days")
        self.history_ = y
        z = np.log1p(y.to_numpy())
        self.residuals_ = z[m:] - z[:-m]
        return self

    def _point(self, horizon):
        m = int(self.season_length)
        last = self.history_.to_numpy()[-m:]
        return last[np.arange(int(horizon)) % m]

    def sample_paths(self, horizon: int, *, spend: pd.Series | None = None) -> np.ndarray:
        """Simulated futures ``(n_paths, horizon)``."""
        _require(self)
        m, h = int(self.season_length), int(horizon)
        rng = np.random.default_rng(self.random_state)
        z_last = np.log1p(self.history_.to_numpy()[-m:])
        seasons = -(-h // m)
        e = rng.choice(self.residuals_, size=(int(self.n_paths), seasons, m))
        # z_{T+j} = z_{T+j-m} + e_j: errors add up once per season ahead, phase by phase
        out = z_last[None, None, :] + np.cumsum(e, axis=1)
        out = out.reshape(int(self.n_paths), seasons * m)[:, :h]
        return np.clip(np.expm1(out), 0.0, None)


class MovingAverage(_Forecaster):
    """Every future day is the average of the last ``window`` days.

    Intervals: the average (on ``log(1 + y)``) plus errors resampled from the history's
    differences between a day and the average of the ``window`` days before it.

    Parameters
    ----------
    window : int, default 28
    interval : float, default 0.8
    n_paths : int, default 500
    random_state : int, default 0
    """

    def __init__(self, *, window: int = 28, interval: float = 0.8, n_paths: int = 500,
                 random_state: int = 0):
        self.window = window
        self.interval = interval
        self.n_paths = n_paths
        self.random_state = random_state

    def fit(self, y: pd.Series, *, spend: pd.Series | None = None) -> MovingAverage:
        """Remember the history (``spend`` is ignored)."""
        y = _check_daily(y)
        w = int(self.window)
        if len(y) <= w:
            raise ValueError(f"a {w}-day moving average needs more than {w} days")
        self.history_ = y
        z = pd.Series(np.log1p(y.to_numpy()))
        self.residuals_ = (z - z.rolling(w).mean().shift(1)).dropna().to_numpy()
        return self

    def _point(self, horizon):
        return np.full(int(horizon), self.history_.iloc[-int(self.window):].mean())

    def sample_paths(self, horizon: int, *, spend: pd.Series | None = None) -> np.ndarray:
        """Simulated futures ``(n_paths, horizon)``."""
        _require(self)
        rng = np.random.default_rng(self.random_state)
        base = np.log1p(self.history_.to_numpy()[-int(self.window):]).mean()
        e = rng.choice(self.residuals_, size=(int(self.n_paths), int(horizon)))
        return np.clip(np.expm1(base + e), 0.0, None)


# --------------------------------------------------------------------------- totals
def period_totals(paths: np.ndarray, index: pd.DatetimeIndex, *, freq: str = "M",
                  interval: float = 0.8, point: np.ndarray | None = None) -> pd.DataFrame:
    """Totals per month (or week, quarter) of simulated daily futures, with intervals.

    Parameters
    ----------
    paths : ndarray
        ``(n_paths, days)``, from ``sample_paths``.
    index : DatetimeIndex
        The days of the paths.
    freq : {"W", "M", "Q"}, default "M"
    interval : float, default 0.8
    point : ndarray, optional
        Daily point forecasts whose sums replace the median of the path totals (the
        baselines' classic forecasts).

    Returns
    -------
    DataFrame
        Indexed by ``period`` (pandas Period): ``start``, ``end``, ``days`` (int, days
        forecast in the period), ``forecast`` (median total), ``lower``, ``upper``.

    Examples
    --------
    >>> days = pd.date_range("2026-01-30", periods=4)
    >>> period_totals(np.ones((3, 4)), days)[["days", "forecast"]].to_dict("list")
    {'days': [2, 2], 'forecast': [2.0, 2.0]}
    """
    index = pd.DatetimeIndex(index)
    key = index.to_period({"W": "W-SUN", "M": "M", "Q": "Q"}[freq])
    codes, uniq = pd.factorize(key, sort=True)
    n = len(uniq)
    onehot = np.zeros((len(index), n))
    onehot[np.arange(len(index)), codes] = 1.0
    totals = paths @ onehot
    a = (1 - interval) / 2
    lo, hi = np.quantile(totals, [a, 1 - a], axis=0)
    fc = np.median(totals, axis=0) if point is None else np.asarray(point) @ onehot
    days = onehot.sum(axis=0).astype(np.int64)
    return pd.DataFrame({"start": [index[codes == i].min() for i in range(n)],
                         "end": [index[codes == i].max() for i in range(n)],
                         "days": days, "forecast": fc, "lower": lo, "upper": hi},
                        index=pd.PeriodIndex(uniq, name="period"))
