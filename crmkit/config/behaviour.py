"""Behaviour rules: ``analysis: behaviour:``."""

from __future__ import annotations

from pydantic import PositiveInt

from .base import Rules

__all__ = ["BehaviourRules"]


class BehaviourRules(Rules):
    """Attributes
    ----------
    window_months : int, default 12
        Behaviour is described over the months ending with the report period (a full
        year shows every weekday, month and festival).
    festival_baseline_days : int, default 28
        A festival day is compared with the median day within this many days.
    reorder_horizon_days : int, default 90
        "Share who buy again within N days".
    frequency_cap : int, default 10
        Orders per customer shown up to "10+".
    """

    window_months: PositiveInt = 12
    festival_baseline_days: PositiveInt = 28
    reorder_horizon_days: PositiveInt = 90
    frequency_cap: PositiveInt = 10
