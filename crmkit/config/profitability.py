"""Customer-profitability rules: ``analysis: profitability:``."""

from __future__ import annotations

from pydantic import Field, NonNegativeFloat, PositiveInt, confloat

from .base import Rules

__all__ = ["ProfitabilityRules"]


class ProfitabilityRules(Rules):
    """Attributes
    ----------
    lookback_days : int, optional, default 365
        Profit per customer counts the orders and tickets of the last ``lookback_days``
        up to the reference date; ``None``: the whole history.
    cost_per_ticket : float, default 30
        Service cost of one ticket, in the dataset's currency.
    cost_per_complaint : float, optional
        Service cost of a ticket marked as a complaint; ``None``: ``cost_per_ticket``.
    return_cost_per_order : float, default 15
        Handling and return postage of one returned order (the outbound shipping of the
        order is counted as well, where the export has it).
    return_writeoff_share : float, default 0.0
        Share of a returned order's product cost that is lost (goods that cannot be
        sold again); 0: everything goes back on the shelf.
    revenue_includes_discount : bool, default False
        ``False``: an order's revenue is before its discount, so the discount is
        subtracted as a cost; ``True``: revenue is the amount paid with the discount
        already taken off, so discounts are shown as a reason but not subtracted again.
    min_group_customers : int, default 30
        Groups (segment, channel, region) with fewer customers are shown but not named
        in the findings.
    exclude_outliers : bool, default True
        Orders the cleaning step flagged as extreme outliers stay out of the profit.
    """

    lookback_days: PositiveInt | None = 365
    cost_per_ticket: NonNegativeFloat = 30.0
    cost_per_complaint: NonNegativeFloat | None = None
    return_cost_per_order: NonNegativeFloat = 15.0
    return_writeoff_share: confloat(ge=0, le=1) = 0.0  # type: ignore[valid-type]
    revenue_includes_discount: bool = False
    min_group_customers: PositiveInt = Field(default=30)
    exclude_outliers: bool = True
