"""Tests for crmkit.clv: hand-checked summaries, published CDNOW estimates, planted truth."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal, assert_series_equal
from scipy.integrate import quad
from scipy.special import betaln, gammaln, hyp2f1

from crmkit.analysis.clv import (
    BetaGeoModel,
    GammaGammaModel,
    ParetoNBDModel,
    btyd_holdout,
    btyd_summary,
    customer_lifetime_value,
)
from crmkit.analysis.clv import models as clv_models
from crmkit.data.bundled import load_cdnow

CAL_END, OBS_END = "1997-09-30", "1998-06-30"


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def cdnow_orders() -> pd.DataFrame:
    return load_cdnow("sample").orders


@pytest.fixture(scope="module")
def cdnow_cal(cdnow_orders) -> pd.DataFrame:
    """The calibration summary of the BTYD literature (weeks; zero-revenue orders count)."""
    return btyd_summary(cdnow_orders, as_of=CAL_END, time_unit="W", include_zero_revenue=True)


@pytest.fixture(scope="module")
def bgnbd(cdnow_cal) -> BetaGeoModel:
    return BetaGeoModel().fit(cdnow_cal)


@pytest.fixture(scope="module")
def pnbd(cdnow_cal) -> ParetoNBDModel:
    return ParetoNBDModel().fit(cdnow_cal)


@pytest.fixture(scope="module")
def gamma_gamma(cdnow_cal) -> GammaGammaModel:
    return GammaGammaModel().fit(cdnow_cal)


def _orders(rows) -> pd.DataFrame:
    """Orders from (customer_id, timestamp, revenue[, status]) tuples."""
    cols = ["customer_id", "order_date", "revenue", "status"][: len(rows[0])]
    df = pd.DataFrame(rows, columns=cols)
    df["order_date"] = pd.to_datetime(df["order_date"], format="ISO8601")
    return df


def _expected(rows: dict, *, time_unit_days: float) -> pd.DataFrame:
    """Expected summary from {id: (frequency, recency_days, T_days, monetary, first_day)}."""
    df = pd.DataFrame.from_dict(
        rows, orient="index",
        columns=["frequency", "recency", "T", "monetary_value", "first_purchase"])
    df["frequency"] = df["frequency"].astype("int64")
    df["recency"] = df["recency"] / time_unit_days
    df["T"] = df["T"] / time_unit_days
    df["monetary_value"] = df["monetary_value"].astype(float)
    df["first_purchase"] = pd.to_datetime(df["first_purchase"]).astype("datetime64[s]")
    df.index = pd.Index(df.index, name="customer_id", dtype="str")
    return df


# --------------------------------------------------------------------------- btyd_summary
def test_summary_hand_checked_days():
    o = _orders([
        ("a", "2025-01-01 10:00", 10.0),
        ("a", "2025-01-04 09:00", 20.0),
        ("a", "2025-01-04 18:30", 5.0),   # same day as the previous: one purchase day of 25
        ("a", "2025-01-11 23:59", 40.0),  # on `end`: counts (end inclusive)
        ("a", "2025-01-12 00:00", 99.0),  # after `end`: ignored
        ("b", "2025-01-05 12:00", 7.0),   # one purchase: frequency 0, monetary 0
        ("c", "2025-01-20 12:00", 3.0),   # first purchase after `end`: not in the summary
    ])
    got = btyd_summary(o, as_of="2025-01-11", time_unit="D")
    want = _expected({
        # frequency 2 repeat days (Jan 4, Jan 11), recency 10 days, T 10 days,
        # monetary (25 + 40) / 2
        "a": (2, 10.0, 10.0, 32.5, "2025-01-01"),
        "b": (0, 0.0, 6.0, 0.0, "2025-01-05"),
    }, time_unit_days=1)
    assert_frame_equal(got, want)
    assert got.attrs["time_unit"] == "D"


def test_summary_weeks_are_days_over_seven():
    o = _orders([("a", "2025-01-01", 10.0), ("a", "2025-01-15", 30.0), ("a", "2025-01-18", 5.0)])
    days = btyd_summary(o, as_of="2025-02-01", time_unit="D")
    weeks = btyd_summary(o, as_of="2025-02-01", time_unit="W")
    assert days.loc["a", "recency"] == 17.0 and days.loc["a", "T"] == 31.0
    assert weeks.loc["a", "recency"] == 17.0 / 7 and weeks.loc["a", "T"] == 31.0 / 7
    assert weeks.loc["a", "monetary_value"] == 17.5


def test_summary_status_revenue_and_start_filters():
    o = _orders([
        ("a", "2025-01-01", 10.0, "completed"),
        ("a", "2025-01-03", 50.0, "returned"),    # not a purchase
        ("a", "2025-01-05", 60.0, "cancelled"),   # not a purchase
        ("a", "2025-01-07", 20.0, None),          # missing status counts as completed
        ("a", "2025-01-09", -5.0, "completed"),   # refund: never a purchase
        ("a", "2025-01-10", 0.0, "completed"),    # free item: only with include_zero_revenue
        ("b", "2024-12-20", 8.0, "completed"),    # before `start`
        ("b", "2025-01-02", 4.0, "completed"),
    ])
    got = btyd_summary(o, as_of="2025-01-10", start="2025-01-01")
    want = _expected({
        "a": (1, 6.0, 9.0, 20.0, "2025-01-01"),
        "b": (0, 0.0, 8.0, 0.0, "2025-01-02"),
    }, time_unit_days=1)
    assert_frame_equal(got, want)
    free = btyd_summary(o, as_of="2025-01-10", start="2025-01-01", include_zero_revenue=True)
    assert free.loc["a", ["frequency", "recency", "monetary_value"]].tolist() == [2, 9.0, 10.0]


def test_summary_id_and_date_dtypes_give_the_same_numbers():
    o = _orders([("7", "2025-03-01 08:00", 5.0), ("3", "2025-03-02 22:00", 6.0),
                 ("7", "2025-03-09 13:00", 9.0)])
    base = btyd_summary(o, as_of="2025-03-10")
    # int IDs, categorical IDs, nanosecond and time-zone aware dates
    ints = btyd_summary(o.assign(customer_id=o["customer_id"].astype("int64")), as_of="2025-03-10")
    cats = btyd_summary(o.assign(customer_id=o["customer_id"].astype("category")),
                        as_of="2025-03-10")
    ns = btyd_summary(o.assign(order_date=o["order_date"].astype("datetime64[ns]")),
                      as_of="2025-03-10")
    tz = btyd_summary(o.assign(order_date=o["order_date"].dt.tz_localize("Asia/Shanghai")),
                      as_of="2025-03-10")
    for other in (ints, cats, ns, tz):
        assert_frame_equal(other.reset_index(drop=True), base.reset_index(drop=True))
    assert list(base.index) == ["7", "3"]  # order of first appearance
    assert list(ints.index) == [7, 3]


def test_fast_fixed_width_id_path_matches_pandas_factorize():
    rng = np.random.default_rng(5)
    n = 30_000  # above the size where the fixed-width path is used
    ids = np.array([f"C{i:05d}" for i in rng.integers(0, 4_000, n)])
    days = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    o = pd.DataFrame({"customer_id": ids, "order_date": days,
                      "revenue": rng.gamma(2.0, 10.0, n).round(2)})
    fast = btyd_summary(o.assign(customer_id=o["customer_id"].astype("str")), as_of="2024-10-01")
    slow = btyd_summary(o.assign(customer_id=o["customer_id"].astype(object)), as_of="2024-10-01")
    assert_frame_equal(fast, slow, check_index_type=False)
    codes, uniques = clv_models._factorize_ids(pd.Series(ids, dtype="str"))
    ref_codes, ref_uniques = pd.factorize(pd.Series(ids, dtype="str"))
    np.testing.assert_array_equal(codes, ref_codes)
    assert list(uniques) == list(ref_uniques)
    # an Arrow array in several chunks, and IDs of mixed widths (falls back to pandas)
    chunked = pd.concat([pd.Series(ids[:15_000], dtype="str"), pd.Series(ids[15_000:], dtype="str")],
                        ignore_index=True)
    np.testing.assert_array_equal(clv_models._factorize_ids(chunked)[0], ref_codes)
    mixed = pd.Series(np.r_[ids, ["X1"]], dtype="str")
    np.testing.assert_array_equal(clv_models._factorize_ids(mixed)[0], pd.factorize(mixed)[0])


def test_summary_wrong_input():
    with pytest.raises(ValueError, match="missing"):
        btyd_summary(pd.DataFrame({"customer_id": ["a"], "revenue": [1.0]}), as_of="2025-01-01")
    o = _orders([("a", "2025-01-01", 10.0)])
    with pytest.raises(ValueError, match="time_unit"):
        btyd_summary(o, as_of="2025-01-01", time_unit="M")
    # no purchase up to `end`: an empty summary with the documented columns
    empty = btyd_summary(o, as_of="2024-12-31")
    assert empty.empty and list(empty.columns) == [
        "frequency", "recency", "T", "monetary_value", "first_purchase"]


def test_cdnow_calibration_summary_matches_the_literature(cdnow_orders, cdnow_cal):
    # FHL (2005): 2,357 customers, 1,411 of them without a repeat purchase in weeks 1-39
    assert len(cdnow_cal) == 2357
    assert (cdnow_cal["frequency"] == 0).sum() == 1411
    assert cdnow_cal["frequency"].sum() == 2457
    # customer 00004 by hand from the raw rows: purchases on 1997-01-01, -01-18, -08-02
    # (and 1997-12-12, after the calibration end)
    raw = cdnow_orders[cdnow_orders["customer_id"] == "00004"]
    assert raw["order_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "1997-01-01", "1997-01-18", "1997-08-02", "1997-12-12"]
    row = cdnow_cal.loc["00004"]
    assert row["frequency"] == 2
    assert row["recency"] == pytest.approx(213 / 7)  # 30.43 weeks, as published
    assert row["T"] == pytest.approx(272 / 7)  # 38.86 weeks
    assert row["monetary_value"] == pytest.approx((raw["revenue"].iloc[1] + raw["revenue"].iloc[2]) / 2)
    # customer 00314 has two records on 1997-01-13: one repeat purchase day of 166.89 + 60.25
    row = cdnow_cal.loc["00314"]
    assert (row["frequency"], row["recency"], row["T"]) == (1, 11 / 7, 271 / 7)
    assert row["monetary_value"] == pytest.approx(166.89 + 60.25)
    # by default the 8 customers whose only order has revenue 0 are not purchasers
    default = btyd_summary(cdnow_orders, as_of=CAL_END, time_unit="W")
    assert len(default) == 2349 and default["frequency"].sum() == 2457


def test_summary_agrees_with_a_plain_pandas_groupby(cdnow_orders, cdnow_cal):
    days = cdnow_orders.assign(day=cdnow_orders["order_date"].dt.normalize())
    days = days[days["day"] <= CAL_END].groupby(["customer_id", "day"])["revenue"].sum()
    days = days.reset_index()
    g = days.groupby("customer_id")
    first = g["day"].min()
    repeat = days[days["day"] > days["customer_id"].map(first)].groupby("customer_id")["revenue"]
    want = pd.DataFrame({
        "frequency": g.size() - 1,
        "recency": (g["day"].max() - first).dt.days / 7,
        "T": (pd.Timestamp(CAL_END) - first).dt.days / 7,
        "monetary_value": repeat.mean().reindex(first.index).fillna(0.0),
    })
    got = cdnow_cal.sort_index()[want.columns]
    assert_frame_equal(got, want, check_names=False, check_dtype=False, check_index_type=False)


def test_holdout_hand_checked():
    o = _orders([
        ("a", "2025-01-01", 10.0),
        ("a", "2025-01-10", 20.0),   # calibration end: calibration
        ("a", "2025-01-11", 5.0),    # holdout
        ("a", "2025-01-11", 7.0),    # same holdout day
        ("a", "2025-01-20", 3.0),    # holdout end: holdout
        ("a", "2025-01-21", 100.0),  # after the observation end: ignored
        ("b", "2025-01-15", 9.0),    # first seen in the holdout: not included
        ("c", "2025-01-09", 4.0),    # no holdout purchases
    ])
    got = btyd_holdout(o, calibration_end="2025-01-10", as_of="2025-01-20")
    assert_frame_equal(got.drop(columns=["frequency_holdout", "monetary_value_holdout",
                                         "duration_holdout"]),
                       btyd_summary(o, as_of="2025-01-10"))
    assert got["frequency_holdout"].tolist() == [2, 0]
    assert got["monetary_value_holdout"].tolist() == [7.5, 0.0]  # (12 + 3) / 2 days
    assert got["duration_holdout"].tolist() == [10.0, 10.0]
    with pytest.raises(ValueError, match="before"):
        btyd_holdout(o, calibration_end="2025-01-10", as_of="2025-01-01")


def test_cdnow_holdout_counts(cdnow_orders):
    h = btyd_holdout(cdnow_orders, calibration_end=CAL_END, as_of=OBS_END,
                     time_unit="W", include_zero_revenue=True)
    assert len(h) == 2357 and h["duration_holdout"].eq(39.0).all()
    days = cdnow_orders["order_date"].dt.normalize()
    hold = cdnow_orders[(days > CAL_END) & (days <= OBS_END)]
    per_customer = hold.groupby("customer_id")["order_date"].nunique()
    assert h["frequency_holdout"].sum() == per_customer.sum() == 1882
    assert h.loc["00004", "frequency_holdout"] == 1  # 1997-12-12
    assert h.loc["00004", "monetary_value_holdout"] == 26.48


# --------------------------------------------------------------------------- published fits
def test_bgnbd_cdnow_matches_fader_hardie_lee_2005(bgnbd):
    p = bgnbd.params_
    assert p["r"] == pytest.approx(0.243, abs=0.0005)
    assert p["alpha"] == pytest.approx(4.414, abs=0.0005)
    assert p["a"] == pytest.approx(0.793, abs=0.0005)
    assert p["b"] == pytest.approx(2.426, abs=0.0005)
    assert bgnbd.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert bgnbd.converged_ and bgnbd.n_customers_ == 2357


def test_bgnbd_cdnow_published_conditional_expectation(bgnbd, cdnow_cal):
    # FHL (2005): a customer with x = 2, t_x = 30.43, T = 38.86 (CDNOW customer 00004)
    # is expected to make 1.226 purchases in the next 39 weeks
    one = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
    assert bgnbd.predict_purchases(one, t=39).iloc[0] == pytest.approx(1.226, abs=0.0005)
    assert bgnbd.predict_purchases(cdnow_cal, t=39).loc["00004"] == pytest.approx(1.226, abs=5e-4)


def test_pnbd_cdnow_matches_the_literature(pnbd):
    p = pnbd.params_
    assert p["r"] == pytest.approx(0.553, abs=0.0005)
    assert p["alpha"] == pytest.approx(10.578, abs=0.0005)
    assert p["s"] == pytest.approx(0.606, abs=0.0005)
    assert p["beta"] == pytest.approx(11.669, abs=0.0005)
    assert pnbd.log_likelihood_ == pytest.approx(-9595.0, abs=0.05)


def test_gamma_gamma_cdnow_matches_the_literature(gamma_gamma, cdnow_orders):
    p = gamma_gamma.params_
    assert p["p"] == pytest.approx(6.25, abs=0.005)
    assert p["q"] == pytest.approx(3.74, abs=0.005)
    assert p["gamma"] == pytest.approx(15.44, abs=0.005)
    assert gamma_gamma.n_customers_ == 946
    # the spend data do not depend on the zero-revenue orders (all first purchases)
    default = GammaGammaModel().fit(btyd_summary(cdnow_orders, as_of=CAL_END, time_unit="W"))
    assert default.params_ == pytest.approx(p)


# --------------------------------------------------------------------------- formulas
def test_bgnbd_likelihood_equals_fhl_equation_6(bgnbd, cdnow_cal):
    r, alpha, a, b = (bgnbd.params_[k] for k in ("r", "alpha", "a", "b"))
    x, t, T = (cdnow_cal[c].to_numpy() for c in ("frequency", "recency", "T"))
    # FHL (2005) eq. 6 written out directly (fine at CDNOW's small frequencies)
    A1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    A2 = betaln(a, b + x) - betaln(a, b)
    like = np.exp(A2 - (r + x) * np.log(alpha + T)) + (x > 0) * np.exp(
        betaln(a + 1, b + np.maximum(x, 1) - 1) - betaln(a, b) - (r + x) * np.log(alpha + t))
    assert bgnbd.log_likelihood_ == pytest.approx(np.sum(A1 + np.log(like)), abs=1e-6)


def test_bgnbd_predictions_equal_fhl_equations_9_and_10(bgnbd, cdnow_cal):
    r, alpha, a, b = (bgnbd.params_[k] for k in ("r", "alpha", "a", "b"))
    x, tx, T = (cdnow_cal[c].to_numpy() for c in ("frequency", "recency", "T"))
    t = 39.0
    # eq. 10 without Euler's transformation
    z = t / (alpha + T + t)
    num = (a + b + x - 1) / (a - 1) * (
        1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp2f1(r + x, b + x, a + b + x - 1, z))
    den = 1 + (x > 0) * a / (b + np.maximum(x, 1) - 1) * ((alpha + T) / (alpha + tx)) ** (r + x)
    np.testing.assert_allclose(bgnbd.predict_purchases(cdnow_cal, t=t), num / den, rtol=1e-10)
    np.testing.assert_allclose(bgnbd.probability_alive(cdnow_cal), 1 / den, rtol=1e-12)
    # eq. 9: E[X(t)] for a new customer
    ts = np.array([1.0, 39.0, 78.0])
    eq9 = (a + b - 1) / (a - 1) * (
        1 - (alpha / (alpha + ts)) ** r * hyp2f1(r, b, a + b - 1, ts / (alpha + ts)))
    np.testing.assert_allclose(bgnbd.expected_purchases_new_customer(ts), eq9, rtol=1e-10)
    assert bgnbd.expected_purchases_new_customer(39.0) == pytest.approx(eq9[1], rel=1e-10)
    # the cohort total is the sum of eq. 9 at each customer's age
    want = sum(bgnbd.expected_purchases_new_customer(T_i + 39.0) for T_i in T)
    assert bgnbd.expected_purchases_population(cdnow_cal, t=39.0) == pytest.approx(want, rel=1e-10)


def test_bgnbd_probability_alive_is_one_without_repeat_purchases(bgnbd, cdnow_cal):
    alive = bgnbd.probability_alive(cdnow_cal)
    assert alive.name == "probability_alive" and alive.index.equals(cdnow_cal.index)
    assert (alive[cdnow_cal["frequency"] == 0] == 1.0).all()
    assert ((alive > 0) & (alive <= 1)).all()
    # for the same history, a longer silence makes a customer less likely alive
    hist = pd.DataFrame({"frequency": [3, 3, 3], "recency": [10.0] * 3, "T": [12.0, 20.0, 40.0]})
    assert np.all(np.diff(bgnbd.probability_alive(hist)) < 0)


def test_pnbd_probability_alive_against_numerical_integration(pnbd):
    r, alpha, s, beta = (pnbd.params_[k] for k in ("r", "alpha", "s", "beta"))
    hist = pd.DataFrame({"frequency": [0, 2, 7, 25], "recency": [0.0, 30.43, 12.0, 38.0],
                         "T": [38.86, 38.86, 30.0, 38.5]})
    want = []
    for x, tx, T in hist.to_numpy():
        alive = (alpha + T) ** -(r + x) * (beta + T) ** -s
        died = s * quad(lambda u, x=x: (alpha + u) ** -(r + x) * (beta + u) ** -(s + 1), tx, T,
                        epsabs=0, epsrel=1e-13)[0]
        want.append(alive / (alive + died))
    np.testing.assert_allclose(pnbd.probability_alive(hist), want, rtol=1e-9)
    # conditional expectation: closed form times P(alive)
    x, T = hist["frequency"].to_numpy(), hist["T"].to_numpy()
    closed = (r + x) * (beta + T) / ((alpha + T) * (s - 1)) * (1 - ((beta + T) / (beta + T + 39)) ** (s - 1))
    np.testing.assert_allclose(pnbd.predict_purchases(hist, t=39), closed * np.array(want), rtol=1e-9)
    ts = np.array([39.0, 78.0])
    new = r * beta / (alpha * (s - 1)) * (1 - (beta / (beta + ts)) ** (s - 1))
    np.testing.assert_allclose(pnbd.expected_purchases_new_customer(ts), new, rtol=1e-12)


@pytest.mark.parametrize("alpha, beta", [(10.0, 3.0), (3.0, 10.0), (200.0, 0.2)])
def test_pnbd_likelihood_both_a0_cases_and_extremes(alpha, beta):
    """ln L against direct integration, for α > β, α < β and a regime where hyp2f1 fails."""
    r, s = 0.8, 0.5
    x = np.array([0.0, 1.0, 5.0, 400.0])
    tx = np.array([0.0, 3.0, 20.0, 1.0])
    T = np.array([40.0, 40.0, 25.0, 2.0])
    obj = clv_models._PNBDObjective(x, tx, T, np.ones(4))
    lP1, lA = obj.row_terms(r, alpha, s, beta)
    for i in range(4):
        scale = -(r + x[i]) * np.log(alpha + tx[i]) - (s + 1) * np.log(beta + tx[i])
        val = quad(lambda u, i=i, scale=scale: np.exp(-(r + x[i]) * np.log(alpha + u)
                                                      - (s + 1) * np.log(beta + u) - scale),
                   tx[i], T[i], epsabs=0, epsrel=1e-12, limit=200)[0]
        want = -np.inf if val == 0 else np.log(s * val) + scale
        assert np.logaddexp(lP1[i], lA[i]) == pytest.approx(np.logaddexp(lP1[i], want), abs=1e-9)


def test_gamma_gamma_predict_spend_by_hand(gamma_gamma):
    p, q, g = (gamma_gamma.params_[k] for k in ("p", "q", "gamma"))
    s = pd.DataFrame({"frequency": [0, 1, 4], "monetary_value": [0.0, 30.0, 12.5]},
                     index=pd.Index(["a", "b", "c"], name="customer_id"))
    want = pd.Series([g * p / (q - 1),  # population mean for a customer without repeats
                      (g + 30.0) * p / (p + q - 1),
                      (g + 50.0) * p / (4 * p + q - 1)], index=s.index, name="expected_spend")
    assert_series_equal(gamma_gamma.predict_spend(s), want)


# --------------------------------------------------------------------------- CLV
def test_customer_lifetime_value_by_hand(bgnbd, gamma_gamma, cdnow_cal):
    some = cdnow_cal.loc[["00004", "00021", "00050", "00564"]]
    out = customer_lifetime_value(bgnbd, gamma_gamma, some, horizon=3, period="M",
                                  discount_rate=0.01)
    assert list(out.columns) == ["expected_purchases", "expected_spend", "clv"]
    month = 365.25 / 12 / 7  # weeks
    cum = [bgnbd.predict_purchases(some, t=m * month) for m in (1, 2, 3)]
    spend = gamma_gamma.predict_spend(some)
    want = spend * (cum[0] / 1.01 + (cum[1] - cum[0]) / 1.01**2 + (cum[2] - cum[1]) / 1.01**3)
    np.testing.assert_allclose(out["clv"], want, rtol=1e-10)
    np.testing.assert_allclose(out["expected_purchases"], cum[2], rtol=1e-10)
    # without discounting CLV is spend times purchases over the horizon
    flat = customer_lifetime_value(pnbd_fit := ParetoNBDModel().fit(cdnow_cal), gamma_gamma,
                                   some, horizon=2, period="Q", discount_rate=0.0)
    np.testing.assert_allclose(
        flat["clv"], spend * pnbd_fit.predict_purchases(some, t=2 * 365.25 / 4 / 7), rtol=1e-10)


def test_customer_lifetime_value_needs_a_time_unit(bgnbd, gamma_gamma, cdnow_cal):
    plain = pd.DataFrame(cdnow_cal.to_dict("list"), index=cdnow_cal.index)  # no attrs
    bare = BetaGeoModel().fit(plain)
    with pytest.raises(ValueError, match="time_unit"):
        customer_lifetime_value(bare, gamma_gamma, plain)
    # the same data in days: alpha scales by 7 and the CLV does not change
    in_days = plain.assign(recency=plain["recency"] * 7, T=plain["T"] * 7)
    daily = BetaGeoModel().fit(in_days)
    assert daily.params_["alpha"] == pytest.approx(7 * bgnbd.params_["alpha"], rel=1e-5)
    days = customer_lifetime_value(daily, gamma_gamma, in_days, time_unit="D")
    weeks = customer_lifetime_value(bgnbd, gamma_gamma, cdnow_cal)
    np.testing.assert_allclose(days["clv"], weeks["clv"], rtol=1e-4)
    with pytest.raises(ValueError, match="period"):
        customer_lifetime_value(bgnbd, gamma_gamma, cdnow_cal, period="fortnight")
    # a model fitted in weeks refuses a summary recorded in days
    in_days.attrs["time_unit"] = "D"
    with pytest.raises(ValueError, match="time unit"):
        bgnbd.predict_purchases(in_days, t=7)
    with pytest.raises(ValueError, match="time unit"):
        customer_lifetime_value(bgnbd, gamma_gamma, in_days)


# --------------------------------------------------------------------------- estimator API
def test_estimator_pattern_and_errors(cdnow_cal):
    model = BetaGeoModel(max_iter=200)
    assert model.max_iter == 200 and not hasattr(model, "params_") and repr(model) == "BetaGeoModel()"
    with pytest.raises(ValueError, match="not fitted"):
        model.probability_alive(cdnow_cal)
    assert model.fit(cdnow_cal) is model
    assert repr(model).startswith("BetaGeoModel(r=0.2426, alpha=4.414, a=0.7929, b=2.426")
    clone = pickle.loads(pickle.dumps(model))
    assert clone.params_ == model.params_
    for cls in (BetaGeoModel, ParetoNBDModel):
        with pytest.raises(ValueError, match="frequency, recency and T"):
            cls().fit(cdnow_cal.drop(columns="recency"))
        with pytest.raises(ValueError, match="no repeat customers"):
            cls().fit(cdnow_cal[cdnow_cal["frequency"] == 0])
        with pytest.raises(ValueError, match="invalid values"):
            cls().fit(cdnow_cal.assign(recency=cdnow_cal["T"] + 1))
    with pytest.raises(ValueError, match="monetary_value"):
        GammaGammaModel().fit(cdnow_cal.drop(columns="monetary_value"))
    with pytest.raises(ValueError, match="no repeat customers"):
        GammaGammaModel().fit(cdnow_cal[cdnow_cal["frequency"] == 0])
    with pytest.raises(ValueError, match="unknown keys"):
        BetaGeoModel(initial_params={"q": 1.0}).fit(cdnow_cal)


def test_weights_equal_repeated_rows(cdnow_cal):
    once = BetaGeoModel().fit(cdnow_cal)
    doubled = BetaGeoModel().fit(cdnow_cal, weights=np.full(len(cdnow_cal), 2.0))
    assert doubled.params_ == pytest.approx(once.params_, rel=1e-5)
    assert doubled.log_likelihood_ == pytest.approx(2 * once.log_likelihood_, rel=1e-9)
    # a summary aggregated to distinct (frequency, recency, T) rows with counts as weights
    agg = cdnow_cal.groupby(["frequency", "recency", "T"]).size().rename("n").reset_index()
    packed = ParetoNBDModel().fit(agg, weights=agg["n"])
    assert packed.params_ == pytest.approx(ParetoNBDModel().fit(cdnow_cal).params_, rel=1e-5)


# --------------------------------------------------------------------------- planted truth
def _simulate_bgnbd(n, *, r, alpha, a, b, rng):
    """Exact BG/NBD draws of (x, t_x, T) in weeks, without simulating every purchase.

    With N ~ Poisson(λT) events in (0, T] and dropout after the J-th repeat purchase,
    J ~ Geometric(p), x = min(N, J) and t_x is the x-th of N sorted uniforms on (0, T],
    i.e. T · Beta(x, N - x + 1).
    """
    T = rng.uniform(20.0, 52.0, n)
    lam, p = rng.gamma(r, 1 / alpha, n), rng.beta(a, b, n)
    N = rng.poisson(lam * T)
    x = np.minimum(N, rng.geometric(p))
    tx = np.zeros(n)
    pos = x > 0
    tx[pos] = T[pos] * rng.beta(x[pos], N[pos] - x[pos] + 1)
    return pd.DataFrame({"frequency": x, "recency": tx, "T": T})


def _within(model, summary, truth, *, k=4.0):
    """Each true parameter within k standard errors of its estimate (log scale)."""
    sf = model.summary_frame(summary)
    z = (np.log(sf["estimate"]) - np.log(pd.Series(truth))) / (sf["std_error"] / sf["estimate"])
    assert (z.abs() < k).all(), sf.assign(truth=pd.Series(truth), z=z)
    return sf


def test_bgnbd_recovers_planted_parameters():
    """60,000 simulated customers (enough to use the subsample warm start).

    Tolerance: the truth within 4 standard errors, from the inverse observed
    information (about 1 in 16,000 per parameter by chance; the seed is fixed), and
    the mean purchase rate r/α, the best identified quantity, within 3 %.
    """
    truth = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 3.0}
    s = _simulate_bgnbd(60_000, rng=np.random.default_rng(42), **truth)
    model = BetaGeoModel().fit(s)
    sf = _within(model, s, truth)
    assert (sf["std_error"] / sf["estimate"]).max() < 0.15  # the test has power
    est = model.params_
    assert est["r"] / est["alpha"] == pytest.approx(truth["r"] / truth["alpha"], rel=0.03)
    # the subsample warm start reaches the same optimum as a cold full-data fit
    cold = BetaGeoModel(initial_params={"r": 1.0, "alpha": 1.0, "a": 1.0, "b": 1.0}).fit(s)
    assert cold.params_ == pytest.approx(est, rel=1e-4)
    assert cold.log_likelihood_ == pytest.approx(model.log_likelihood_, abs=1e-3)


def test_pnbd_and_gamma_gamma_recover_planted_parameters():
    """Pareto/NBD (exponential lifetimes) and Gamma-Gamma spend, exact draws.

    Same tolerance as for the BG/NBD: the truth within 4 standard errors.
    """
    rng = np.random.default_rng(7)
    n = 15_000
    truth = {"r": 0.6, "alpha": 8.0, "s": 0.7, "beta": 12.0}
    T = rng.uniform(20.0, 52.0, n)
    lam = rng.gamma(truth["r"], 1 / truth["alpha"], n)
    mu = rng.gamma(truth["s"], 1 / truth["beta"], n)
    alive_for = np.minimum(rng.exponential(1 / mu), T)
    x = rng.poisson(lam * alive_for)
    tx = np.where(x > 0, alive_for * rng.random(n) ** (1 / np.maximum(x, 1)), 0.0)
    spend = {"p": 6.0, "q": 4.0, "gamma": 15.0}
    nu = rng.gamma(spend["q"], 1 / spend["gamma"], n)
    mean_spend = np.where(x > 0, rng.gamma(spend["p"] * np.maximum(x, 1), 1 / nu)
                          / np.maximum(x, 1), 0.0)
    s = pd.DataFrame({"frequency": x, "recency": tx, "T": T, "monetary_value": mean_spend})
    _within(ParetoNBDModel().fit(s), s, truth)
    _within(GammaGammaModel().fit(s), s, spend)
