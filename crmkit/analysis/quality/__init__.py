"""Data quality (notebook 00): findings of the cleaning step and the planted-defect check.

The cleaning itself is part of the data layer (:mod:`crmkit.data.cleaning`)."""

from .narrative import (
    compare_with_planted,
    findings,
)

__all__ = [
    "compare_with_planted",
    "findings",
]
