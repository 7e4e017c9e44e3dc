"""crmkit.fmt: one formatting rule per kind of number."""

import numpy as np
import pandas as pd

from crmkit import fmt


def test_counts_money_and_shares():
    assert fmt.count(12345.0) == "12,345" and fmt.count(np.nan) == fmt.MISSING
    assert fmt.money(1234.5, "¥") == "¥1,234" and fmt.money(9.5, "$") == "$9.50"
    assert fmt.money(-1234.5, "¥") == "-¥1,234"
    assert fmt.pct(0.256) == "26%" and fmt.pct(0.256, decimals=1) == "25.6%"
    assert fmt.num(0.12345) == "0.123" and fmt.num(1234.5) == "1,234" and fmt.num(pd.NA) == fmt.MISSING


def test_changes_of_rates_are_points_and_of_amounts_relative():
    assert fmt.change(0.41, 0.40, unit="share") == "+1.0 pts"
    assert fmt.change(-10, -20, unit="score") == "+10 pts"  # an improvement, never "-50%"
    assert fmt.change(40, 41, unit="score") == "-1 pt"
    assert fmt.change(110, 100, unit="count") == "+10.0%"
    assert fmt.change(5, 0, unit="currency") == fmt.MISSING  # no relative change from zero
    assert fmt.change(np.nan, 1, unit="share") == fmt.MISSING
