"""Forecast charts: drawn from small frames, titled in words, Axes returned."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.plots import forecast as fp


def _series():
    idx = pd.date_range("2025-01-06", periods=6, freq="W-MON")
    return pd.DataFrame({"revenue": [70.0, 700, 700, 700, 700, 300], "orders": 1, "active_customers": 1,
                         "days": [7, 7, 7, 7, 7, 3], "complete": [True] * 5 + [False]}, index=idx)


def test_history_scales_a_partial_period_to_a_whole_one():
    ax = fp.plot_history(_series(), y="revenue", freq="W", currency="¥")
    full, partial = ax.lines[0], ax.lines[1]
    assert np.isnan(full.get_ydata()[-1]) and partial.get_ydata()[-1] == 700.0  # 300 in 3 of 7 days
    assert ax.get_title() == "Revenue per week" and ax.get_ylabel() == "revenue per week"


def test_festival_effects_on_a_log_scale():
    fe = pd.DataFrame({"festival": ["Double 11", "Chinese New Year"], "part": ["day", "aftermath"],
                       "factor": [4.0, 0.5], "lower": [3.0, 0.4], "upper": [5.0, 0.6]})
    ax = fp.plot_festival_effects(fe)
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == [-1.0, 2.0]  # log2: halving and quadrupling
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Chinese New Year (aftermath, per day)" in labels and ax.get_title() == "Festival effects"


def test_segment_forecast_and_monthly_forecast_return_axes():
    seg = pd.DataFrame({"last_year": [100.0, np.nan], "forecast": [120.0, 50.0], "lower": [90.0, 30.0],
                        "upper": [150.0, 70.0]}, index=pd.Index(["app", "web"], name="segment"))
    ax = fp.plot_segment_forecast(seg, period_label="2026-Q1", currency="¥")
    assert ax.get_title() == "Forecast for 2026-Q1 by segment"
    hist = pd.DataFrame({"revenue": [10.0, 20.0], "complete": [True, False]},
                        index=pd.to_datetime(["2025-11-01", "2025-12-01"]))
    table = pd.DataFrame({"days": [31], "revenue": [25.0], "revenue_lower": [20.0], "revenue_upper": [30.0]},
                         index=pd.Index(["2026-01"], name="period"))
    ax = fp.plot_monthly_forecast(hist, table, currency="¥", actual=pd.Series([27.0], index=["2026-01"]))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2025-11", "2025-12", "2026-01"]
    assert ax.get_title() == "Revenue per month: actual and forecast"
