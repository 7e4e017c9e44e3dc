"""crmkit.segmentation: scores, segment map, tiers, k-means clusters, findings, planted truth."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.metrics import adjusted_rand_score

from crmkit.analysis import segmentation as seg
from crmkit.data.purchases import rfm_table
from crmkit.errors import ParamsError


# --------------------------------------------------------------------------- scores
def test_quantile_scores_are_quintiles_for_distinct_values():
    assert seg.quantile_scores(np.arange(10)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    s = seg.quantile_scores(np.random.default_rng(1).normal(size=1000))
    assert np.bincount(s).tolist() == [0, 200, 200, 200, 200, 200]


def test_quantile_scores_give_equal_values_equal_scores():
    x = np.random.default_rng(2).integers(1, 8, size=500)  # heavy ties
    s = pd.Series(seg.quantile_scores(x))
    assert (s.groupby(x).nunique() == 1).all()
    # the common recipe splits ties: the same value gets different scores
    naive = pd.qcut(pd.Series(x).rank(method="first"), 5, labels=False)
    assert (naive.groupby(x).nunique() > 1).any()
    # and scores never decrease as the value grows
    order = np.argsort(x, kind="stable")
    assert (np.diff(s.to_numpy()[order]) >= 0).all()


@pytest.mark.parametrize(("values", "expected"), [
    ([42.0], [1]),                       # one customer: nobody is ahead of anybody
    ([7, 7, 7, 7], [1, 1, 1, 1]),        # all alike
    ([1, 2, 3], [1, 2, 4]),              # three distinct values
    ([5, 5, 9, 9, 9, 9], [1, 1, 2, 2, 2, 2]),  # 1 + floor(5 * 2 / 6) = 2
    ([1, 1, 1, 1, 1, 1, 1, 1, 2, 3], [1, 1, 1, 1, 1, 1, 1, 1, 5, 5]),  # 80% one-time buyers
    ([], []),
])
def test_quantile_scores_small_and_degenerate(values, expected):
    assert seg.quantile_scores(values).tolist() == expected


def test_lowest_value_always_scores_one():
    for share in (0.3, 0.55, 0.9):
        n = 1000
        freq = np.r_[np.ones(int(share * n)), np.arange(2, 2 + n - int(share * n))]
        s = seg.quantile_scores(freq)
        assert set(s[freq == 1]) == {1}


def test_recency_scores_recent_high():
    assert seg.quantile_scores([0, 10, 100], higher_is_better=False).tolist() == [4, 2, 1]
    assert seg.quantile_scores(np.arange(10), higher_is_better=False).tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]


def test_quantile_scores_reject_missing():
    with pytest.raises(ValueError, match="missing"):
        seg.quantile_scores([1.0, np.nan])


def test_rfm_scores_hand_computed(tiny_orders):
    r = seg.rfm_scores(rfm_table(tiny_orders, as_of="2025-06-30"))
    # c1: 71 days, 3 orders, 300; c2: 149 days, 1 order, 80; c3: 0 days, 2 orders, 100.
    # score = 1 + floor(5 * customers strictly worse / 3): 2 worse -> 4, 1 -> 2, 0 -> 1
    exp = pd.DataFrame({
        "r_score": [2, 1, 4], "f_score": [4, 1, 2], "m_score": [4, 1, 2],
        "rfm_score": ["244", "111", "422"],
    }, index=pd.Index(["c1", "c2", "c3"], name="customer_id"))
    exp["rfm_score"] = exp["rfm_score"].astype("str")
    pd.testing.assert_frame_equal(r[exp.columns], exp)


def test_rfm_scores_is_pure(tiny_orders):
    rfm = rfm_table(tiny_orders, as_of="2025-06-30")
    before = rfm.copy()
    seg.rfm_scores(rfm)
    pd.testing.assert_frame_equal(rfm, before)


def test_score_ranges_state_values():
    scored = seg.rfm_scores(pd.DataFrame({
        "recency_days": [1, 2, 3, 4, 5], "frequency": [1, 1, 1, 2, 5],
        "monetary": [10.0, 20.5, 30.0, 40.0, 50.0]}))
    r = seg.score_ranges(scored).set_index(["measure", "score"])
    assert r.loc[("frequency", 1), "range"] == "1"
    assert r.loc[("frequency", 1), "customers"] == 3
    assert r.loc[("recency_days", 5), "range"] == "1"
    assert r.loc[("monetary", 2), "range"] == "20.50"


# --------------------------------------------------------------------------- segment map
def _frame(cells):
    r, f = zip(*cells)
    return pd.DataFrame({"r_score": r, "f_score": f})


def test_default_map_covers_every_cell_once():
    grid = seg.segment_grid()
    assert grid.shape == (5, 5)
    assert grid.loc[5, 5] == "Champions" and grid.loc[1, 1] == "Lost" and grid.loc[1, 5] == "Can't lose them"
    assert grid.loc[5, 1] == "New" and grid.loc[1, 2] == "Hibernating"
    assert set(grid.stack()) == set(seg.DEFAULT_SEGMENT_MAP)
    assert set(seg.DEFAULT_SEGMENT_ACTIONS) == set(seg.DEFAULT_SEGMENT_MAP)


def test_assign_segments_hand_checked():
    s = seg.assign_segments(_frame([(5, 5), (5, 1), (4, 1), (3, 3), (1, 1), (1, 2), (2, 5), (4, 2)]))
    assert s.tolist() == ["Champions", "New", "Promising", "Need attention", "Lost", "Hibernating",
                          "Can't lose them", "Potential loyalists"]
    assert list(s.cat.categories) == list(seg.DEFAULT_SEGMENT_MAP)


YAML_MAP = """
analysis:
  segmentation:
    segment_map:
      Best: {r: 4-5, f: 4-5}
      Rising: {r: 4-5, f: "1,2,3"}
      Slipping: [{r: 3, f: 1-5}, {r: [1, 2], f: [4, 5]}]
      Gone: {r: 1-2, f: 1-3}
"""


def test_segment_map_from_params_yaml():
    segment_map = yaml.safe_load(YAML_MAP)["analysis"]["segmentation"]["segment_map"]
    s = seg.assign_segments(_frame([(5, 5), (4, 1), (3, 1), (2, 5), (1, 3)]), segment_map=segment_map)
    assert s.tolist() == ["Best", "Rising", "Slipping", "Slipping", "Gone"]


def test_segment_map_errors_name_the_cells():
    gaps = {"Top": {"r": "4-5", "f": "1-5"}, "Rest": {"r": "1-3", "f": "1-4"}}
    with pytest.raises(ParamsError) as e:
        seg.segment_grid(gaps)
    msg = str(e.value)
    assert "not covered" in msg and "(R=1, F=5), (R=2, F=5), (R=3, F=5)" in msg
    assert "analysis: segmentation: segment_map" in msg

    overlap = {"Top": {"r": "4-5", "f": "1-5"}, "Rest": {"r": "1-4", "f": "1-5"}}
    with pytest.raises(ParamsError) as e:
        seg.segment_grid(overlap)
    msg = str(e.value)
    assert "covered more than once" in msg and "(R=4, F=1) by Top and Rest" in msg
    assert "(R=3, F=1)" not in msg  # only the doubled cells are listed


@pytest.mark.parametrize(("bad", "match"), [
    ({"A": {"r": 6, "f": "1-5"}}, "scores must be 1-5"),
    ({"A": {"r": "one", "f": "1-5"}}, "cannot read 'one'"),
    ({"A": {"r": "5-1", "f": "1-5"}}, "runs backwards"),
    ({"A": {"r": "1-5"}}, "exactly the keys 'r' and 'f'"),
    ({"A": {"r": None, "f": 1}}, "expected a score"),
    ([], "expected a mapping"),
])
def test_segment_map_unreadable_entries(bad, match):
    with pytest.raises(ParamsError, match=match):
        seg.segment_grid(bad)


def test_segmentation_rules_validated_when_the_params_are_read():
    from crmkit.config import validate_params

    def rules(section):
        return validate_params({"source": {"type": "bundled", "name": "demo"},
                                "analysis": {"segmentation": section}}).analysis.segmentation

    ok = rules(yaml.safe_load(YAML_MAP)["analysis"]["segmentation"] | {"tier_thresholds": [0.7, 0.9]})
    assert ok.tier_thresholds == (0.7, 0.9) and ok.k_range == (2, 8)
    assert set(ok.segment_map) == {"Best", "Rising", "Slipping", "Gone"}
    for bad, match in (({"tier_threshold": [0.8, 0.9]},
                        r"segmentation.tier_threshold: unknown key \(did you mean 'tier_thresholds'\?\)"),
                       ({"tier_thresholds": [0.95, 0.8]}, "tier_thresholds: Value error, two cumulative revenue shares"),
                       ({"k_range": [1, 8]}, "k_range: Value error, two whole numbers"),
                       ({"n_clusters": 0}, "n_clusters: Input should be greater than 0"),
                       ({"lookback_days": "a year"}, "lookback_days: Input should be a valid integer"),
                       ({"segment_map": {"All": {"r": "1-5", "f": "1-4"}}}, r"\(R=1, F=5\)")):
        with pytest.raises(ParamsError, match=match):
            rules(bad)


def test_segment_table_with_actions():
    customers = pd.DataFrame({
        "segment": pd.Categorical(["Champions", "Champions", "Lost"], categories=list(seg.DEFAULT_SEGMENT_MAP)),
        "recency_days": [1, 3, 300], "frequency": [10, 6, 1], "monetary": [600.0, 300.0, 100.0]})
    t = seg.segment_table(customers, actions={"Lost": "Let go."})
    assert list(t.index) == list(seg.DEFAULT_SEGMENT_MAP)
    exp = pd.DataFrame({
        "customers": [2, 1], "customer_share": [2 / 3, 1 / 3], "revenue": [900.0, 100.0],
        "revenue_share": [0.9, 0.1], "recency_days": [2.0, 300.0], "frequency": [8.0, 1.0],
        "monetary": [450.0, 100.0]}, index=pd.Index(["Champions", "Lost"], name="segment"))
    exp.index = exp.index.astype("str")
    pd.testing.assert_frame_equal(t.loc[["Champions", "Lost"], exp.columns], exp)
    assert t.loc["Lost", "action"] == "Let go."
    assert t.loc["Champions", "action"] == seg.DEFAULT_SEGMENT_ACTIONS["Champions"]
    assert t.loc["New", "customers"] == 0
    custom = customers.assign(segment=pd.Categorical(["VIP", "VIP", "Other"]))
    assert seg.segment_table(custom).loc["VIP", "action"].startswith("no action defined")


# --------------------------------------------------------------------------- value tiers
def test_value_tiers_hand_made():
    r = pd.DataFrame({"monetary": [5.0, 50.0, 10.0, 30.0, 5.0]}, index=list("abcde"))
    # sorted: b 50 (0% above), d 30 (50% above), c 10 (80% above), a/e 5 (90% above, tied)
    assert seg.value_tiers(r).tolist() == ["medium", "high", "medium", "high", "medium"]
    assert seg.value_tiers(r, thresholds=(0.5, 0.9)).tolist() == ["low", "high", "medium", "medium", "low"]
    t = seg.value_tiers(r)
    assert t.name == "value_tier" and list(t.cat.categories) == ["high", "medium", "low"]


def test_value_tiers_keep_ties_together_and_hit_the_threshold():
    m = np.r_[np.full(20, 100.0), np.random.default_rng(3).lognormal(3, 1, 980).round(0)]
    r = pd.DataFrame({"monetary": m})
    t = seg.value_tiers(r)
    assert (pd.Series(t.astype("str")).groupby(m).nunique() == 1).all()
    high = m[(t == "high").to_numpy()]
    # the high tier is the smallest set of top spenders reaching 80% of revenue
    assert high.sum() >= 0.8 * m.sum()
    assert high.sum() - high.min() < 0.8 * m.sum() or (high == high.min()).sum() > 1


def test_value_tiers_thresholds_validated():
    with pytest.raises(ParamsError, match="tier_thresholds"):
        seg.value_tiers(pd.DataFrame({"monetary": [1.0]}), thresholds=(0.95, 0.8))


def test_tier_table_and_concentration():
    r = pd.DataFrame({"monetary": [5.0, 50.0, 10.0, 30.0, 5.0], "recency_days": [1, 2, 3, 4, 5],
                      "frequency": [1, 5, 2, 3, 1]})
    t = seg.tier_table(r.assign(value_tier=seg.value_tiers(r)))
    assert t["customers"].tolist() == [2, 3, 0]
    assert t["revenue_share"].tolist()[:2] == pytest.approx([0.8, 0.2])
    assert t.loc["medium", "min_monetary"] == 5.0
    c = seg.revenue_concentration(r)
    assert c["revenue_share"].tolist() == pytest.approx([0, 0.5, 0.8, 0.9, 0.95, 1.0])
    assert c["customer_share"].iloc[-1] == 1.0


def test_rf_grid_counts():
    customers = pd.DataFrame({"r_score": [5, 5, 1], "f_score": [5, 5, 1], "monetary": [10.0, 30.0, 1.0]})
    g = seg.rf_grid(customers).set_index(["r_score", "f_score"])
    assert len(g) == 25 and g["customers"].sum() == 3
    assert g.loc[(5, 5), "customers"] == 2 and g.loc[(5, 5), "monetary"] == 20.0
    assert g.loc[(5, 5), "segment"] == "Champions" and np.isnan(g.loc[(3, 3), "monetary"])


# --------------------------------------------------------------------------- clusters
def _blobs(n=60, seed=0):
    """Three well separated customer groups: best, middling, lapsed one-off."""
    rng = np.random.default_rng(seed)
    rfm = pd.DataFrame({
        "recency_days": np.r_[rng.integers(1, 8, n), rng.integers(60, 90, n), rng.integers(400, 600, n)],
        "frequency": np.r_[rng.integers(20, 30, n), rng.integers(4, 6, n), np.ones(n, dtype=int)],
        "monetary": np.r_[rng.normal(5000, 300, n), rng.normal(600, 50, n), rng.normal(40, 5, n)],
    }, index=pd.Index([f"c{i:03d}" for i in range(3 * n)], name="customer_id"))
    return rfm, np.repeat([1, 2, 3], n)


def test_clusterer_recovers_separated_groups_and_numbers_by_spend():
    rfm, truth = _blobs()
    km = seg.RFMClusterer(random_state=0).fit(rfm)
    assert km.n_clusters_ == 3
    assert km.scores_.index.tolist() == list(range(2, 9))
    assert km.scores_["silhouette"].idxmax() == 3
    assert (km.labels_.to_numpy() == truth).all()  # cluster 1 = highest spend
    assert km.labels_.index.equals(rfm.index) and km.labels_.name == "cluster"
    assert km.profiles_["customers"].tolist() == [60, 60, 60]
    assert km.profiles_["monetary"].is_monotonic_decreasing
    assert km.profiles_.loc[1, "description"].endswith("best customers")
    assert km.profiles_.loc[3, "description"].endswith("lapsed low-value customers")
    pd.testing.assert_series_equal(km.predict(rfm), km.labels_)
    assert list(km.centers_.columns) == ["recency_days", "frequency", "monetary"]


def test_clusterer_forced_k_and_determinism():
    rfm, _ = _blobs(seed=1)
    a = seg.RFMClusterer(4, random_state=7).fit(rfm)
    b = seg.RFMClusterer(4, random_state=7).fit(rfm)
    assert a.n_clusters_ == 4 and a.labels_.nunique() == 4
    pd.testing.assert_series_equal(a.labels_, b.labels_)
    assert len(a.scores_) == 7  # the curve is still computed


@pytest.mark.parametrize("n_clusters", [None, 3])
def test_clusterer_degenerate_inputs_do_not_crash_or_warn(n_clusters):
    one = pd.DataFrame({"recency_days": [3], "frequency": [1], "monetary": [10.0]})
    same = pd.DataFrame({"recency_days": [3] * 5, "frequency": [1] * 5, "monetary": [10.0] * 5})
    two = pd.DataFrame({"recency_days": [3, 3, 300, 300], "frequency": [5, 5, 1, 1],
                        "monetary": [900.0, 900.0, 10.0, 10.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for frame, k in ((one, 1), (same, 1), (two, 2)):
            km = seg.RFMClusterer(n_clusters, random_state=0).fit(frame)
            assert km.n_clusters_ == k
            assert km.labels_.nunique() == k and len(km.profiles_) == k
    assert km.labels_.tolist() == [1, 1, 2, 2]


@pytest.mark.parametrize(("scores", "expected"), [
    ((4.6, 4.2, 4.5), "bought recently, buy often, spend a lot: best customers"),
    ((4.0, 1.5, 2.0), "bought recently, buy rarely, spend little: new or one-off buyers"),
    ((3.0, 4.0, 3.0), "last bought a while ago, buy often, spend a medium amount: loyal, valuable customers"),
    ((2.6, 2.0, 2.2), "last bought a while ago, buy rarely, spend little: occasional low spenders"),
    ((1.5, 3.8, 4.0), "not seen for a long time, buy often, spend a lot: valuable customers slipping away"),
    ((1.7, 1.9, 2.1), "not seen for a long time, buy rarely, spend little: lapsed low-value customers"),
    ((2.0, 3.0, 3.0), "not seen for a long time, buy now and then, spend a medium amount: fading customers"),
    ((3.0, 3.0, 3.0), "last bought a while ago, buy now and then, spend a medium amount: average customers"),
])
def test_describe_clusters(scores, expected):
    p = pd.DataFrame([scores], columns=["r_score", "f_score", "m_score"], index=pd.Index([1], name="cluster"))
    assert seg.describe_clusters(p).loc[1] == expected


# --------------------------------------------------------------------------- findings
def test_findings_computed_from_data():
    rfm, _ = _blobs()
    customers = seg.segment_customers(rfm)
    km = seg.RFMClusterer(random_state=0).fit(rfm)
    f = seg.segmentation_findings(customers.assign(cluster=km.labels_), clusterer=km, currency="$")
    t = seg.segment_table(customers)
    best = t["revenue_share"].idxmax()
    assert f[0] == (f"**{best}** are {100 * t.loc[best, 'customer_share']:.0f}% of the 180 customers and bring "
                    f"{100 * t.loc[best, 'revenue_share']:.0f}% of their revenue, the largest share of any segment.")
    assert any(s.startswith("33% of customers bought only once (F score 1)") for s in f)
    assert any("k-means found **3 clusters**" in s for s in f)
    assert any(s.startswith("Cluster 1 (33% of customers") and "best customers" in s for s in f)
    assert seg.segmentation_findings(customers.iloc[:0]) == [
        "No customer bought anything up to the report date: nothing to segment."]


def test_planted_recovery_and_crosstab():
    customers = pd.DataFrame({"cluster": [1, 1, 2, 2], "value_tier": ["high", "low", "low", "low"]},
                             index=pd.Index(["a", "b", "c", "d"], name="customer_id"))
    truth = pd.DataFrame({"customer_id": ["a", "b", "c", "d", "e"],
                          "customer_type": ["vip", "vip", "occasional", "occasional", "prospect"]})
    rec = seg.planted_recovery(customers, truth, columns=["cluster", "value_tier"])
    assert rec.loc["cluster", "adjusted_rand_index"] == 1.0
    assert rec.loc["cluster", "customers"] == 4
    ct = seg.planted_crosstab(customers, truth, column="value_tier")
    assert ct.loc["vip", "high"] == 0.5 and ct.loc["occasional", "low"] == 1.0


# --------------------------------------------------------------------------- planted truth (demo)
@pytest.fixture(scope="module")
def demo(demo_prepared):
    """The demo data, cleaned as for a report, summarised as of 2025-12-31 (2025-Q4 report)."""
    prepared = demo_prepared
    rfm = rfm_table(prepared.dataset.orders, as_of="2025-12-31")
    types = prepared.dataset.truth["customers"].set_index("customer_id")["customer_type"]
    return rfm, types


def _ari(labels: pd.Series, types: pd.Series) -> float:
    j = labels.to_frame("label").join(types, how="inner")
    return adjusted_rand_score(j["customer_type"], j["label"].astype("str"))


def test_demo_clusters_recover_planted_types(demo):
    """k-means on R, F, M against the planted vip / regular / occasional types.

    The types overlap by design (gamma-distributed buying rates, random drop-out),
    so perfect recovery is impossible: a gradient-boosted classifier *trained on the
    true types* with the same three features reaches ARI 0.36 (5-fold CV; 0.41 for
    customers with 180+ days of tenure). Measured (seed 42, 4,616 typed buyers):
    k = 3 forced: ARI 0.29; automatic k (silhouette picks 2): 0.28; k = 3 on customers
    with 180+ days of tenure: 0.33. We assert 0.25 / 0.22 / 0.28: about 70% of what a
    supervised model attains, with a margin for sampling noise between seeds.
    """
    rfm, types = demo
    forced = seg.RFMClusterer(3, random_state=0).fit(rfm)
    auto = seg.RFMClusterer(random_state=0).fit(rfm)
    assert _ari(forced.labels_, types) >= 0.25
    assert _ari(auto.labels_, types) >= 0.22
    old = rfm[rfm["tenure_days"] >= 180]
    assert _ari(seg.RFMClusterer(3, random_state=0).fit(old).labels_, types) >= 0.28
    # the lowest-value cluster is the occasional buyers' home, and VIPs are not in it
    ct = pd.crosstab(forced.labels_.to_frame("c").join(types, how="inner")["customer_type"],
                     forced.labels_.to_frame("c").join(types, how="inner")["c"], normalize="index")
    assert ct.loc["occasional", 3] >= 0.85  # measured 0.92
    assert ct.loc["vip", 3] <= 0.10  # measured 0.06
    assert forced.profiles_.loc[1, "description"].endswith("best customers")


def test_demo_value_tiers_line_up_with_types(demo):
    rfm, types = demo
    tiers = seg.value_tiers(rfm)
    ct = pd.crosstab(tiers.to_frame().join(types, how="inner")["customer_type"],
                     tiers.to_frame().join(types, how="inner")["value_tier"], normalize="index")
    assert ct.loc["vip", "high"] >= 0.75  # measured 0.81
    assert ct.loc["occasional", "low"] >= 0.85  # measured 0.90
    assert ct.loc["occasional", "high"] <= 0.01  # measured 0.0005
    assert _ari(tiers, types) >= 0.3  # measured 0.36


def test_demo_segments_are_all_used_and_champions_lead(demo):
    rfm, _ = demo
    customers = seg.segment_customers(rfm)
    t = seg.segment_table(customers)
    assert (t["customers"] > 0).all()
    assert t["revenue_share"].idxmax() == "Champions"
    assert t["revenue_share"].sum() == pytest.approx(1.0)
