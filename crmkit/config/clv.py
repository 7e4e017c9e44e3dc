"""Customer-lifetime-value rules: ``analysis: clv:``."""

from __future__ import annotations

from typing import Literal

from pydantic import NonNegativeFloat, PositiveInt

from .base import Rules

__all__ = ["ClvRules"]


class ClvRules(Rules):
    """Attributes
    ----------
    holdout_weeks : int, optional
        ``None``: a quarter of the history up to the report date, at most
        ``max_holdout_weeks``.
    max_holdout_weeks : int, default 26
    horizon_months : int, default 12
        Predicted CLV covers the next N months.
    discount_rate : float, default 0.01
        Per month.
    time_unit : {"W", "D"}, default "W"
        Time unit of the BTYD models.
    transaction_model : {"bgnbd", "pareto_nbd"}, default "bgnbd"
        The model behind ``clv_predictions.csv``.
    max_frequency_bucket : int, default 7
        Holdout table: 0, 1, ..., 7+ calibration repeat purchases.
    simple_window_days : int, default 365
        Simple formula: inputs measured over the last year.
    max_lifetime_periods : float, default 40
        Simple formula: cap on 1 / yearly dropout.
    exclude_outliers : bool, default True
        Orders flagged as extreme outliers stay out of the fits.
    """

    holdout_weeks: PositiveInt | None = None
    max_holdout_weeks: PositiveInt = 26
    horizon_months: PositiveInt = 12
    discount_rate: NonNegativeFloat = 0.01
    time_unit: Literal["W", "D"] = "W"
    transaction_model: Literal["bgnbd", "pareto_nbd"] = "bgnbd"
    max_frequency_bucket: PositiveInt = 7
    simple_window_days: PositiveInt = 365
    max_lifetime_periods: PositiveInt = 40
    exclude_outliers: bool = True
