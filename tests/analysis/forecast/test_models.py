"""Forecast models on series with known, planted effects; baselines checked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from crmkit.analysis.forecast import (
    HoltWinters,
    MovingAverage,
    SalesForecaster,
    SeasonalNaive,
    period_totals,
    weekday_effects,
    yearly_profile,
    yearly_shape,
)

WEEKDAY = np.array([0.90, 0.88, 0.95, 1.00, 1.05, 1.15, 1.12])
FESTIVALS = {"Spring sale": "03-15"}
WINDOWS = {"Spring sale": (3, 0)}


def planted_series(n_days: int = 800, *, noise: float = 0.03, seed: int = 0, spend_effect: float = 0.0):
    """Daily sales = level x weekday x yearly x festival x noise, with everything known.

    level grows 0.02% a day from 1,000; yearly 1 + 0.1 cos(2 pi (day - 350) / 365.25); the
    spring sale (15 March) triples a day and its three-day run-up is 1.5 times a day.
    """
    rng = np.random.default_rng(seed)
    days = pd.date_range("2023-01-01", periods=n_days, freq="D")
    t = np.arange(n_days)
    level = 1000 * np.exp(0.0002 * t)
    yearly = 1 + 0.1 * np.cos(2 * np.pi * (days.day_of_year.to_numpy() - 350) / 365.25)
    md = days.strftime("%m-%d")
    fest = np.where(md == "03-15", 3.0, np.where(np.isin(md, ["03-12", "03-13", "03-14"]), 1.5, 1.0))
    spend = pd.Series(rng.gamma(4.0, 250.0, n_days), index=days)
    lift = np.exp(spend_effect * (np.log1p(spend.to_numpy()) - np.log1p(spend.to_numpy()).mean()))
    y = level * WEEKDAY[days.day_of_week] * yearly * fest * lift * np.exp(noise * rng.standard_normal(n_days))
    return pd.Series(y, index=days), spend, level


@pytest.fixture(scope="module")
def fitted():
    y, _, level = planted_series()
    model = SalesForecaster(festivals=FESTIVALS, festival_windows=WINDOWS, n_paths=300).fit(y)
    return model, y, level


def test_seasonal_model_recovers_the_planted_effects(fitted):
    model, _, _ = fitted
    assert model.converged_ and model.params_.shape == (2,)  # irregular and level variances
    planted = np.exp(np.log(WEEKDAY) - np.log(WEEKDAY).mean())  # against the average weekday
    got = weekday_effects(model)
    assert got["factor"].to_numpy() == pytest.approx(planted, rel=0.02)
    assert np.prod(got["factor"]) == pytest.approx(1.0)  # effect coding: the seven multiply to one
    e = model.effects_
    assert e.loc["Spring sale", "factor"] == pytest.approx(3.0, rel=0.08)  # two occurrences, 3% noise
    assert e.loc["Spring sale run-up", "factor"] == pytest.approx(1.5, rel=0.06)
    assert (e["lower"] <= e["factor"]).all() and (e["factor"] <= e["upper"]).all()
    shape = yearly_shape(model)
    assert shape["amplitude"] == pytest.approx(0.1, abs=0.02)
    assert abs(shape["peak_day"] - 350) < 15


def test_components_add_up_and_the_trend_follows_the_level(fitted):
    model, y, level = fitted
    c = model.components()
    parts = c[["trend", "weekly", "yearly", "festivals", "spend", "irregular"]].sum(axis=1)
    assert parts.to_numpy() == pytest.approx(c["observed"].to_numpy())
    assert c["observed"].to_numpy() == pytest.approx(np.log1p(y.to_numpy()))
    week = c["weekly"].iloc[7:14]  # a whole week of effect-coded weekdays sums to zero
    assert week.sum() == pytest.approx(0.0, abs=1e-9)
    md = c.index.strftime("%m-%d")
    assert (c.loc[~np.isin(md, ["03-12", "03-13", "03-14", "03-15"]), "festivals"] == 0).all()
    # the smoothed level tracks the planted level (up to the constant shared with the parts)
    gap = c["trend"].to_numpy() - np.log(level)
    assert np.std(gap[30:-30]) < 0.03


def test_forecast_of_held_out_days(fitted):
    _, y, _ = fitted
    train, test = y.iloc[:-60], y.iloc[-60:]
    model = SalesForecaster(festivals=FESTIVALS, festival_windows=WINDOWS, n_paths=300).fit(train)
    f = model.predict(60)
    assert list(f.index) == list(test.index)
    assert (f["lower"] <= f["median"]).all() and (f["median"] <= f["upper"]).all()
    assert f["forecast"].to_numpy() == pytest.approx(f["median"].to_numpy())  # the point is the median
    mape = np.mean(np.abs(f["forecast"] - test) / test)
    assert mape < 0.05  # 3% daily noise on a series the model describes exactly
    inside = ((test >= f["lower"]) & (test <= f["upper"])).mean()
    assert 0.6 <= inside <= 1.0  # an 80% interval
    again = SalesForecaster(festivals=FESTIVALS, festival_windows=WINDOWS, n_paths=300).fit(train).predict(60)
    pd.testing.assert_frame_equal(f, again)  # same random_state, same futures


def test_no_yearly_curve_from_less_than_two_years():
    y, _, _ = planted_series(n_days=400)
    model = SalesForecaster(festivals={}, festival_windows={}, n_paths=100).fit(y)
    assert model.yearly_ is None and yearly_shape(model) is None
    assert model.components()["yearly"].eq(0).all()
    assert list(model.effects_.index) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def test_marketing_spend_regressor():
    y, spend, _ = planted_series(n_days=400, spend_effect=0.2)
    with pytest.raises(ValueError, match="spend"):
        SalesForecaster(use_spend=True, festivals={}).fit(y)
    model = SalesForecaster(use_spend=True, festivals={}, festival_windows={}, n_paths=100).fit(y, spend=spend)
    assert model.effects_.loc["marketing spend", "effect"] == pytest.approx(0.2, abs=0.03)
    assert model.recent_spend_ == pytest.approx(spend.iloc[-28:].mean())
    f = model.predict(10)  # future spend: the last 28 days' average
    assert len(f) == 10 and (f["forecast"] > 0).all()


def test_estimator_conventions():
    m = SalesForecaster(trend="trend", n_paths=200)
    assert m.get_params()["trend"] == "trend" and clone(m).get_params() == m.get_params()
    for est in (SalesForecaster(), HoltWinters(), SeasonalNaive(), MovingAverage()):
        with pytest.raises(NotFittedError):
            est.predict(5)
    with pytest.raises(NotFittedError):
        SalesForecaster().components()
    with pytest.raises(ValueError, match="trend"):
        SalesForecaster(trend="cubic").fit(planted_series(60)[0])


@pytest.mark.parametrize("bad, message", [
    (pd.Series(1.0, index=pd.date_range("2025-01-01", periods=10)), "at least 14 days"),
    (pd.Series(1.0, index=pd.date_range("2025-01-01", periods=20, freq="2D")), "consecutive day"),
    (pd.Series([1.0] * 19 + [-1.0], index=pd.date_range("2025-01-01", periods=20)), "non-negative"),
    (pd.Series([1.0] * 19 + [np.nan], index=pd.date_range("2025-01-01", periods=20)), "missing"),
])
def test_bad_series_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        SeasonalNaive().fit(bad)


def test_seasonal_naive_repeats_the_last_week():
    y = pd.Series(np.tile([10.0, 20, 30, 40, 50, 60, 70], 6), index=pd.date_range("2025-01-06", periods=42))
    y.iloc[-7:] = [11, 21, 31, 41, 51, 61, 71]
    f = SeasonalNaive(n_paths=50).fit(y).predict(10)
    assert f["forecast"].tolist() == [11, 21, 31, 41, 51, 61, 71, 11, 21, 31]
    flat = pd.Series(np.tile([10.0, 20, 30, 40, 50, 60, 70], 6), index=pd.date_range("2025-01-06", periods=42))
    g = SeasonalNaive(n_paths=50).fit(flat).predict(9)
    # a pattern that repeats exactly has no week-on-week change: no uncertainty
    assert g["lower"].to_numpy() == pytest.approx(g["upper"].to_numpy())
    assert g["forecast"].to_numpy() == pytest.approx(g["median"].to_numpy())
    with pytest.raises(ValueError, match="364"):
        SeasonalNaive(season_length=364).fit(flat)


def test_moving_average_and_holt_winters():
    y, _, _ = planted_series(n_days=200, noise=0.02)
    ma = MovingAverage(window=28, n_paths=100).fit(y).predict(5)
    assert ma["forecast"].tolist() == pytest.approx([y.iloc[-28:].mean()] * 5)
    hw = HoltWinters(n_paths=200).fit(y.iloc[:-28])
    f = hw.predict(28)
    # no festival in the last 28 days of this series: the weekly season is all there is
    assert np.mean(np.abs(f["forecast"] - y.iloc[-28:]) / y.iloc[-28:]) < 0.05
    assert (f["lower"] <= f["upper"]).all()


def test_yearly_profile_on_a_trend_and_a_season():
    days = pd.date_range("2022-01-01", periods=1100)
    t = np.arange(1100)
    y = pd.Series(500 * (1 + t / 1000) * np.exp(0.1 * np.cos(2 * np.pi * (days.day_of_year - 200) / 365.25)),
                  index=days)
    prof = yearly_profile(y, harmonics=1)
    a, b = prof.loc["cos1", "coef"], prof.loc["sin1", "coef"]
    assert np.hypot(a, b) == pytest.approx(0.1, abs=0.01)
    assert (np.degrees(np.arctan2(b, a)) % 360) / 360 * 365.25 == pytest.approx(200, abs=5)
    with pytest.raises(ValueError, match="at least"):
        yearly_profile(y.iloc[:300])


def test_period_totals_by_hand():
    days = pd.date_range("2026-01-30", periods=4)  # 30, 31 Jan; 1, 2 Feb
    paths = np.array([[1.0, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3]])
    t = period_totals(paths, days, freq="M", interval=0.5)
    assert t["days"].tolist() == [2, 2]
    assert t["forecast"].tolist() == [4.0, 4.0]  # the median path total
    assert t["lower"].tolist() == [3.0, 3.0] and t["upper"].tolist() == [5.0, 5.0]  # 25% / 75%
    assert [str(p) for p in t.index] == ["2026-01", "2026-02"]
    point = period_totals(paths, days, freq="Q", point=np.array([1.0, 2, 3, 4]))
    assert point["forecast"].tolist() == [10.0] and point["days"].tolist() == [4]
