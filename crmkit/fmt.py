"""Small formatting helpers for findings, tables and the report index: one definition each.

Conventions (the same on every page): counts without decimals and with thousands
separators; money with the dataset's currency; rates and shares as %; a change of a
rate or a score in **points** ("+1.5 pts"), a change of an amount or a count in
relative % ("+12.3%"); missing values as an en dash.

Examples
--------
>>> money(1234.5, "¥"), pct(0.256), count(12345.0), points(-0.012)
('¥1,234', '26%', '12,345', '-1.2 pts')
>>> change(41, 40, unit="score"), change(0.25, 0.2, unit="share"), change(110.0, 100.0, unit="count")
('+1 pt', '+5.0 pts', '+10.0%')
"""

from __future__ import annotations

import math

__all__ = ["MISSING", "is_missing", "count", "num", "money", "pct", "points", "change", "date",
           "window", "plural", "RATE_UNITS"]

MISSING = "–"
"""What a missing value looks like on a page."""

RATE_UNITS = frozenset({"share", "score"})
"""Units whose changes are stated in points, not in relative percent."""


def is_missing(x) -> bool:
    """True for None, NaN, NaT and pandas' NA."""
    if x is None:
        return True
    try:
        return bool(x != x)  # NaN, NaT
    except (TypeError, ValueError):
        return str(x) in ("<NA>", "NaT")


def count(n) -> str:
    """A count: ``12,345``."""
    return MISSING if is_missing(n) else f"{float(n):,.0f}"


def num(x, *, digits: int = 3, decimals: int | None = None) -> str:
    """A measure: whole numbers and values from 100 (1,000 with ``decimals``) on without
    decimals; smaller ones with ``digits`` significant digits, or ``decimals`` decimals.

    Examples
    --------
    >>> num(0.12345), num(20.5, decimals=2), num(1234.5), num(3.0)
    ('0.123', '20.50', '1,234', '3')
    """
    if is_missing(x):
        return MISSING
    x = float(x)
    if decimals is not None:
        return f"{x:,.0f}" if x.is_integer() or abs(x) >= 1000 else f"{x:,.{decimals}f}"
    if x.is_integer() or abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def money(x, currency: str = "", *, decimals: int | None = None) -> str:
    """An amount with its currency: ``¥1,234`` (cents below 10 units: ``¥9.50``)."""
    if is_missing(x):
        return MISSING
    x = float(x)
    if decimals is None:
        decimals = 0 if abs(x) >= 10 else 2
    sign = "-" if x < 0 else ""
    return f"{sign}{currency}{abs(x):,.{decimals}f}"


def pct(x, *, decimals: int = 0) -> str:
    """A share as percent: 0.256 -> ``26%``."""
    return MISSING if is_missing(x) else f"{100 * float(x):.{decimals}f}%"


def points(delta, *, decimals: int = 1, scale: float = 100.0) -> str:
    """A change of a share in percentage points: -0.012 -> ``-1.2 pts``.

    ``scale=1`` for scores already on a points scale (NPS): 1 -> ``+1 pt``.
    """
    if is_missing(delta):
        return MISSING
    v = scale * float(delta)
    if decimals == 0 or scale == 1 and float(v).is_integer():
        text = f"{v:+.0f}"
        unit = "pt" if abs(round(v)) == 1 else "pts"
    else:
        text = f"{v:+.{decimals}f}"
        unit = "pts"
    return f"{text} {unit}"


def change(value, previous, *, unit: str) -> str:
    """The change from ``previous`` to ``value`` as a reader should see it.

    Shares and scores (:data:`RATE_UNITS`) change in points (NPS -20 -> -10 is
    ``+10 pts``, an improvement, never "-50%"); amounts, counts and ratios in relative
    percent. Missing or zero previous values give :data:`MISSING`.
    """
    if is_missing(value) or is_missing(previous):
        return MISSING
    value, previous = float(value), float(previous)
    if unit == "share":
        return points(value - previous)
    if unit == "score":
        return points(value - previous, scale=1, decimals=0)
    if previous == 0 or math.isinf(previous):
        return MISSING
    return f"{100 * (value / previous - 1):+.1f}%"


def date(ts) -> str:
    """A day: ``2025-12-31``."""
    return MISSING if is_missing(ts) else f"{ts:%Y-%m-%d}"


def window(days: int | None, as_of, *, items: str = "orders") -> str:
    """A look-back window in words: whole years as months, else days; None: everything.

    Examples
    --------
    >>> import pandas as pd
    >>> day = pd.Timestamp("2025-12-30")
    >>> window(365, day), window(90, day), window(None, day, items="deals")
    ('the 12 months to 2025-12-30', 'the 90 days to 2025-12-30', 'all deals up to 2025-12-30')
    """
    import pandas as pd

    day = date(pd.Timestamp(as_of))
    if days is None:
        return f"all {items} up to {day}"
    if days % 365 == 0:
        return f"the {12 * days // 365} months to {day}"
    return f"the {days} days to {day}"


def plural(n, word: str, plural_word: str | None = None) -> str:
    """A count with its noun: ``1 customer``, ``1,234 customers``.

    Examples
    --------
    >>> plural(1, "customer"), plural(1234, "customer"), plural(2, "reply", "replies")
    ('1 customer', '1,234 customers', '2 replies')
    """
    n = int(n)
    return f"{n:,} {word if n == 1 else (plural_word or word + 's')}"
