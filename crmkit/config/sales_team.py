"""Sales-team rules: ``analysis: sales_team:``."""

from __future__ import annotations

from pydantic import Field, PositiveInt, confloat

from .base import Rules

__all__ = ["SalesTeamRules"]


class SalesTeamRules(Rules):
    """Attributes
    ----------
    lookback_days : int, default 365
        Win rates, deal sizes, cycle lengths and stage conversion per salesperson use
        the deals closed (or, for stages, created) in the last ``lookback_days`` up to
        the reference date, so that a quarter's luck averages out.
    interval_level : float, default 0.95
        Probability covered by the win-rate intervals.
    min_closed_deals : int, default 10
        Salespeople with fewer closed deals in the window are listed but get no
        coaching points (too little to go on).
    significance : float, default 0.05
        A difference in deal size or speed against the rest of the team is called real
        when its test gives a p-value below this.
    """

    lookback_days: PositiveInt = 365
    interval_level: confloat(gt=0.5, lt=1) = 0.95  # type: ignore[valid-type]
    min_closed_deals: PositiveInt = 10
    significance: confloat(gt=0, lt=0.5) = Field(default=0.05)  # type: ignore[valid-type]
