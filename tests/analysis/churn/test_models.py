"""ChurnModel on a customer table as exported: encoding, unseen levels, flags, baselines,
words for drivers, odds ratios and tree rules; the contact threshold of the refitted model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedKFold

from crmkit.analysis import churn


def _export(n: int = 4000, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """A telecom-like export as text with known effects.

    logit = -1 + 1.2 [contract = month] - 1.0 [contract = two year] + 0.5 (calls - 1)
            - 0.03 (tenure - 24); region and paperless have no effect.
    """
    rng = np.random.default_rng(seed)
    contract = rng.choice(["month", "one year", "two year"], n, p=[0.5, 0.3, 0.2])
    calls = rng.poisson(1.0, n)
    tenure = rng.integers(0, 73, n)
    logit = (-1 + 1.2 * (contract == "month") - 1.0 * (contract == "two year") + 0.5 * (calls - 1)
             - 0.03 * (tenure - 24))
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    X = pd.DataFrame({
        "contract": contract,
        "region": rng.choice(["north", "south", "east", "west", "rare"], n, p=[0.3, 0.3, 0.2, 0.195, 0.005]),
        "paperless": np.where(rng.random(n) < 0.5, "Yes", "No"),
        "calls": calls.astype(str),
        "tenure": tenure.astype(str),
    }, index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"))
    X.loc[X.index[:40], "tenure"] = " "  # blanks, as exports write them
    return X, pd.Series(y, index=X.index, name="churned")


@pytest.fixture(scope="module")
def export():
    return _export()


def test_estimator_conventions(export):
    X, y = export
    m = churn.ChurnModel("logistic", max_levels=5)
    assert m.get_params()["max_levels"] == 5 and m.set_params(C=0.5).C == 0.5
    with pytest.raises(NotFittedError):
        m.predict_proba(X)
    assert m.fit(X, y) is m and clone(m).get_params() == m.get_params()
    assert m.encoder_.kinds_ == {"contract": "category", "region": "category", "paperless": "flag",
                                 "calls": "number", "tenure": "number"}
    assert churn.ChurnModel("logistic").fit(X.assign(tenure=pd.to_numeric(X["tenure"], errors="coerce")
                                                     .astype(float)), y).encoder_ is not None


@pytest.mark.parametrize("kind", ["logistic", "tree", "boosting", "rate"])
def test_unseen_category_at_prediction_time(export, kind):
    X, y = export
    m = churn.ChurnModel(kind).fit(X, y)
    base = X.iloc[:50]
    p = m.churn_probability(base)
    # a contract type and a region the model never saw: scored like the grouped rare levels
    new = base.assign(contract="three year", region="moon")
    p_new = m.churn_probability(new)
    assert np.isfinite(p_new).all() and p_new.between(0, 1).all()
    if kind == "rate":  # the baseline uses the contract only: unseen -> the overall rate
        assert np.allclose(p_new, m.base_rate_)
        return
    assert "other" in m.encoder_.levels_["region"] and "other" not in m.encoder_.levels_["contract"]
    # region "moon" is read as the rare region grouped as "other" in training
    assert np.allclose(m.churn_probability(base.assign(region="moon")),
                       m.churn_probability(base.assign(region="rare")))
    # a frame without a column the model saw: still scored (the column counts as missing)
    assert np.isfinite(m.churn_probability(base.drop(columns="paperless"))).all()
    assert not np.allclose(p, p_new) or kind == "tree"


def test_flags_and_text_numbers_in_any_spelling_give_the_same_model(export):
    X, y = export
    ref = churn.ChurnModel("logistic").fit(X, y).churn_probability(X)
    spellings = {"是/否": {"Yes": "是", "No": "否"}, "1/0": {"Yes": "1", "No": "0"},
                 "y/n": {"Yes": "y", "No": "n"}, "TRUE/false": {"Yes": "TRUE", "No": "false"}}
    for name, mapping in spellings.items():
        X2 = X.assign(paperless=X["paperless"].map(mapping))
        p = churn.ChurnModel("logistic").fit(X2, y).churn_probability(X2)
        assert np.allclose(p, ref), name
    # numbers as numbers instead of text: the same probabilities
    X3 = X.assign(calls=X["calls"].astype(float),
                  tenure=pd.to_numeric(X["tenure"].str.strip().replace("", np.nan)))
    assert np.allclose(churn.ChurnModel("logistic").fit(X3, y).churn_probability(X3), ref)


def test_odds_ratios_name_columns_and_levels(export):
    X, y = export
    m = churn.ChurnModel("logistic", C=100.0).fit(X, y)
    odds = churn.odds_ratios(m)
    # the most common level of each text column is the reference
    assert m.reference_ == ["contract: month", f"region: {X['region'].value_counts().idxmax()}"]
    # the planted effects, against month-to-month: one year -1.2, two year -2.2 on the log-odds
    assert np.log(odds.loc["contract: one year", "odds_ratio"]) == pytest.approx(-1.2, abs=0.25)
    assert np.log(odds.loc["contract: two year", "odds_ratio"]) == pytest.approx(-2.2, abs=0.3)
    assert odds.loc["contract: two year", ["column", "level", "compares"]].tolist() == [
        "contract", "two year", "two year instead of month"]
    assert odds.loc["paperless", "compares"] == "yes instead of no"
    assert odds.loc["paperless", "odds_ratio"] == pytest.approx(1.0, abs=0.2)
    # numbers per standard deviation: calls +0.5 per call
    sd = odds.loc["calls", "one_sd"]
    assert np.log(odds.loc["calls", "odds_ratio"]) == pytest.approx(0.5 * sd, abs=0.12)
    assert odds.index[0] == "contract: two year"  # the largest effect first


def test_tree_rules_read_in_words(export):
    X, y = export
    m = churn.ChurnModel("tree", max_depth=2).fit(X, y)
    leaves = churn.tree_leaves(m)
    text = " | ".join(leaves["rule"])
    assert "contract: month" in text or "contract: not month" in text
    assert "> " not in text and "<=" not in text and " = " not in text  # no code-like conditions
    assert "calls at least" in text or "calls at most" in text or "tenure" in text
    assert leaves["customers"].sum() == len(X)
    assert "contract: month" in churn.tree_text(m)


def test_top_reasons_per_original_column(export):
    X, y = export
    m = churn.ChurnModel("logistic").fit(X.assign(region=X["region"].rename("region")), y)
    cust = pd.DataFrame({"contract": ["month", "two year"], "region": ["south", "south"],
                         "paperless": ["No", "No"], "calls": ["6", "0"], "tenure": ["1", "70"]},
                        index=["risky", "safe"])
    reasons = churn.top_reasons(m, cust, k=3)
    assert reasons["risky"].split("; ")[:2] == ["calls: 6 (high)", "contract: month"] or \
        set(reasons["risky"].split("; ")[:3]) >= {"calls: 6 (high)", "contract: month"}
    assert "tenure: 1 (low)" in reasons["risky"]
    assert "region" not in reasons["risky"]  # where a customer lives is not a reason to act on
    assert reasons["safe"] == ""


def test_rate_baseline_hand_computed():
    X = pd.DataFrame({"contract": ["m"] * 20 + ["y"] * 20, "noise": ["a", "b"] * 20})
    y = np.array([True] * 12 + [False] * 8 + [True] * 2 + [False] * 18)
    m = churn.ChurnModel("rate").fit(X, y)
    assert m.rate_column_ == "contract" and m.description == "the churn rate by contract"
    # shrunk towards the overall rate 14/40 with 20 customers' weight
    base = 14 / 40
    assert m.rate_table_["m"] == pytest.approx((12 + 20 * base) / 40)
    assert m.rate_table_["y"] == pytest.approx((2 + 20 * base) / 40)
    assert m.churn_probability(pd.DataFrame({"contract": ["y", "new"]})).tolist() == pytest.approx(
        [(2 + 20 * base) / 40, base])
    # numbers are cut into five bands of equal size
    Xn = pd.DataFrame({"tenure": np.arange(100.0)})
    mn = churn.ChurnModel("rate").fit(Xn, np.arange(100) < 30)
    assert mn.churn_probability(pd.DataFrame({"tenure": [5.0, 95.0]})).tolist() == pytest.approx(
        [(20 + 20 * 0.3) / 40, (0 + 20 * 0.3) / 40])


def test_winsorizer_keeps_rare_indicators():
    # an indicator held by 0.5% of customers would be clipped to 0 by the 99th percentile
    rng = np.random.default_rng(1)
    n = 4000
    rare = (np.arange(n) < 20).astype(float)
    X = pd.DataFrame({"rare": rare, "x": rng.normal(size=n)})
    y = (rng.random(n) < np.where(rare == 1, 0.9, 0.2))
    m = churn.ChurnModel("logistic").fit(X, y)
    # per standard deviation (0.07): the planted log-odds ratio 3.6 x 0.07 = 0.25 (clipped: 0)
    assert churn.odds_ratios(m).loc["rare", "odds_ratio"] > 1.15
    p = m.churn_probability(pd.DataFrame({"rare": [1.0, 0.0], "x": [0.0, 0.0]}))
    assert p.iloc[0] > p.iloc[1] + 0.3


def test_cross_validated_probability_holds_each_customer_out(export):
    X, y = export
    X, y = X.iloc[:600], y.iloc[:600]
    model = churn.ChurnModel("logistic")
    got = churn.cross_validated_probability(model, X, y, n_splits=3, random_state=4)
    # the same folds by hand: each customer scored by a model fitted on the other folds only
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=4)
    exp = pd.Series(np.nan, index=X.index)
    for train, test in folds.split(np.arange(len(X)), y.to_numpy()):
        m = churn.ChurnModel("logistic").fit(X.iloc[train], y.iloc[train])
        exp.iloc[test] = m.predict_proba(X.iloc[test])[:, 1]
    pd.testing.assert_series_equal(got, exp.rename("churn_probability"))
    # larger frames: a stratified sample is cross-validated, the rest stays NaN
    big = churn.cross_validated_probability(model, X, y, n_splits=3, max_rows=300)
    assert big.notna().sum() == 300 and y[big.notna()].mean() == pytest.approx(y.mean(), abs=0.01)


def test_refitted_threshold_is_the_break_even_of_calibrated_probabilities():
    """Issue 9: the threshold applied to the refitted model is chosen on that model's own
    held-out probabilities, not on the validation model's.

    Churn fell between the cut-offs (intercept +1.0 at the training cut-off, -0.5 at the
    test cut-off and after). The model learnt at the training cut-off over-predicts at the
    test cut-off, so the most profitable threshold on its scores is high (0.55 here); the
    model refitted at the test cut-off is calibrated, and for calibrated probabilities the
    most profitable threshold is the break-even cost / (success x value) = 10 / (0.5 x 100)
    = 20%. Copying 0.55 onto the refitted model would contact far too few customers."""
    rng = np.random.default_rng(7)

    def draw(n, intercept, start):
        x = rng.normal(size=n)
        y = rng.random(n) < 1 / (1 + np.exp(-(intercept + 1.5 * x)))
        idx = [f"c{i}" for i in range(start, start + n)]
        return pd.DataFrame({"x": x}, index=idx), pd.Series(y, index=idx)

    X_tr, y_tr = draw(4000, 1.0, 0)
    X_te, y_te = draw(4000, -0.5, 4000)
    X_now, y_now = draw(20000, -0.5, 10_000)
    data = churn.ChurnData("orders", X_tr, y_tr, X_te, y_te, X_te, y_te, X_now,
                           kinds=("logistic", "recency"))
    costs = {"contact_cost": 10, "retention_success_rate": 0.5, "value_per_saved": 100}
    s = churn.refit_and_score(data, "logistic", rules={
        "contact_cost": 10, "retention_success_rate": 0.5, "value_per_saved_customer": 100,
        "cv_folds": 5})
    assert s.threshold["threshold"] == pytest.approx(0.2, abs=0.03)
    assert s.value_per_saved == 100 and s.held_out.notna().all()
    assert s.probability.index.equals(X_now.index)  # order mode: the refitted model scores today
    validation = churn.ChurnModel("logistic").fit(X_tr, y_tr)
    copied = churn.best_threshold(churn.profit_curve(
        y_te, validation.churn_probability(X_te), **costs))["threshold"]
    assert copied > 0.4
    # what each threshold earns on today's customers, scored by the refitted model
    earned = churn.profit_curve(y_now, s.probability, **costs,
                                thresholds=[s.threshold["threshold"], copied])["expected_profit"]
    assert earned.iloc[0] > 1.2 * earned.iloc[1]


def test_odds_ratio_intervals_match_statsmodels():
    """The standard errors are the Wald errors of an unpenalised fit (checked against
    statsmodels' Logit on the same standardised features, with a negligible penalty)."""
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(5)
    n = 3000
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.exponential(size=n)})
    y = rng.random(n) < 1 / (1 + np.exp(-(0.3 + 0.8 * X["a"] - 0.5 * X["b"])))
    m = churn.ChurnModel("logistic", C=1e8).fit(X, y)
    Z = m.estimator_[:-1].transform(X)
    ref = sm.Logit(y.astype(float), sm.add_constant(Z)).fit(disp=0)
    assert m.coef_se_ == pytest.approx(np.asarray(ref.bse)[1:], rel=1e-3)
    odds = churn.odds_ratios(m).loc[["a", "b"]]
    ci = np.asarray(ref.conf_int())
    lo, hi = np.exp(ci[1:, 0]), np.exp(ci[1:, 1])
    assert odds["odds_ratio_low"].to_numpy() == pytest.approx(lo, rel=1e-3)
    assert odds["odds_ratio_high"].to_numpy() == pytest.approx(hi, rel=1e-3)
