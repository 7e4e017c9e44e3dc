"""The :class:`Dataset` container: canonical tables plus what is known about them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ..errors import CrmkitError
from ..periods import Period, parse_period
from .schema import TABLES

__all__ = ["Dataset"]


@dataclass
class Dataset:
    """A CRM dataset in canonical form.

    Parameters
    ----------
    name : str
        Short name, used in report paths (``reports/<name>/<period>/``).
    tables : dict of str to DataFrame
        Canonical tables keyed by table name (see :mod:`crmkit.data.schema`). Only
        ``orders`` is required.
    currency : str, default "¥"
        Currency symbol shown in reports.
    as_of : pandas.Timestamp, optional
        Date the export was taken; dates after it are treated as future dates.
    truth : dict, optional
        Planted truth of a synthetic dataset (``None`` for real data).
    meta : dict
        Free-form information (source, attribution, params file, ...).
    """

    name: str
    tables: dict[str, pd.DataFrame]
    currency: str = "¥"
    as_of: pd.Timestamp | None = None
    truth: dict[str, Any] | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        unknown = set(self.tables) - set(TABLES)
        if unknown:
            raise KeyError(f"unknown tables {sorted(unknown)}; canonical tables are {list(TABLES)}")

    def __getattr__(self, item: str) -> pd.DataFrame | None:
        # ds.orders, ds.customers, ... ; None when the table is absent.
        if item in TABLES:
            return self.__dict__["tables"].get(item)
        raise AttributeError(item)

    def has(self, *names: str) -> bool:
        """Return True when every named table is present and non-empty."""
        return all(n in self.tables and len(self.tables[n]) > 0 for n in names)

    def missing(self, names) -> list[str]:
        """Return the tables among ``names`` that are absent or empty.

        An entry ``"surveys|tickets"`` is met when any one of the tables is present; when
        none is, it is reported as ``"surveys or tickets"`` (a notebook's ``requires``
        metadata uses this for pages that render what they can from either table).

        Examples
        --------
        >>> ds = Dataset("x", {"orders": pd.DataFrame({"order_id": ["o1"]})})
        >>> ds.missing(["orders", "surveys|tickets", "events"])
        ['surveys or tickets', 'events']
        """
        out = []
        for entry in names:
            options = str(entry).split("|")
            if not any(self.has(o) for o in options):
                out.append(" or ".join(options))
        return out

    def with_tables(self, **tables: pd.DataFrame) -> Dataset:
        """Return a copy with some tables replaced (pure; ``self`` is unchanged)."""
        new = dict(self.tables)
        new.update(tables)
        return replace(self, tables=new)

    @property
    def date_range(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last order date (with times).

        A dataset without orders (a one-row-per-customer export) covers the days from
        the first sign-up date, if the customers table has one, to its export date
        (``as_of``).
        """
        if "orders" not in self.tables:
            if self.as_of is None:
                raise CrmkitError(f"{self.name}: a dataset without orders needs as_of, the day "
                                  "the export was taken")
            end = pd.Timestamp(self.as_of)
            customers = self.tables.get("customers")
            if customers is not None and "signup_date" in customers.columns:
                first = customers["signup_date"].min()
                if pd.notna(first) and first <= end:
                    return first, end
            return end, end
        d = self.tables["orders"]["order_date"]
        return d.min(), d.max()

    @property
    def data_start(self) -> pd.Timestamp:
        """First day with an order."""
        return self.date_range[0].normalize()

    @property
    def data_end(self) -> pd.Timestamp:
        """Last day the data covers: the earlier of the export date and the last order day.

        The one rule for "the end of the data" in crmkit (see ARCHITECTURE.md): churn
        label windows, CLV holdouts and every other "as of" stop here. An export date
        (``as_of``) later than the last order does not extend the data (an old export
        read today would otherwise look like months without purchases); an export date
        before the last order cuts the data there.

        Examples
        --------
        >>> o = pd.DataFrame({"order_date": pd.to_datetime(["2025-01-05", "2025-12-30 18:00"],
        ...                                                 format="ISO8601")})
        >>> Dataset("x", {"orders": o}, as_of=pd.Timestamp("2026-06-30")).data_end.date()
        datetime.date(2025, 12, 30)
        >>> Dataset("x", {"orders": o}, as_of=pd.Timestamp("2025-12-01")).data_end.date()
        datetime.date(2025, 12, 1)
        """
        last = self.date_range[1].normalize()
        if self.as_of is None:
            return last
        return min(pd.Timestamp(self.as_of).normalize(), last)

    def coverage(self, period: Period) -> float:
        """Share of the days of ``period`` that lie between :attr:`data_start` and :attr:`data_end`.

        A dataset without orders is a snapshot taken on ``as_of``: it covers a period
        containing that day entirely (1.0) and any other period not at all.
        """
        if "orders" not in self.tables:
            return 1.0 if period.start <= self.data_end <= period.end else 0.0
        first = max(period.start, self.data_start)
        last = min(period.end, self.data_end)
        return max((last - first).days + 1, 0) / period.days

    def frames(self, *names: str) -> dict[str, pd.DataFrame]:
        """The present, non-empty tables among ``names``, as keyword arguments for an analysis.

        Examples
        --------
        >>> ds = Dataset("x", {"orders": pd.DataFrame({"order_date": []})})
        >>> ds.frames("customers", "tickets")
        {}
        """
        return {n: self.tables[n] for n in names if self.has(n)}

    def period(self, text: str) -> Period:
        """Parse a report period for this dataset.

        ``latest`` is the last quarter the export covers (by ``as_of`` when set, see
        :func:`crmkit.periods.latest_period`) and ``all`` the range of order dates.

        Examples
        --------
        >>> ds = Dataset("x", {"orders": pd.DataFrame({"order_date": pd.to_datetime(
        ...     ["2025-01-05", "2025-12-30"])})}, as_of=pd.Timestamp("2025-12-31"))
        >>> ds.period("latest").label, ds.period("2025-07").label
        ('2025-Q4', '2025-07')
        """
        first, last = self.date_range
        return parse_period(text, data_start=first, data_end=last, as_of=self.as_of)

    def check_period(self, period: Period) -> None:
        """Refuse a period the data does not cover at all, naming the range it covers.

        Raises
        ------
        CrmkitError
            When ``period`` ends before the first order day or starts after the data end.
        """
        if self.coverage(period) <= 0:
            raise CrmkitError(
                f"period {period.label} ({period.start:%Y-%m-%d} to {period.end:%Y-%m-%d}) has no "
                f"data: the {self.name} export covers {self.data_start:%Y-%m-%d} to "
                f"{self.data_end:%Y-%m-%d}; choose a period in that range")

    def fingerprint(self) -> str:
        """Return a short content hash of all tables (stable across runs).

        Computed once per object (hashing ten million orders takes seconds); a dataset
        read back by :meth:`crmkit.data.pipeline.Prepared.load` carries the fingerprint
        computed when it was saved. Treat tables as read-only: :meth:`with_tables`
        makes a new dataset with its own fingerprint.
        """
        cached = self.__dict__.get("_fingerprint")
        if cached is not None:
            return cached
        h = hashlib.sha256()
        for name in sorted(self.tables):
            df = self.tables[name]
            h.update(name.encode())
            h.update(",".join(map(str, df.columns)).encode())
            h.update(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
        self.__dict__["_fingerprint"] = h.hexdigest()[:16]
        return self.__dict__["_fingerprint"]

    def summary(self) -> pd.DataFrame:
        """Rows and columns per table."""
        return pd.DataFrame(
            [(n, len(df), df.shape[1]) for n, df in self.tables.items()],
            columns=["table", "rows", "columns"],
        )
