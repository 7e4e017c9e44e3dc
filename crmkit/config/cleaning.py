"""Cleaning options: ``cleaning:`` in a params file (see :func:`crmkit.data.cleaning.clean`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, PositiveFloat

from .base import Rules

__all__ = ["CleaningRules", "DEFAULT_PLACEHOLDERS"]

DEFAULT_PLACEHOLDERS: tuple[str, ...] = (
    "NULL", "null", "Null", "NONE", "None", "none", "N/A", "n/a", "NA", "#N/A", "nan", "NaN",
    "-", "--", "—", "?", "无", "空", "暂无", "未知", "不详", "（空）", "(空)", "(null)", "(blank)",
)
"""Values that exports write for "missing": read as missing in every column."""


class CleaningRules(Rules):
    """How the export is read and cleaned.

    Attributes
    ----------
    outlier_factor : float, default 50
        Completed orders above this multiple of the median order value are flagged.
    placeholders : list of str
        Texts read as missing in every column (counted in the cleaning log).
    status_map : dict of str to {"completed", "returned", "cancelled"}
        Extra order-status words of the export and what they mean, e.g.
        ``{退款成功: returned, 已发货: completed, 待付款: cancelled}``.
    """

    outlier_factor: PositiveFloat = 50.0
    placeholders: list[str] = Field(default_factory=lambda: list(DEFAULT_PLACEHOLDERS))
    status_map: dict[str, Literal["completed", "returned", "cancelled"]] = Field(default_factory=dict)
