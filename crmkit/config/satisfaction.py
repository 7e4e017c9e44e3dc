"""Satisfaction and service rules: ``analysis: satisfaction:``."""

from __future__ import annotations

from pydantic import Field, PositiveFloat, PositiveInt, field_validator

from .base import Rules

__all__ = ["SatisfactionRules"]


class SatisfactionRules(Rules):
    """Attributes
    ----------
    sla_hours : float, default 48
        Service level for complaints: a complaint meets it when it is resolved at most
        this many hours after it was opened (exactly ``sla_hours`` still meets it).
    first_response_sla_hours : float, default 24
        Service level for the first answer to a complaint (tickets with
        ``first_response_at``).
    slow_ticket_days : float, default 3
        A ticket is *slow* when it took longer than this to resolve (or is still open
        and older than this).
    service_window_days : int, default 90
        Tickets opened in these days before a survey answer are linked to the answer
        (driver analysis).
    driver_window_days : int, default 365
        Survey answers in these days up to the reference date feed the driver analysis.
    min_responses : int, default 30
        Groups with fewer answers are shown but flagged as too small to read.
    repeat_complaint_days : int, default 365
        A repeat complainer filed two or more complaints in these days up to the
        reference date.
    comparison_days : int, default 90
        Complainers compared with non-complainers: customers who complained in these days
        before the comparison cut-off (the reference date minus the churn horizon).
    tenure_bands_days : list of int, default [90, 365, 730]
        Edges of the tenure bands (days since the first purchase) used for matching.
    referral_channels : list of str, default ["referral", "推荐", "老带新", "转介绍"]
        Acquisition channels that mean "came by referral" (compared case-insensitively).
    callback_days : int, default 30
        Detractors who answered in these days up to the reference date are called back.
    callback_value_quantile : float, default 0.8
        A customer is *high value* at or above this quantile of customer value (expected
        CLV, or past spend when no CLV model can be fitted).
    text_prior_scale : float, default 500
        Weight of the informative Dirichlet prior of the distinctive-terms log-odds, in
        pseudo-words spread like the whole corpus (Monroe, Colaresi & Quinn 2008).
    themes_per_group : int, default 6
        Distinctive terms shown per group and language.
    examples_per_theme : int, default 3
        Example comments shown per term (masked for names and phones).
    min_term_count : int, default 5
        Terms used fewer times in the whole corpus are ignored.
    value_months : int, default 12
        Customer value for the call-back list: expected CLV over these months.
    confidence : float, default 0.95
        Level of every confidence interval on the page.
    """

    sla_hours: PositiveFloat = 48.0
    first_response_sla_hours: PositiveFloat = 24.0
    slow_ticket_days: PositiveFloat = 3.0
    service_window_days: PositiveInt = 90
    driver_window_days: PositiveInt = 365
    min_responses: PositiveInt = 30
    repeat_complaint_days: PositiveInt = 365
    comparison_days: PositiveInt = 90
    tenure_bands_days: list[PositiveInt] = Field(default_factory=lambda: [90, 365, 730])
    referral_channels: list[str] = Field(default_factory=lambda: ["referral", "推荐", "老带新", "转介绍"])
    callback_days: PositiveInt = 30
    callback_value_quantile: float = Field(default=0.8, ge=0.0, lt=1.0)
    text_prior_scale: PositiveFloat = 500.0
    themes_per_group: PositiveInt = 6
    examples_per_theme: int = Field(default=3, ge=1, le=5)
    min_term_count: PositiveInt = 5
    value_months: PositiveInt = 12
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)

    @field_validator("tenure_bands_days")
    @classmethod
    def _increasing(cls, v: list[int]) -> list[int]:
        if not v or any(b <= a for a, b in zip(v, v[1:])):
            raise ValueError("tenure_bands_days must be a non-empty list of increasing day counts")
        return v
