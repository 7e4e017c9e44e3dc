"""Beta-binomial empirical Bayes: likelihood, fit, posterior and P(X > Y)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize, stats
from sklearn.exceptions import NotFittedError

from crmkit.analysis.funnel import BetaBinomialShrinkage, beta_binomial_loglik, prob_greater


def test_loglik_matches_scipy_betabinom():
    k, n = np.array([3, 0, 7, 10]), np.array([10, 4, 7, 25])
    a, b = 2.5, 4.0
    # scipy's pmf includes the binomial coefficients, which do not depend on alpha and beta
    from scipy.special import gammaln
    log_choose = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
    expected = stats.betabinom.logpmf(k, n, a, b).sum() - log_choose.sum()
    assert beta_binomial_loglik(a, b, k, n) == pytest.approx(expected)


def test_fit_is_the_maximum_likelihood():
    k = np.array([12, 30, 5, 44, 20, 9, 25, 16])
    n = np.array([80, 90, 60, 95, 85, 70, 88, 75])
    m = BetaBinomialShrinkage().fit(k, n)
    # an independent maximisation over (log alpha, log beta) with scipy's own pmf
    res = optimize.minimize(lambda t: -stats.betabinom.logpmf(k, n, np.exp(t[0]), np.exp(t[1])).sum(),
                            x0=[0.0, 1.0], method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10,
                                                                           "maxiter": 5000})
    a, b = np.exp(res.x)
    assert m.alpha_ == pytest.approx(a, rel=1e-3) and m.beta_ == pytest.approx(b, rel=1e-3)
    assert m.prior_mean_ == pytest.approx(a / (a + b), rel=1e-4)
    assert m.n_groups_ == 8


def test_posterior_formula_hand_checked():
    m = BetaBinomialShrinkage(interval_level=0.9).fit([12, 30, 5, 44], [80, 90, 60, 95])
    post = m.posterior([3, 0], [4, 0], index=["lucky", "new"])
    a, b = m.alpha_, m.beta_
    assert post.at["lucky", "shrunk_rate"] == pytest.approx((a + 3) / (a + b + 4))
    assert post.at["lucky", "raw_rate"] == 0.75
    assert post.at["lucky", "lower"] == pytest.approx(stats.beta.ppf(0.05, a + 3, b + 1))
    assert post.at["lucky", "upper"] == pytest.approx(stats.beta.ppf(0.95, a + 3, b + 1))
    # no trials: the prior itself
    assert post.at["new", "shrunk_rate"] == pytest.approx(m.prior_mean_) and np.isnan(post.at["new", "raw_rate"])
    # shrinkage pulls each raw rate towards the prior mean, never past it
    rates = m.posterior([12, 30, 5, 44], [80, 90, 60, 95])
    assert (np.sign(rates["raw_rate"] - m.prior_mean_) == np.sign(rates["shrunk_rate"] - m.prior_mean_)).all()
    assert ((rates["shrunk_rate"] - m.prior_mean_).abs() < (rates["raw_rate"] - m.prior_mean_).abs()).all()


def test_recovers_a_known_prior_from_simulated_groups():
    rng = np.random.default_rng(11)
    p = rng.beta(6.0, 14.0, 400)  # mean 0.3, concentration 20
    n = rng.integers(20, 80, 400)
    k = rng.binomial(n, p)
    m = BetaBinomialShrinkage().fit(k, n)
    assert m.prior_mean_ == pytest.approx(0.3, abs=0.01)
    assert 14 < m.concentration_ < 28
    # shrunk rates are closer to the true rates than the raw ones
    post = m.posterior(k, n)
    assert np.mean((post["shrunk_rate"] - p) ** 2) < 0.8 * np.mean((post["raw_rate"] - p) ** 2)


def test_no_real_differences_means_full_shrinkage():
    k, n = np.array([30, 30, 30, 30]), np.array([100, 100, 100, 100])  # identical groups
    m = BetaBinomialShrinkage().fit(k, n)
    assert m.concentration_ > 1e4
    post = m.posterior([10, 50], [100, 100])
    assert post["shrunk_rate"].to_numpy() == pytest.approx([0.3, 0.3], abs=0.01)


def test_estimator_pattern():
    m = BetaBinomialShrinkage(interval_level=0.8)
    assert m.get_params() == {"interval_level": 0.8, "max_concentration": 1e6}
    with pytest.raises(NotFittedError):
        m.posterior([1], [2])
    assert m.fit([1, 2], [3, 4]) is m
    with pytest.raises(ValueError, match="between 0 and trials"):
        BetaBinomialShrinkage().fit([5], [3])


def test_prob_greater_against_closed_forms():
    # X ~ Beta(a, 1) has cdf x^a; against a uniform Y: P(X > Y) = a / (a + 1)
    for a in (1.0, 2.0, 5.0):
        assert prob_greater(a, 1, 1, 1) == pytest.approx(a / (a + 1), abs=1e-5)  # 2,000 nodes
    # complementary and symmetric
    assert prob_greater(30, 70, 20, 80) + prob_greater(20, 80, 30, 70) == pytest.approx(1.0, abs=1e-5)
    assert prob_greater(7, 9, 7, 9) == pytest.approx(0.5, abs=1e-5)
    # against Monte Carlo
    rng = np.random.default_rng(0)
    mc = np.mean(rng.beta(45, 12, 400_000) > rng.beta(60, 30, 400_000))
    assert prob_greater(45, 12, 60, 30) == pytest.approx(mc, abs=0.003)
