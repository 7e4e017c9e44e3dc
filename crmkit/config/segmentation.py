"""Segmentation rules: ``analysis: segmentation:``."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, Field, PositiveInt, model_validator

from .base import Rules

__all__ = ["SegmentationRules", "TierThresholds"]


def _shares(v: tuple[float, float]) -> tuple[float, float]:
    if not 0 < v[0] <= v[1] <= 1:
        raise ValueError("two cumulative revenue shares like [0.8, 0.95], the first not above the second")
    return v


TierThresholds = Annotated[tuple[float, float], AfterValidator(_shares)]
"""Cumulative revenue shares closing the high and the medium value tier (ABC rule)."""


def _k_range(v: tuple[int, int]) -> tuple[int, int]:
    if not 2 <= v[0] <= v[1]:
        raise ValueError("two whole numbers like [2, 8], the smallest at least 2")
    return v


class SegmentationRules(Rules):
    """Attributes
    ----------
    segment_map : dict, optional
        Segment name -> ``{r: "4-5", f: 1}`` cells; must cover every (R, F) cell once.
        ``None``: :data:`crmkit.analysis.segmentation.DEFAULT_SEGMENT_MAP`.
    segment_actions : dict of str to str
        Overrides merged into the default action per segment.
    tier_thresholds : (float, float), default (0.8, 0.95)
    n_clusters : int, optional
        k-means clusters; ``None``: chosen by the silhouette score over ``k_range``.
    k_range : (int, int), default (2, 8)
    lookback_days : int, optional
        ``None``: all purchases up to the report date; 365: the last year.
    """

    segment_map: dict[str, dict[str, Any] | list[dict[str, Any]]] | None = None
    segment_actions: dict[str, str] = Field(default_factory=dict)
    tier_thresholds: TierThresholds = (0.8, 0.95)
    n_clusters: PositiveInt | None = None
    k_range: Annotated[tuple[int, int], AfterValidator(_k_range)] = (2, 8)
    lookback_days: PositiveInt | None = None

    @model_validator(mode="after")
    def _grid(self):
        if self.segment_map is not None:
            from ..analysis.segmentation.segmentation import segment_grid

            segment_grid(self.segment_map)  # raises ParamsError naming the cells
        return self
