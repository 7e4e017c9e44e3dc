"""Churn-model rules: ``analysis: churn:``."""

from __future__ import annotations

from datetime import date

from pydantic import Field, NonNegativeFloat, PositiveFloat, PositiveInt, confloat

from .base import Rules

__all__ = ["ChurnRules"]


class ChurnRules(Rules):
    """Attributes
    ----------
    horizon_days : int, default 90
        N: a customer churns when they make no purchase in the N days after a cut-off.
    lookback_days : int, default 365
        Active = at least one purchase in these days up to the cut-off.
    trend_days : int, default 90
        Spend trend: the last ``trend_days`` against the ``trend_days`` before.
    complaint_days : int, default 90
        Complaints and tickets counted over these days.
    web_days : int, default 30
        Web sessions counted over these days.
    max_categories : int, default 8
        Labels kept per categorical feature (others: "other").
    train_cutoff, test_cutoff : date, optional
        Explicit cut-offs override the automatic choice.
    contact_cost : float, default 5
        Cost of one retention contact, in the dataset's currency.
    retention_success_rate : float, default 0.2
        Share of contacted would-be churners who then stay.
    value_per_saved_customer : float, optional
        ``None``: the mean customer value at the test cut-off.
    value_months : int, default 12
        Customer value: expected CLV (or past spend) over these months.
    tree_max_depth : int, default 3
    random_state : int, default 0
    """

    horizon_days: PositiveInt = 90
    lookback_days: PositiveInt = 365
    trend_days: PositiveInt = 90
    complaint_days: PositiveInt = 90
    web_days: PositiveInt = 30
    max_categories: PositiveInt = 8
    train_cutoff: date | None = None
    test_cutoff: date | None = None
    contact_cost: NonNegativeFloat = 5.0
    retention_success_rate: confloat(gt=0, le=1) = 0.2  # type: ignore[valid-type]
    value_per_saved_customer: PositiveFloat | None = None
    value_months: PositiveInt = 12
    tree_max_depth: PositiveInt = 3
    random_state: int = Field(default=0, ge=0)
