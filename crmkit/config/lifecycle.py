"""Lifecycle, cohort and tier-migration rules: ``analysis: lifecycle:``."""

from __future__ import annotations

from typing import Literal

from pydantic import PositiveInt, model_validator

from .base import Rules
from .segmentation import TierThresholds

__all__ = ["LifecycleRules", "STAGE_RULE_KEYS"]

STAGE_RULE_KEYS = ("new_days", "at_risk_days", "churn_days", "reactivated_days",
                   "loyal_min_purchases", "loyal_window_days")
"""The rules that define the lifecycle stages (the others set tiers and cohorts)."""


class LifecycleRules(Rules):
    """Attributes
    ----------
    new_days : int, default 90
        First purchase less than this many days ago: new.
    at_risk_days : int, default 90
        No purchase for this many days: at risk.
    churn_days : int, default 180
        No purchase for this many days: lapsed (the lifecycle's own churn definition).
    reactivated_days : int, default 90
        Came back after a ``churn_days`` gap less than this many days ago: reactivated.
    loyal_min_purchases : int, default 3
        Purchase days within ``loyal_window_days`` to count as loyal.
    loyal_window_days : int, default 365
    tier_window_days : int, default 365
        Value tiers are computed on the revenue of this trailing window.
    tier_thresholds : (float, float), default (0.8, 0.95)
        Cumulative revenue shares closing the high and medium tiers.
    cohort_freq : {"M", "Q"}, default "M"
        Acquisition cohorts by calendar month or quarter.
    min_cohort_customers : int, default 20
        Smaller cohorts are left out of the heatmaps (too noisy).
    """

    new_days: PositiveInt = 90
    at_risk_days: PositiveInt = 90
    churn_days: PositiveInt = 180
    reactivated_days: PositiveInt = 90
    loyal_min_purchases: PositiveInt = 3
    loyal_window_days: PositiveInt = 365
    tier_window_days: PositiveInt = 365
    tier_thresholds: TierThresholds = (0.8, 0.95)
    cohort_freq: Literal["M", "Q"] = "M"
    min_cohort_customers: PositiveInt = 20

    @model_validator(mode="after")
    def _ordered(self):
        if self.churn_days <= self.at_risk_days:
            raise ValueError(f"churn_days ({self.churn_days}) must be longer than at_risk_days "
                             f"({self.at_risk_days})")
        return self

    @property
    def stage_rules(self) -> dict[str, int]:
        """The stage thresholds as a mapping (see :data:`STAGE_RULE_KEYS`)."""
        return {k: getattr(self, k) for k in STAGE_RULE_KEYS}
