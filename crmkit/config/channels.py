"""Marketing-channel rules: ``analysis: channels:``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveFloat, PositiveInt, confloat, model_validator

from .base import Rules

__all__ = ["ChannelsRules"]


class ChannelsRules(Rules):
    """Attributes
    ----------
    lifetime_months : int, default 24
        The value of an acquired customer is counted over the first ``lifetime_months``
        after acquisition: what the customer already bought in that time, plus what the
        BG/NBD and Gamma-Gamma models expect for the months not yet seen.
    value_basis : {"margin", "revenue"}, default "margin"
        ``margin``: lifetime value, payback and value per unit of spend count revenue
        minus the cost of goods (orders' ``cost``) where the export has it; ``revenue``:
        revenue. Without cost data the page uses revenue and says so.
    ltv_cac_rule_of_thumb : float, default 3.0
        The LTV:CAC ratio usually quoted as healthy (a rule of thumb, not a law).
    payback_rule_months : int, default 12
        Payback within this many months is usually considered good.
    attribution_window_days : int, default 365
        Attribution looks at the first purchases (and the visitors who have not bought)
        of the last ``attribution_window_days`` up to the reference date.
    attribution_lookback_days : int, default 30
        Sessions in the ``attribution_lookback_days`` before a first purchase (and the
        session of the purchase itself) form the customer's journey.
    first_touch_weight, last_touch_weight : float, default 0.4, 0.4
        Position-based attribution: the first and the last session of a journey get
        these shares, the sessions in between share the rest (40/20/40).
    budget_shift_share : float, default 0.1
        The recommended shift moves this share of the weakest channel's spend.
    min_customers : int, default 30
        A channel needs this many acquired customers to be recommended for more or less
        budget.
    bootstrap_draws : int, default 1000
        Draws of the bootstrap over acquisition months behind the budget intervals.
    interval_level : float, default 0.9
        Probability covered by the intervals of the budget shift.
    exclude_outliers : bool, default True
        Orders the cleaning step flagged as extreme outliers stay out of the value.
    random_state : int, default 0
    """

    lifetime_months: PositiveInt = 24
    value_basis: Literal["margin", "revenue"] = "margin"
    ltv_cac_rule_of_thumb: PositiveFloat = 3.0
    payback_rule_months: PositiveInt = 12
    attribution_window_days: PositiveInt = 365
    attribution_lookback_days: PositiveInt = 30
    first_touch_weight: confloat(ge=0, le=1) = 0.4  # type: ignore[valid-type]
    last_touch_weight: confloat(ge=0, le=1) = 0.4  # type: ignore[valid-type]
    budget_shift_share: confloat(gt=0, le=1) = 0.1  # type: ignore[valid-type]
    min_customers: PositiveInt = 30
    bootstrap_draws: int = Field(default=1000, ge=100, le=100_000)
    interval_level: confloat(gt=0.5, lt=1) = 0.9  # type: ignore[valid-type]
    exclude_outliers: bool = True
    random_state: int = Field(default=0, ge=0)

    @model_validator(mode="after")
    def _weights(self):
        if self.first_touch_weight + self.last_touch_weight > 1:
            raise ValueError("first_touch_weight + last_touch_weight must be at most 1 "
                             "(the sessions in between share the rest)")
        return self
