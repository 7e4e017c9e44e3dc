"""Sales-forecast rules: ``analysis: forecast:``."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, PositiveInt, confloat, field_validator

from .base import Rules

__all__ = ["ForecastRules"]


class ForecastRules(Rules):
    """Attributes
    ----------
    horizon_quarters : int, default 2
        The forecast runs from the day after the report's reference date to the end of
        this many calendar quarters after it (the first of them is "the next quarter"
        on the index page).
    history_start : date, optional
        First day the models learn from; ``None``: the first day with data. Set it when
        the start of the data is not like the rest (CDNOW: the cohort was acquired in
        1997-Q1, so from April on the data hold only its repeat purchases).
    exclude_outliers : bool, default True
        Orders the cleaning step flagged as extreme outliers are left out of the series.
    trend : {"level", "trend"}, default "level"
        The model's trend: a local level (the recent level carried forward) or a local
        linear trend (the recent growth carried forward, which can run away over months).
    yearly_harmonics : int, default 2
        Smoothness of the yearly curve (Fourier pairs; 1: one peak a year).
    yearly_min_days : int, default 730
        A yearly curve is estimated only from at least this much history: one year
        cannot tell a season from a trend.
    festival_windows : dict, optional
        Festival name -> ``[days_before, days_after]``: a run-up and an aftermath with
        effects of their own. ``None``: 618 (17, 0), Double 11 (10, 1) and Chinese New
        Year (5, 7) (:data:`crmkit.analysis.forecast.DEFAULT_FESTIVAL_WINDOWS`).
    use_spend : bool, default True
        When the dataset has marketing spend, also try the model with daily spend as a
        regressor (future spend assumed at the average of the last ``spend_days`` days);
        the backtest decides whether it is used.
    spend_days : int, default 28
    backtest_horizon_days : int, default 91
        Days forecast from each backtest origin (a quarter, what the index shows).
    backtest_folds : int, default 4
        Origins of the rolling-origin backtest.
    backtest_step_days : int, default 28
        Days between origins.
    moving_average_days : int, default 28
        Window of the moving-average baseline.
    interval : float, default 0.8
        Coverage of the prediction intervals (0.8: the actual should fall inside 8
        times out of 10).
    n_paths : int, default 500
        Simulated futures behind intervals and period totals.
    segment_by : str, optional, default "sales_channel"
        Forecast per segment: an orders column or a customers column
        (``acquisition_channel``, ``region``, ``crm_segment``); skipped when the data
        lack it; ``None``: no segment forecast.
    max_segments : int, default 6
    random_state : int, default 0
    """

    horizon_quarters: PositiveInt = 2
    history_start: date | None = None
    exclude_outliers: bool = True
    trend: Literal["level", "trend"] = "level"
    yearly_harmonics: int = Field(default=2, ge=1, le=6)
    yearly_min_days: int = Field(default=730, ge=400)
    festival_windows: dict[str, tuple[int, int]] | None = None
    use_spend: bool = True
    spend_days: PositiveInt = 28
    backtest_horizon_days: int = Field(default=91, ge=7, le=400)
    backtest_folds: int = Field(default=4, ge=1, le=24)
    backtest_step_days: PositiveInt = 28
    moving_average_days: PositiveInt = 28
    interval: confloat(gt=0.5, lt=1) = 0.8  # type: ignore[valid-type]
    n_paths: int = Field(default=500, ge=100, le=20000)
    segment_by: str | None = "sales_channel"
    max_segments: int = Field(default=6, ge=1, le=20)
    random_state: int = Field(default=0, ge=0)

    @field_validator("festival_windows")
    @classmethod
    def _windows_non_negative(cls, v):
        if v is not None:
            bad = {k: w for k, w in v.items() if min(w) < 0 or max(w) > 60}
            if bad:
                raise ValueError(f"festival windows are [days_before, days_after], each 0-60; got {bad}")
        return v
