"""Shared statistics: Kaplan-Meier against the textbook 6-MP table."""

import numpy as np
import pytest

from crmkit.analysis.stats import kaplan_meier, median_survival_time, survival_at

# Freireich et al. (1963) 6-MP arm, remission times in weeks (+ = censored), the textbook example
# of Klein & Moeschberger (2003), section 4.2, Table 4.1A.
SIX_MP = [6, 6, 6, 7, 10, 13, 16, 22, 23, 6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]
SIX_MP_EVENT = [True] * 9 + [False] * 12


def test_kaplan_meier_textbook_example_with_censoring():
    km = kaplan_meier(SIX_MP, SIX_MP_EVENT)
    ev = km.loc[km["events"] > 0]
    assert ev.index.tolist() == [6, 7, 10, 13, 16, 22, 23]
    assert ev["at_risk"].tolist() == [21, 17, 15, 12, 11, 7, 6]
    # S(t) by hand: 18/21, x 16/17, x 14/15, x 11/12, x 10/11, x 6/7, x 5/6
    np.testing.assert_allclose(ev["survival"], [0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448], atol=5e-4)
    # Greenwood standard errors as published
    np.testing.assert_allclose(ev["std_error"], [0.0764, 0.0869, 0.0963, 0.1068, 0.1141, 0.1282, 0.1346],
                               atol=5e-4)
    # log(-log) 95% band at t=6, by hand: exp(-exp(ln(-ln S) -+ 1.96 sqrt(3/(21*18)) / -ln S))
    assert km.loc[6, ["ci_lower", "ci_upper"]].tolist() == pytest.approx([0.6197, 0.9516], abs=2e-4)
    assert km.loc[6, "censored"] == 1 and km.loc[9, "events"] == 0 and km.loc[9, "survival"] == km.loc[7, "survival"]
    assert median_survival_time(km) == 23
    assert survival_at(km, 12) == pytest.approx(0.753, abs=5e-4)
    assert survival_at(km, 5) == 1.0


def test_kaplan_meier_without_censoring_is_the_empirical_survival():
    km = kaplan_meier([1, 2, 2, 3], [True] * 4)
    assert km["survival"].tolist() == [0.75, 0.25, 0.0]
    assert np.isnan(km["ci_lower"].iloc[-1]) and np.isnan(median_survival_time(km.iloc[:0]))
    with pytest.raises(ValueError):
        kaplan_meier([1, -1], [True, True])
