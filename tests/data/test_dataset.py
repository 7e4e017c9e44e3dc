"""Dataset: one data end, the coverage of a period, periods without data refused."""

import pandas as pd
import pytest

from crmkit.data.dataset import Dataset
from crmkit.errors import CrmkitError
from crmkit.periods import parse_period


def _ds(as_of=None):
    o = pd.DataFrame({"order_date": pd.to_datetime(["2024-03-05 10:00", "2025-06-20 18:30"], format="ISO8601")})
    return Dataset("x", {"orders": o}, as_of=None if as_of is None else pd.Timestamp(as_of))


def test_data_end_is_the_earlier_of_export_date_and_last_order_day():
    assert _ds().data_end == pd.Timestamp("2025-06-20")
    assert _ds("2026-12-02").data_end == pd.Timestamp("2025-06-20")  # an old export read today
    assert _ds("2025-05-31").data_end == pd.Timestamp("2025-05-31")  # orders after the export date
    assert _ds().data_start == pd.Timestamp("2024-03-05")


def test_coverage_and_refused_periods():
    ds = _ds()
    assert ds.coverage(parse_period("2025-Q1")) == 1.0
    assert ds.coverage(parse_period("2025-Q2")) == pytest.approx(81 / 91)  # Apr 1 - Jun 20
    assert ds.coverage(parse_period("2024-Q1")) == pytest.approx(27 / 91)  # Mar 5 - Mar 31
    assert ds.coverage(parse_period("2030-Q1")) == 0.0
    ds.check_period(parse_period("2025-Q2"))  # partly covered: allowed
    for text in ("2030-Q1", "2023-Q4", "2025-07"):
        with pytest.raises(CrmkitError, match="covers 2024-03-05 to 2025-06-20"):
            ds.check_period(parse_period(text))


def test_frames_hands_over_only_present_tables():
    ds = _ds()
    ds.tables["tickets"] = pd.DataFrame({"ticket_id": []})
    assert ds.frames("customers", "tickets") == {}  # absent and empty tables are left out
