"""Sales-funnel rules: ``analysis: funnel:``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveFloat, PositiveInt, field_validator

from .base import Rules

__all__ = ["FunnelRules", "DEFAULT_CLOSED_STAGES"]

DEFAULT_CLOSED_STAGES = ("closed", "closed won", "closed lost", "won", "lost",
                         "赢单", "输单", "成交", "关闭")
"""Stage labels that mark the end of a deal, not a step of the pipeline (case ignored)."""


class FunnelRules(Rules):
    """Attributes
    ----------
    stages : list of str, optional
        The pipeline stages in order (``[lead, qualified, proposal, negotiation]``).
        ``None``: inferred from the stage history (stages sorted by the position at
        which deals usually enter them).
    closed_stages : list of str
        Labels in the stage history that mark a closed deal rather than a stage
        (compared without case).
    lookback_days : int, default 365
        Conversion rates, stage times and the bottleneck use the deals created in the
        last ``lookback_days`` up to the reference date.
    min_group_deals : int, default 20
        A group (owner, channel, deal size, ...) needs this many deals entering a stage
        to serve as the benchmark for that stage.
    min_at_risk : int, default 10
        Win chances by age in stage are read where at least this many past deals were
        still in the stage; older open deals get the chance at that age.
    size_bands : int, default 3
        Deals are grouped into this many deal-size bands of equal counts.
    cohort_freq : {"M", "Q"}, default "M"
        Deal cohorts by the calendar month or quarter of creation.
    coverage_rule_of_thumb : float, default 3.0
        Open pipeline as a multiple of the target that is usually considered enough.
    """

    stages: list[str] | None = None
    closed_stages: list[str] = Field(default_factory=lambda: list(DEFAULT_CLOSED_STAGES))
    lookback_days: PositiveInt = 365
    min_group_deals: PositiveInt = 20
    min_at_risk: PositiveInt = 10
    size_bands: int = Field(default=3, ge=1, le=10)
    cohort_freq: Literal["M", "Q"] = "M"
    coverage_rule_of_thumb: PositiveFloat = 3.0

    @field_validator("stages")
    @classmethod
    def _distinct(cls, v):
        if v is not None:
            if len(v) < 2:
                raise ValueError("at least two stages, in pipeline order")
            if len({s.strip().lower() for s in v}) != len(v):
                raise ValueError("each stage once")
        return v
