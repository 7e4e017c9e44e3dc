from __future__ import annotations

import pandas as pd
import pytest

from crmkit.errors import CrmkitError
from crmkit.periods import latest_period, parse_period


@pytest.mark.parametrize("text, start, end, label, prev", [
    ("2025-07", "2025-07-01", "2025-07-31", "2025-07", "2025-06"),
    ("2025-1", "2025-01-01", "2025-01-31", "2025-01", "2024-12"),
    ("2025-Q3", "2025-07-01", "2025-09-30", "2025-Q3", "2025-Q2"),
    ("2025q1", "2025-01-01", "2025-03-31", "2025-Q1", "2024-Q4"),
    ("2024", "2024-01-01", "2024-12-31", "2024", "2023"),
    ("2025-01-15:2025-03-31", "2025-01-15", "2025-03-31", "2025-01-15_2025-03-31",
     "2024-10-31_2025-01-14"),
])
def test_parse_period(text, start, end, label, prev):
    p = parse_period(text)
    assert (p.start, p.end, p.label) == (pd.Timestamp(start), pd.Timestamp(end), label)
    assert p.previous().label == prev
    assert parse_period(p.spec) == p
    assert p.previous().days == p.days or p.kind != "range"  # calendar periods vary in length


def test_contains_includes_the_whole_last_day():
    p = parse_period("2025-06")
    d = pd.Series(pd.to_datetime(["2025-05-31 23:59", "2025-06-01", "2025-06-30 23:59", "2025-07-01"],
                                format="ISO8601"))
    assert p.contains(d).tolist() == [False, True, True, False]


def test_latest_is_last_complete_quarter():
    assert latest_period("2025-12-31").label == "2025-Q4"
    assert latest_period("2025-12-30").label == "2025-Q3"
    assert parse_period("all", data_start="2024-01-03", data_end="2025-02-01").days == 396


@pytest.mark.parametrize("bad", ["2025-13", "Q3", "2025-03-31:2025-01-01", "yesterday"])
def test_bad_periods_are_explained(bad):
    with pytest.raises(CrmkitError, match="period"):
        parse_period(bad)


def test_latest_uses_the_export_date():
    # an export taken on 31 December covers the fourth quarter, whatever the last order
    assert latest_period("2025-12-30", as_of="2025-12-31").label == "2025-Q4"
    assert latest_period("2025-12-30", as_of="2026-01-05").label == "2025-Q4"
    assert latest_period("2025-11-02", as_of="2025-11-30").label == "2025-Q3"
    # an old export read with a later date: never a quarter without orders
    assert latest_period("2025-03-20", as_of="2025-12-31").label == "2024-Q4"
    assert parse_period("latest", data_end="2025-12-30", as_of="2025-12-31").label == "2025-Q4"


def test_dataset_period_uses_its_dates():
    import pandas as pd

    from crmkit import Dataset

    orders = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-01", "2025-12-30"])})
    ds = Dataset("x", {"orders": orders}, as_of=pd.Timestamp("2025-12-31"))
    assert ds.period("latest").label == "2025-Q4"
    assert (ds.period("all").start, ds.period("all").end) == (pd.Timestamp("2024-01-01"),
                                                              pd.Timestamp("2025-12-30"))
    assert Dataset("x", {"orders": orders}).period("latest").label == "2025-Q3"
