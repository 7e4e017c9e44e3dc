"""Customer-table mode: the churn label, column kinds, the encoder, the frame, the bundled example."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from crmkit.analysis import churn
from crmkit.config import validate_params
from crmkit.config.churn import ChurnLabel
from crmkit.errors import CrmkitError, ParamsError


# --------------------------------------------------------------------------- the label
@pytest.mark.parametrize("values, churned, stayed, expected", [
    (["是", "否", " 是 ", "否"], ["是"], None, [True, False, True, False]),
    (["Yes", "No", "yes", "NO "], ["Yes"], None, [True, False, True, False]),
    (["1", "0", "1.0", "0.0"], ["1"], None, [True, False, True, False]),
    ([1, 0, 1, 0], ["1"], None, [True, False, True, False]),
    ([1.0, 0.0, 1.0, 0.0], ["1"], None, [True, False, True, False]),
    ([True, False, True, False], ["true"], None, [True, False, True, False]),
    (["已流失", "未流失", "已流失", "在网"], ["已流失"], ["未流失", "在网"], [True, False, True, False]),
    (["churn", "stay", "Churn", "stay"], ["churn"], ["stay"], [True, False, True, False]),
    (["是", "No", "1", "0"], ["是", "Yes", "1"], None, [True, False, True, False]),  # merged systems
])
def test_label_in_each_form(values, churned, stayed, expected):
    got = churn.parse_churn_label(pd.Series(values), churned=churned, stayed=stayed)
    assert got.tolist() == expected


def test_label_yaml_booleans_and_blanks():
    # YAML reads an unquoted Yes as True: it then matches yes / y / on / true
    m = validate_params({"source": {}, "analysis": {"churn": {"label": {
        "column": "churn", "churned": [True, 1, "是"]}}}})
    lab = m.analysis.churn.label
    got = churn.parse_churn_label(pd.Series(["Yes", "y", "1", "是", "No", "", None, " "]),
                                  churned=lab.churned)
    assert got.tolist()[:5] == [True, True, True, True, False]
    assert got.isna().tolist()[5:] == [True, True, True]  # empty, missing, a blank: no label


def test_label_errors_say_what_to_fix():
    with pytest.raises(CrmkitError, match=r"neither churned .* nor stayed .*'maybe' \(2 rows\)"):
        churn.parse_churn_label(pd.Series(["是", "否", "maybe", "maybe"]), churned=["是"], stayed=["否"],
                                column="是否流失")
    with pytest.raises(CrmkitError, match="no customer churned"):
        churn.parse_churn_label(pd.Series(["Y", "N"]), churned=["是"], column="是否流失")
    with pytest.raises(ParamsError, match="did you mean 'churned'"):
        validate_params({"source": {}, "analysis": {"churn": {"label": {"column": "x", "churnd": [1]}}}})


# --------------------------------------------------------------------------- column kinds
def test_column_kinds_and_coercion():
    cases = {
        "charges": ([" 89.5", "1,234", "12元", " ", None], "number", [89.5, 1234.0, 12.0, np.nan, np.nan]),
        "paperless": (["Yes", "no", "YES", None, "No"], "flag", [1.0, 0.0, 1.0, np.nan, 0.0]),
        "senior": (["1", "0", "0", "1", "0"], "flag", [1.0, 0.0, 0.0, 1.0, 0.0]),
        "partner": (["是", "否", "否", "是", None], "flag", [1.0, 0.0, 0.0, 1.0, np.nan]),
        "calls": ([0, 1, 2, 5, 3], "number", [0.0, 1.0, 2.0, 5.0, 3.0]),
        "contract": ([" 月付", "一年", "两年", "月付", None], "category", ["月付", "一年", "两年", "月付", None]),
        "empty": ([None, " ", "", None, None], "empty", None),
    }
    for name, (values, kind, expected) in cases.items():
        s = pd.Series(values)
        assert churn.column_kind(s) == kind, name
        if expected is not None:
            got = churn.coerce_column(s, kind).tolist()
            assert [None if isinstance(v, float) and np.isnan(v) else v for v in got] == \
                   [None if isinstance(v, float) and np.isnan(v) else v for v in expected], name
    # mostly numbers with a stray word: still a number (the word becomes missing)
    s = pd.Series([str(i) for i in range(19)] + ["n/a yet"])
    assert churn.column_kind(s) == "number" and churn.coerce_column(s, "number").isna().sum() == 1


# --------------------------------------------------------------------------- the encoder
@pytest.fixture
def tiny_table() -> pd.DataFrame:
    """20 customers: contract a x10, b x8, rare r1, r2 (1 each); a flag; text numbers."""
    return pd.DataFrame({
        "contract": ["a"] * 10 + ["b"] * 8 + ["r1", "r2"],
        "paperless": ["Yes", "No"] * 10,
        "charges": [f"{10 + i}" for i in range(19)] + [" "],
        "constant": ["x"] * 20,
    })


def test_encoder_levels_rare_and_unseen(tiny_table):
    enc = churn.TableEncoder(min_level_count=2, min_level_share=0.0).fit(tiny_table)
    assert enc.kinds_ == {"contract": "category", "paperless": "flag", "charges": "number"}
    assert enc.levels_ == {"contract": ["a", "b", "other"]}  # r1, r2: one customer each
    assert enc.reference_ == {"contract": "a"}
    assert enc.dropped_ == {"constant": "one value only"}
    assert enc.feature_names_out_ == ["contract: a", "contract: b", "contract: other", "paperless", "charges"]
    new = pd.DataFrame({"contract": ["b", "r1", "never seen", None], "paperless": ["Yes", "no", None, "YES"],
                        "charges": ["12", "¥1,000", " ", "3.5"]})
    m = enc.transform(new)
    assert m[["contract: a", "contract: b", "contract: other"]].to_numpy().tolist() == [
        [0, 1, 0], [0, 0, 1], [0, 0, 1], [0, 0, 1]]  # rare, unseen and missing (unseen here) -> other
    assert m["paperless"].tolist()[:2] == [1.0, 0.0] and np.isnan(m["paperless"].iloc[2])
    assert m["charges"].tolist()[:2] == [12.0, 1000.0] and np.isnan(m["charges"].iloc[2])
    # without an "other" level in training, an unseen value gets no indicator at all
    enc2 = churn.TableEncoder(min_level_count=1, min_level_share=0.0, max_levels=10).fit(tiny_table)
    assert "other" not in enc2.levels_["contract"]
    assert enc2.transform(new.iloc[[2]]).filter(like="contract").to_numpy().sum() == 0
    # a missing value seen in training is a level of its own
    enc3 = churn.TableEncoder(min_level_count=1, min_level_share=0.0).fit(
        pd.DataFrame({"c": ["a", "a", None, None, "b"]}))
    assert enc3.levels_["c"] == ["a", "missing", "b"]


# --------------------------------------------------------------------------- the frame
def test_table_frame_and_describe():
    table = pd.DataFrame({
        "customer_id": [f"k{i}" for i in range(30)],
        "name": [f"客户{i}" for i in range(30)], "phone": [f"138{i:08d}" for i in range(30)],
        "signup_date": pd.to_datetime(["2025-01-01"] * 15 + ["2025-12-01"] * 15),
        "合约类型": ["月付", "一年", "两年"] * 10,
        "备注": [f"note {i}" for i in range(30)],  # free text: a different value on every row
        "月费": ["50", "60 ", "70.5"] * 10,
        "是否流失": ["是", "否", "否"] * 9 + ["否", "", "否"],
    })
    lab = ChurnLabel(column="是否流失", churned=["是"])
    f = churn.table_frame(table, label=lab, as_of="2025-12-31")
    assert f.index.name == "customer_id" and f.index[0] == "k0"
    assert list(f.columns) == ["account_age_days", "合约类型", "月费", "churned"]
    assert f["account_age_days"].tolist()[:1] == [364.0] and f["account_age_days"].iloc[-1] == 30.0
    assert f["月费"].tolist()[:3] == [50.0, 60.0, 70.5]
    assert f["churned"].isna().sum() == 1 and f["churned"].sum() == 9
    d = churn.describe_table(table, label=lab).set_index("column")
    assert d.loc["name", "use"] == d.loc["phone", "use"] == "personal data"
    assert d.loc["name", "example"] == "" and d.loc["phone", "example"] == ""  # no PII shown
    assert d.loc["备注", "use"].startswith("an identifier or free text")
    assert d.loc["月费", "holds"] == "number" and d.loc["合约类型", "holds"] == "text"
    assert d.loc["合约类型", "use"] == "feature"
    with pytest.raises(CrmkitError, match="extra_columns"):
        churn.table_frame(table, label=ChurnLabel(column="流失", churned=["是"]))


def test_holdout_is_stratified():
    y = np.array([True] * 30 + [False] * 70)
    m = churn.holdout_split(y, share=0.3, random_state=1)
    assert m.sum() == 30 and y[m].sum() == 9  # 30% of each class
    assert (churn.holdout_split(y, share=0.3, random_state=1) == m).all()


def test_tenure_bands_and_cohort_metrics():
    tenure = pd.Series([1, 2, 3, 4, 20, 30, 40, 50.0])
    bands = churn.tenure_bands(tenure, n_bands=2)
    assert bands.astype(str).tolist() == ["1-4"] * 4 + ["20-50"] * 4
    y = pd.Series([True, True, False, False, True, False, False, False])
    p = pd.Series([0.9, 0.2, 0.5, 0.1, 0.3, 0.4, 0.1, 0.2])
    c = churn.cohort_metrics(y, {"model": p}, bands)
    # band 1-4: churners 0.9, 0.2 vs stayers 0.5, 0.1 -> 3 of 4 pairs ranked right
    assert c.loc["1-4", "model"] == pytest.approx(0.75) and c.loc["1-4", "churn_rate"] == 0.5
    # band 20-50: churner 0.3 vs stayers 0.4, 0.1, 0.2 -> 2 of 3
    assert c.loc["20-50", "model"] == pytest.approx(2 / 3) and c.loc["20-50", "customers"] == 4


def test_churn_rate_by_and_label_values():
    fr = pd.DataFrame({"contract": ["m"] * 40 + ["y"] * 40, "flag": [1.0, 0.0] * 40,
                       "churned": [True] * 20 + [False] * 20 + [True] * 4 + [False] * 36})
    r = churn.churn_rate_by(fr)
    c = r.loc[r["column"] == "contract"].set_index("value")
    assert c["churn_rate"].to_dict() == {"m": 0.5, "y": 0.1} and c["customers"].tolist() == [40, 40]
    assert r["column"].iloc[0] == "contract" and r["spread"].iloc[0] == pytest.approx(0.4)
    table = pd.DataFrame({"f": ["是", "否", "否", " ", "Yes"]})
    v = churn.label_values(table, label=ChurnLabel(column="f", churned=["是", "Yes"]))
    assert v.to_dict("list") == {"value": ["否", "(empty)", "Yes", "是"], "customers": [2, 1, 1, 1],
                                 "read_as": ["stayed", "no label", "left", "left"]}


# --------------------------------------------------------------------------- the bundled example
@pytest.fixture(scope="module")
def telecom():
    """The bundled telecom example, loaded and cleaned as `crmkit report` does, in table mode."""
    import crmkit

    prepared = crmkit.prepare("params/telecom_example.yaml")
    rules = prepared.rules("churn")
    return prepared, rules, churn.churn_data(prepared.dataset, rules=rules)


def test_bundled_file_is_the_generator_output(root):
    from crmkit.data.telecom import TELECOM_ENCODING, TELECOM_FILE, make_telecom_export

    df, truth = make_telecom_export()
    shipped = pd.read_csv(root / "params" / "telecom_example" / TELECOM_FILE, encoding=TELECOM_ENCODING,
                          dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(shipped, df.astype(str), check_dtype=False)
    assert 0.24 < truth["churn_rate"] < 0.30


def test_bundled_example_loads_as_a_customer_table(telecom):
    prepared, rules, data = telecom
    ds = prepared.dataset
    assert list(ds.tables) == ["customers"] and len(ds.customers) == 3000
    assert ds.data_end == pd.Timestamp("2025-12-31") and ds.period("latest").label == "2025-Q4"
    assert data.mode == "table" and data.baseline == "rate" and data.unlabelled == 10
    assert len(data.y_fit) == 2990 and len(data.X_test) == round(0.3 * 2990)
    assert abs(data.y_test.mean() - data.y_train.mean()) < 0.005  # stratified
    assert set(data.extra["left_values"]) == {"是", "Yes", "1"}
    assert {"name", "phone", "customer_id", "是否流失"}.isdisjoint(data.X_fit.columns)
    assert data.X_fit["月费"].dtype == "float64" and data.X_fit["合约类型"].dtype == object
    assert (~data.y_fit.loc[data.X_score.index]).all()  # scored: the customers who stayed


def test_planted_drivers_recovered_and_auc_of_hand_built_logistic(telecom):
    from crmkit.data.telecom import make_telecom_export

    _, rules, data = telecom
    _, truth = make_telecom_export()
    models = churn.fit_models(data.X_train, data.y_train, kinds=data.kinds)
    probs = {k: m.churn_probability(data.X_test) for k, m in models.items()}
    metrics = churn.evaluate_models(data.y_test, probs)
    best = churn.best_model(metrics)
    imp = churn.permutation_drivers(models[best], data.X_test, data.y_test)
    # the three planted drivers are the three strongest; the columns without effect add nothing
    assert set(imp.index[:3]) == set(truth["churn_drivers"]), imp.head()
    assert (imp.loc[["gender", "电子账单", "region", "年龄"], "importance"] < 0.005).all()
    check = churn.planted_driver_check(imp, truth["churn_drivers"], top=3)
    assert check["recovered"].all()
    # the logistic regression's odds ratios point the planted way (against 月付, the reference)
    odds = churn.odds_ratios(models["logistic"])
    assert odds.loc["合约类型: 两年", "odds_ratio"] < odds.loc["合约类型: 一年", "odds_ratio"] < 0.5
    assert odds.loc["合约类型: 两年", "compares"] == "两年 instead of 月付"
    assert odds.loc["客服来电次数", "odds_ratio"] > 1.3 and odds.loc["在网月数", "odds_ratio"] < 0.7
    # the baseline is the churn rate by contract, and every model beats it
    assert models["rate"].rate_column_ == "合约类型"
    assert (metrics.drop("churn-rate baseline")["roc_auc"] > metrics.loc["churn-rate baseline", "roc_auc"] + 0.03).all()
    # a hand-built one-hot logistic regression on the same split: pandas dummies of the typed
    # columns, median filling, standardising. The best model does at least as well (within
    # 0.005, a fraction of the AUC's sampling error of about 0.015 on 897 customers).
    D = pd.get_dummies(pd.concat([data.X_train, data.X_test]), dtype=float)
    hand = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                         LogisticRegression(max_iter=5000)).fit(D.loc[data.X_train.index], data.y_train)
    hand_auc = roc_auc_score(data.y_test, hand.predict_proba(D.loc[data.X_test.index])[:, 1])
    assert metrics.loc[churn.MODEL_LABELS[best], "roc_auc"] >= hand_auc - 0.005
    assert metrics.loc["logistic regression", "roc_auc"] >= hand_auc - 0.005
    # and close to what the planted probabilities themselves achieve
    oracle = roc_auc_score(data.y_test, truth["churn_probability"].reindex(data.X_test.index))
    assert metrics.loc[churn.MODEL_LABELS[best], "roc_auc"] > oracle - 0.03


@pytest.mark.parametrize("kind", ["logistic", "tree", "boosting"])
def test_permutation_drivers_equal_sklearns_permutation_importance(kind):
    """The batched version gives sklearn's numbers: same shuffles, same AUC drops."""
    from sklearn.inspection import permutation_importance

    from crmkit.analysis.churn.models import _TreeReuse

    rng = np.random.default_rng(3)
    n = 600
    X = pd.DataFrame({
        "complaints": rng.poisson(1.0, n).astype(float),
        "spend": rng.gamma(2.0, 50.0, n),
        "plan": pd.Series(rng.choice(["monthly", "yearly", None], n, p=[0.5, 0.4, 0.1]), dtype=object),
        "noise": rng.normal(size=n),
    })
    X.loc[rng.random(n) < 0.05, "spend"] = np.nan
    logit = -1.0 + 0.9 * X["complaints"] + 1.2 * (X["plan"] == "monthly") - 0.004 * X["spend"].fillna(100)
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    model = churn.ChurnModel(kind).fit(X.iloc[:400], y[:400])
    # boosting reuses the unchanged trees' outputs: the same numbers must come out
    assert _TreeReuse.applies(model) == (kind == "boosting")
    X_te, y_te = X.iloc[400:], y[400:]
    ours = churn.permutation_drivers(model, X_te, y_te, n_repeats=4, random_state=7)
    ref = permutation_importance(model, X_te, y_te, scoring="roc_auc", n_repeats=4, random_state=7)
    expected = pd.DataFrame({"importance": ref.importances_mean, "importance_std": ref.importances_std},
                            index=X.columns)
    got = ours[["importance", "importance_std"]].reindex(X.columns)
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-12)
    assert ours.index[0] in {"complaints", "plan"}  # a planted driver leads, not the noise
