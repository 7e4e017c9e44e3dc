"""Market-basket and recommendation rules: ``analysis: basket:``."""

from __future__ import annotations

from pydantic import Field, PositiveInt, confloat

from .base import Rules

__all__ = ["BasketRules"]


class BasketRules(Rules):
    """Attributes
    ----------
    lookback_days : int, optional
        Baskets of the last ``lookback_days`` up to the report date; ``None``: every
        purchase up to the report date.
    min_support : float, default 0.001
        An itemset is frequent when at least this share of baskets holds it ...
    min_count : int, default 20
        ... and at least this many baskets. The larger of the two thresholds applies,
        so a small export cannot produce rules from a handful of baskets.
    max_len : int, default 3
        Largest itemset (antecedent plus consequent) searched.
    min_confidence : float, default 0.1
        Rules kept: the consequent is in at least this share of the antecedent's baskets ...
    min_lift : float, default 1.2
        ... at least this many times as often as in an average basket.
    cross_sell_top : int, default 3
        Companions listed per product in the cross-sell table.
    cross_sell_response_rate : float, default 0.05
        Assumed share of a product's buyers who buy the companion after one targeted
        offer; turns "revenue if each bought it once" into the expected revenue of a
        campaign.
    top_n : int, default 5
        Recommendations per active customer; the evaluation reports N = 1, 3, 5, 10 and this N.
    active_days : int, default 365
        Active customers (who get recommendations): a purchase in these days.
    popularity_penalty : float, default 0.5
        Item-to-item score ``co-baskets(i, j) / (baskets(i) ** (1 - a) * baskets(j) ** a)``:
        0 ranks companions by how often they are bought with ``i`` (favours best
        sellers), 0.5 is the cosine similarity, 1 ranks by lift-like rarity.
    neighbours : int, default 20
        Companions kept per product in the item-to-item table (fewer: faster lists; on
        the demo, 10 to 50 give held-out hit rates within 1.5 points of each other).
    min_pair_count : int, default 3
        Pairs seen in fewer baskets carry no weight in the recommender.
    repurchase_share : float, default 0.3
        A product already bought is recommended again only when at least this share
        of its buyers who came back bought it again.
    repurchase_min_buyers : int, default 20
        ... and at least this many of its buyers came back (else the share is too
        uncertain and the product is not recommended again).
    """

    lookback_days: PositiveInt | None = None
    min_support: confloat(gt=0, le=1) = 0.001  # type: ignore[valid-type]
    min_count: PositiveInt = 20
    max_len: int = Field(default=3, ge=2, le=5)
    min_confidence: confloat(ge=0, le=1) = 0.1  # type: ignore[valid-type]
    min_lift: confloat(ge=0) = 1.2  # type: ignore[valid-type]
    cross_sell_top: PositiveInt = 3
    cross_sell_response_rate: confloat(gt=0, le=1) = 0.05  # type: ignore[valid-type]
    top_n: int = Field(default=5, ge=1, le=50)
    active_days: PositiveInt = 365
    popularity_penalty: confloat(ge=0, le=1) = 0.5  # type: ignore[valid-type]
    neighbours: PositiveInt = 20
    min_pair_count: PositiveInt = 3
    repurchase_share: confloat(ge=0, le=1) = 0.3  # type: ignore[valid-type]
    repurchase_min_buyers: PositiveInt = 20
