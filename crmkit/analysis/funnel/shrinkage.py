"""Empirical-Bayes shrinkage of rates (beta-binomial), so that a ranking does not reward luck.

A salesperson who won 3 of 4 deals has a raw win rate of 75%, but nobody believes
that is their true rate. The beta-binomial model treats each group's true rate as
drawn from a Beta(alpha, beta) distribution shared by all groups; alpha and beta are
estimated from all groups together (maximum marginal likelihood), and each group's
estimate is then its posterior mean

    (alpha + successes) / (alpha + beta + trials),

pulled towards the common mean the more, the fewer trials the group has. The posterior
Beta(alpha + successes, beta + failures) also gives an interval for each group.
When the groups differ no more than chance would make them, the fitted spread goes to
zero and every group gets the common rate: no difference is claimed.

References: Efron and Morris (1975), "Data analysis using Stein's estimator and its
generalizations", JASA 70; Casella (1985), "An introduction to empirical Bayes data
analysis", The American Statistician 39(2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, special, stats
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError

__all__ = ["BetaBinomialShrinkage", "beta_binomial_loglik", "prob_greater"]


def beta_binomial_loglik(alpha: float, beta: float, successes, trials) -> float:
    """Log-likelihood of beta-binomial counts (without the binomial coefficients).

    ``sum(log B(alpha + k, beta + n - k) - log B(alpha, beta))``; the binomial
    coefficients do not depend on ``alpha`` and ``beta``. Counts may be fractional
    (effective counts of censored data).

    Examples
    --------
    >>> round(beta_binomial_loglik(1.0, 1.0, [1], [2]), 6)  # B(2, 2) / B(1, 1) = 1/6
    -1.791759
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    return float(np.sum(special.betaln(alpha + k, beta + n - k) - special.betaln(alpha, beta)))


def prob_greater(a1, b1, a2, b2, *, nodes: int = 2000):
    """P(X > Y) for independent X ~ Beta(a1, b1) and Y ~ Beta(a2, b2).

    ``P(X > Y) = E[1 - F_X(Y)]``, averaged over ``nodes`` quantiles of Y (midpoint
    rule on the probability scale, where the integrand is bounded and smooth).
    Parameters broadcast like numpy arrays (``a1[:, None]`` against ``a2[None, :]``
    gives every pair at once).

    Returns
    -------
    float, or ndarray of the broadcast shape

    Examples
    --------
    >>> round(prob_greater(2, 1, 1, 1), 4)  # the larger of two uniforms against a third
    0.6667
    >>> prob_greater(np.array([[2.0], [1.0]]), 1.0, np.array([[1.0, 2.0]]), 1.0).round(4).tolist()
    [[0.6667, 0.5], [0.5, 0.3333]]
    """
    a1, b1, a2, b2 = (np.asarray(x, dtype=float) for x in (a1, b1, a2, b2))
    u = (np.arange(nodes) + 0.5) / nodes
    y = special.betaincinv(a2[..., None], b2[..., None], u)
    out = np.clip(np.mean(1.0 - special.betainc(a1[..., None], b1[..., None], y), axis=-1), 0.0, 1.0)
    return float(out) if out.ndim == 0 else out


class BetaBinomialShrinkage(BaseEstimator):
    """Beta-binomial empirical Bayes: shrunk rates with intervals.

    Parameters
    ----------
    interval_level : float, default 0.95
        Probability covered by the posterior intervals (equal tails).
    max_concentration : float, default 1e6
        Upper bound of ``alpha + beta``: reached when the groups differ no more than
        chance would make them (every group then gets the common rate).

    Attributes
    ----------
    alpha_, beta_ : float
        The fitted Beta prior.
    prior_mean_ : float
        ``alpha / (alpha + beta)``: the rate every group is pulled towards.
    concentration_ : float
        ``alpha + beta``: worth that many trials of evidence; a group with that many
        trials is pulled halfway.
    log_likelihood_ : float
    n_groups_ : int

    Examples
    --------
    >>> m = BetaBinomialShrinkage().fit([30, 5, 60], [100, 50, 120])
    >>> post = m.posterior([30, 5, 60], [100, 50, 120])
    >>> bool((post["shrunk_rate"] - m.prior_mean_).abs().le((post["raw_rate"] - m.prior_mean_).abs()).all())
    True
    """

    def __init__(self, *, interval_level: float = 0.95, max_concentration: float = 1e6):
        self.interval_level = interval_level
        self.max_concentration = max_concentration

    def fit(self, successes, trials):
        """Estimate the Beta prior from the groups' counts (maximum marginal likelihood).

        Parameters
        ----------
        successes, trials : array-like of float
            Per group; groups without trials are ignored.

        Returns
        -------
        self
        """
        k = np.asarray(successes, dtype=float)
        n = np.asarray(trials, dtype=float)
        if k.shape != n.shape:
            raise ValueError("successes and trials must have the same length")
        if ((k < 0) | (k > n + 1e-9)).any():
            raise ValueError("successes must lie between 0 and trials")
        keep = n > 0
        k, n = k[keep], n[keep]
        if k.size == 0:
            raise ValueError("no group has any trials")
        pooled = float(np.clip(k.sum() / n.sum(), 1e-6, 1 - 1e-6))
        kmax = float(self.max_concentration)
        if k.size == 1 or pooled in (1e-6, 1 - 1e-6):
            mu, kappa = pooled, kmax
        else:
            def nll(theta):
                m = special.expit(theta[0])
                c = np.exp(theta[1])
                return -beta_binomial_loglik(m * c, (1 - m) * c, k, n)

            grid = np.log(np.geomspace(0.5, kmax, 40))
            start = grid[int(np.argmin([nll((special.logit(pooled), g)) for g in grid]))]
            res = optimize.minimize(nll, x0=np.array([special.logit(pooled), start]), method="L-BFGS-B",
                                    bounds=[(-15, 15), (np.log(1e-3), np.log(kmax))])
            mu, kappa = float(special.expit(res.x[0])), float(np.exp(res.x[1]))
        self.alpha_ = mu * kappa
        self.beta_ = (1 - mu) * kappa
        self.prior_mean_ = mu
        self.concentration_ = kappa
        self.log_likelihood_ = beta_binomial_loglik(self.alpha_, self.beta_, k, n)
        self.n_groups_ = int(k.size)
        return self

    def _check(self):
        if not hasattr(self, "alpha_"):
            raise NotFittedError("BetaBinomialShrinkage is not fitted yet: call fit(successes, trials)")

    def posterior(self, successes, trials, *, index=None) -> pd.DataFrame:
        """Raw and shrunk rates with their posterior intervals.

        Parameters
        ----------
        successes, trials : array-like of float
        index : array-like, optional
            Index of the result (e.g. the owners).

        Returns
        -------
        DataFrame
            ``successes``, ``trials``, ``raw_rate`` (NaN without trials),
            ``shrunk_rate`` (posterior mean), ``lower``, ``upper`` (equal-tailed
            interval of ``interval_level``), ``alpha_post``, ``beta_post``.
        """
        self._check()
        k = np.asarray(successes, dtype=float)
        n = np.asarray(trials, dtype=float)
        a = self.alpha_ + k
        b = self.beta_ + n - k
        tail = (1 - self.interval_level) / 2
        with np.errstate(divide="ignore", invalid="ignore"):
            raw = np.where(n > 0, k / n, np.nan)
        return pd.DataFrame({
            "successes": k, "trials": n, "raw_rate": raw, "shrunk_rate": a / (a + b),
            "lower": stats.beta.ppf(tail, a, b), "upper": stats.beta.ppf(1 - tail, a, b),
            "alpha_post": a, "beta_post": b,
        }, index=index)
