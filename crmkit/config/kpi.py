"""KPI overview rules: ``analysis: kpi:``."""

from __future__ import annotations

from pydantic import PositiveFloat

from .base import Rules

__all__ = ["KpiRules"]


class KpiRules(Rules):
    """Attributes
    ----------
    max_lifetime_periods : float, default 40
        Cap on the expected lifetime (1 / period churn rate) in the simple LTV formula.
    """

    max_lifetime_periods: PositiveFloat = 40.0
