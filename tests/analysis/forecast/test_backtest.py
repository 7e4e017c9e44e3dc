"""Accuracy measures by hand, the rolling origin, and the leakage test of the backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.analysis.forecast import (
    MovingAverage,
    SalesForecaster,
    SeasonalNaive,
    backtest_origins,
    backtest_scores,
    choose_model,
    mape,
    mase,
    rolling_origin,
    smape,
)


def test_accuracy_measures_by_hand():
    assert mape([100, 200, 50], [90, 220, 50]) == pytest.approx((0.1 + 0.1 + 0.0) / 3)
    assert smape([100, 200], [90, 220]) == pytest.approx((20 / 190 + 40 / 420) / 2)
    # MASE: MAE 2 over the in-sample MAE of the naive forecast with season 2: |3-1|, |4-2| -> 2
    assert mase([10, 10], [12, 8], insample=[1, 2, 3, 4], season_length=2) == pytest.approx(1.0)
    assert np.isnan(mase([1], [1], insample=[5, 5, 5], season_length=1))  # no in-sample error
    assert np.isnan(mape([0, 0], [1, 2]))


def test_mase_of_the_naive_forecast_on_a_random_walk():
    # Hyndman & Koehler (2006): MASE < 1 exactly when the forecast MAE is smaller than the
    # in-sample one-step naive MAE; a forecast equal to the naive forecast scores 1 on a random walk
    x = np.cumsum(np.ones(20))  # 1..20: naive errors are all 1
    assert mase([21, 22], [20, 20], insample=x, season_length=1) == pytest.approx(1.5)


def test_origins():
    o = backtest_origins("2025-12-31", horizon=91, folds=4, step=28)
    assert [f"{d:%Y-%m-%d}" for d in o] == ["2025-10-01", "2025-09-03", "2025-08-06", "2025-07-09"]
    short = backtest_origins("2025-12-31", horizon=91, folds=4, step=28, first_day="2025-06-01",
                             min_train_days=56)
    assert len(short) == 3  # 2025-07-09 leaves only 39 training days


@pytest.fixture
def weekly_series() -> pd.Series:
    """A weekly pattern on a level that steps up by 10% after day 100."""
    days = pd.date_range("2025-01-06", periods=200)  # starts on a Monday
    base = np.tile([100.0, 90, 95, 100, 110, 130, 125], 30)[:200]
    return pd.Series(base * np.where(np.arange(200) >= 100, 1.1, 1.0), index=days)


def test_rolling_origin_with_baselines_by_hand(weekly_series):
    y = weekly_series
    bt = rolling_origin(y, {"naive_week": SeasonalNaive(n_paths=50), "moving_average": MovingAverage(n_paths=50)},
                        horizon=14, folds=2, step=7)
    assert sorted(bt["origin"].unique()) == [y.index[-22], y.index[-15]]
    assert len(bt) == 2 * 2 * 14 and bt["h"].max() == 14
    last = bt[(bt["candidate"] == "naive_week") & (bt["origin"] == y.index[-15])]
    # after the step the pattern repeats exactly: the seasonal naive forecast is perfect
    assert last["forecast"].to_numpy() == pytest.approx(last["actual"].to_numpy())
    ma = bt[(bt["candidate"] == "moving_average") & (bt["origin"] == y.index[-15])]
    assert ma["forecast"].iloc[0] == pytest.approx(y.loc[:y.index[-15]].iloc[-28:].mean())
    scores = backtest_scores(bt)
    assert list(scores.index) == ["naive_week", "moving_average"]  # sorted by MASE
    assert scores.loc["naive_week", "mase"] == pytest.approx(0.0)
    assert scores.loc["naive_week", "total_error"] == pytest.approx(0.0)
    assert scores.loc["naive_week", "folds"] == 2
    # moving average: MAE over the mean weekly-change error of the training days, per fold
    by_hand = []
    for origin in sorted(bt["origin"].unique()):
        train = y.loc[:origin].to_numpy()
        scale = np.mean(np.abs(train[7:] - train[:-7]))
        f = bt[(bt["candidate"] == "moving_average") & (bt["origin"] == origin)]
        by_hand.append(np.mean(np.abs(f["forecast"] - f["actual"])) / scale)
    assert scores.loc["moving_average", "mase"] == pytest.approx(np.mean(by_hand))


def test_choose_model_falls_back_to_the_best_baseline():
    scores = pd.DataFrame({"kind": ["baseline", "model", "baseline"], "folds": [4, 4, 4],
                           "mase": [0.7, 0.9, 1.1]}, index=["naive_week", "model", "moving_average"])
    c = choose_model(scores)
    assert c == {"chosen": "naive_week", "best_model": "model", "best_baseline": "naive_week",
                 "model_wins": False, "improvement": pytest.approx(1 - 0.9 / 0.7)}
    partial = pd.DataFrame({"kind": ["model", "baseline"], "folds": [4, 2], "mase": [0.9, 0.5]},
                           index=["model", "naive_year"])
    assert choose_model(partial)["chosen"] == "model"  # a baseline scored on fewer origins is not ranked


def test_backtest_never_sees_the_future(weekly_series):
    """Metamorphic test: changing every day after an origin leaves that origin's forecasts unchanged."""
    y = weekly_series
    cands = {"model": SalesForecaster(festivals={}, festival_windows={}, n_paths=100),
             "naive_week": SeasonalNaive(n_paths=50)}
    bt = rolling_origin(y, cands, horizon=14, folds=1, step=7)
    origin = bt["origin"].iloc[0]
    changed = y.copy()
    changed.loc[changed.index > origin] *= 3.0
    bt2 = rolling_origin(changed, cands, horizon=14, folds=1, step=7)
    assert bt2["origin"].iloc[0] == origin
    pd.testing.assert_series_equal(bt["forecast"], bt2["forecast"])
    pd.testing.assert_series_equal(bt["upper"], bt2["upper"])
    assert (bt2["actual"] == 3 * bt["actual"]).all()  # only the comparison sees the new days


def test_candidates_too_short_for_their_season_are_skipped(weekly_series):
    bt = rolling_origin(weekly_series, {"naive_year": SeasonalNaive(season_length=364, n_paths=20),
                                        "naive_week": SeasonalNaive(n_paths=20)}, horizon=14, folds=1)
    assert set(bt["candidate"]) == {"naive_week"}
