"""Segmentation (notebook 03): RFM scores and segments, value tiers, k-means clusters."""

from .narrative import (
    planted_crosstab,
    planted_recovery,
    segmentation_findings,
)
from .segmentation import (
    DEFAULT_SEGMENT_ACTIONS,
    DEFAULT_SEGMENT_MAP,
    N_SCORES,
    TIER_LABELS,
    RFMClusterer,
    assign_segments,
    describe_clusters,
    quantile_scores,
    revenue_concentration,
    rf_grid,
    rfm_scores,
    score_ranges,
    segment_customers,
    segment_grid,
    segment_table,
    tier_table,
    value_tiers,
)

__all__ = [
    "N_SCORES",
    "DEFAULT_SEGMENT_MAP",
    "DEFAULT_SEGMENT_ACTIONS",
    "TIER_LABELS",
    "quantile_scores",
    "rfm_scores",
    "score_ranges",
    "segment_grid",
    "assign_segments",
    "rf_grid",
    "segment_table",
    "value_tiers",
    "tier_table",
    "revenue_concentration",
    "segment_customers",
    "RFMClusterer",
    "describe_clusters",
    "segmentation_findings",
    "planted_crosstab",
    "planted_recovery",
]
