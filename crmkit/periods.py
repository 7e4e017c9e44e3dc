"""Report periods: a month (2025-07), a quarter (2025-Q3), a year (2025) or start:end."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .errors import CrmkitError

__all__ = ["Period", "parse_period", "latest_period", "day"]


def day(value) -> pd.Timestamp:
    """The calendar day of a date or timestamp (midnight): the unit every reference date uses.

    >>> day("2025-03-05 17:30")
    Timestamp('2025-03-05 00:00:00')
    """
    return pd.Timestamp(value).normalize()


@dataclass(frozen=True)
class Period:
    """A closed range of days ``[start, end]`` with a label used in report paths.

    ``end`` is the last day included; :attr:`end_exclusive` is the day after.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    label: str
    kind: str  # month, quarter, year, range, all

    @property
    def end_exclusive(self) -> pd.Timestamp:
        return self.end + pd.Timedelta(days=1)

    @property
    def spec(self) -> str:
        """Text that :func:`parse_period` turns back into this period."""
        if self.kind in ("month", "quarter", "year"):
            return self.label
        return f"{self.start:%Y-%m-%d}:{self.end:%Y-%m-%d}"

    @property
    def days(self) -> int:
        return int((self.end - self.start).days) + 1

    def contains(self, dates: pd.Series) -> pd.Series:
        """Boolean mask of the dates (any time of day) that fall in the period."""
        return (dates >= self.start) & (dates < self.end_exclusive)

    def previous(self) -> Period:
        """The period of the same kind immediately before this one."""
        if self.kind == "month":
            p = self.start.to_period("M") - 1
            return parse_period(str(p))
        if self.kind == "quarter":
            p = self.start.to_period("Q") - 1
            return parse_period(f"{p.year}-Q{p.quarter}")
        if self.kind == "year":
            return parse_period(str(self.start.year - 1))
        end = self.start - pd.Timedelta(days=1)
        start = end - pd.Timedelta(days=self.days - 1)
        return Period(start, end, f"{start:%Y-%m-%d}_{end:%Y-%m-%d}", "range")

    def __str__(self) -> str:
        return self.label


def parse_period(text: str, *, data_start=None, data_end=None, as_of=None) -> Period:
    """Parse a period.

    Parameters
    ----------
    text : str
        ``2025-07`` (month), ``2025-Q3`` (quarter), ``2025`` (year),
        ``2025-01-15:2025-03-31`` (explicit days, both included), ``latest``
        (the last complete quarter of the data) or ``all`` (the whole data range).
    data_start, data_end : date-like, optional
        First and last order date, needed for ``latest`` and ``all``.
    as_of : date-like, optional
        The export date; ``latest`` is then the last quarter the export covers
        (see :func:`latest_period`).

    Examples
    --------
    >>> parse_period("2025-Q3").end
    Timestamp('2025-09-30 00:00:00')
    """
    t = str(text).strip()
    if t == "latest":
        if data_end is None:
            raise CrmkitError("period 'latest' needs the data's last date")
        return latest_period(data_end, as_of=as_of)
    if t == "all":
        if data_start is None or data_end is None:
            raise CrmkitError("period 'all' needs the data's date range")
        s, e = pd.Timestamp(data_start).normalize(), pd.Timestamp(data_end).normalize()
        return Period(s, e, "all", "all")
    if m := re.fullmatch(r"(\d{4})-?[Qq]([1-4])", t):
        p = pd.Period(f"{m.group(1)}Q{m.group(2)}", freq="Q")
        return Period(p.start_time.normalize(), p.end_time.normalize(), f"{p.year}-Q{p.quarter}", "quarter")
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", t):
        if not 1 <= int(m.group(2)) <= 12:
            raise CrmkitError(f"period {text!r}: month must be 01-12")
        p = pd.Period(f"{m.group(1)}-{int(m.group(2)):02d}", freq="M")
        return Period(p.start_time.normalize(), p.end_time.normalize(), str(p), "month")
    if re.fullmatch(r"\d{4}", t):
        p = pd.Period(t, freq="Y")
        return Period(p.start_time.normalize(), p.end_time.normalize(), t, "year")
    if ":" in t:
        a, _, b = t.partition(":")
        try:
            s, e = pd.Timestamp(a).normalize(), pd.Timestamp(b).normalize()
        except ValueError:
            raise CrmkitError(f"period {text!r}: expected start:end dates like 2025-01-01:2025-03-31") from None
        if e < s:
            raise CrmkitError(f"period {text!r}: the end is before the start")
        return Period(s, e, f"{s:%Y-%m-%d}_{e:%Y-%m-%d}", "range")
    raise CrmkitError(
        f"period {text!r} not understood; use 2025-07 (month), 2025-Q3 (quarter), 2025 (year), "
        "2025-01-01:2025-03-31 (range), latest or all"
    )


def latest_period(data_end, *, as_of=None) -> Period:
    """Return the last complete calendar quarter.

    Complete means: the export covers its last day. With the export date ``as_of``
    that is the last quarter ending on or before ``as_of`` (an export taken on
    31 December covers the fourth quarter even if the last order was on the 30th);
    without it, the last quarter ending on or before the last order date
    ``data_end``. A quarter that starts after the last order (an old export read with
    a later ``as_of``) is never chosen: then the rule falls back to ``data_end``.

    Examples
    --------
    >>> latest_period("2025-12-30").label
    '2025-Q3'
    >>> latest_period("2025-12-30", as_of="2025-12-31").label
    '2025-Q4'
    >>> latest_period("2025-03-20", as_of="2025-12-31").label
    '2024-Q4'
    """
    end = pd.Timestamp(data_end).normalize()
    ref = end if as_of is None else pd.Timestamp(as_of).normalize()
    q = ref.to_period("Q")
    if q.end_time.normalize() > ref:
        q = q - 1
    if q.start_time.normalize() > end:
        return latest_period(end)
    return parse_period(f"{q.year}-Q{q.quarter}")
