"""Which periods a run renders: every requested period checked against the data up front."""

from __future__ import annotations

import pandas as pd
import pytest

from crmkit.data.dataset import Dataset
from crmkit.errors import CrmkitError
from crmkit.reporting.runner import _next_period, resolve_periods


def _ds(first: str, last: str, as_of: str | None = None) -> Dataset:
    o = pd.DataFrame({"order_date": pd.to_datetime([first, last])})
    return Dataset("shop", {"orders": o}, as_of=None if as_of is None else pd.Timestamp(as_of))


def test_every_period_without_data_is_named_with_the_range_the_export_covers():
    ds = _ds("2024-01-03", "2025-12-30", as_of="2025-12-31")
    with pytest.raises(CrmkitError) as err:
        resolve_periods(ds, ["2025-Q4", "2030-Q1", "2023-Q1"])
    msg = str(err.value)
    assert msg.startswith("nothing was rendered")
    assert "period 2030-Q1 (2030-01-01 to 2030-03-31) has no data" in msg
    assert "period 2023-Q1 (2023-01-01 to 2023-03-31) has no data" in msg
    assert msg.count("the shop export covers 2024-01-03 to 2025-12-30") == 2
    assert "2025-Q4 (" not in msg  # the covered period is not blamed


def test_partly_covered_periods_pass_and_duplicates_go():
    ds = _ds("2024-01-03", "2025-12-30", as_of="2025-12-31")
    got = resolve_periods(ds, ["latest", "2025-Q4", "2025-12"])
    assert [p.label for p in got] == ["2025-Q4", "2025-12"]
    assert ds.coverage(got[0]) == pytest.approx(91 / 92)  # 2025-10-01 .. 2025-12-30
    assert [p.label for p in resolve_periods(ds, ["2024-Q1"])] == ["2024-Q1"]  # from Jan 3


@pytest.mark.parametrize("first, last, as_of, expected", [
    # an export shorter than a quarter: the last complete quarter (2024-Q4) has no data
    ("2025-02-10", "2025-03-20", None, "2025-Q1"),
    # an old export read with a much later export date
    ("2025-02-10", "2025-03-20", "2027-06-30", "2025-Q1"),
    # the usual case is left alone: the last quarter the export covers
    ("2024-01-03", "2025-12-30", "2025-12-31", "2025-Q4"),
    ("2024-01-03", "2025-12-30", None, "2025-Q3"),
])
def test_latest_never_yields_a_period_without_data(first, last, as_of, expected):
    ds = _ds(first, last, as_of)
    (period,) = resolve_periods(ds, ["latest"])
    assert period.label == expected
    assert ds.coverage(period) > 0


def test_next_period_of_each_kind():
    from crmkit.periods import parse_period

    assert _next_period(parse_period("2025-12")).label == "2026-01"
    assert _next_period(parse_period("2025-Q4")).label == "2026-Q1"
    assert _next_period(parse_period("2025")).label == "2026"
    nxt = _next_period(parse_period("2025-01-01:2025-01-10"))
    assert (nxt.label, nxt.days) == ("2025-01-11_2025-01-20", 10)
    assert nxt.previous().label == "2025-01-01_2025-01-10"  # previous() undoes it
